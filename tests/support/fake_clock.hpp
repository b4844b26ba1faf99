// FakeClock: a Clock that moves only when told.
#pragma once

#include "core/clock.hpp"

namespace redline::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = from_epoch_ms(1'700'000'000'000)) : m_now(start) {}
  Timestamp now() const override { return m_now; }
  void advance(Duration d) { m_now += d; }
  void set(Timestamp t) { m_now = t; }

 private:
  Timestamp m_now;
};

}  // namespace redline::testing
