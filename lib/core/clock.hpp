// Clock: the only source of "now" in lib/. The daemon passes SystemClock; tests pass a FakeClock.
#pragma once

#include "core/time.hpp"

namespace redline {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }
};

}  // namespace redline
