// FakeStore: an in-memory OutboxStore (the only role the Dispatcher takes), for dispatcher tests. It
// implements the due_outbox contract of store.hpp (pending rows with next_attempt <= now, oldest (lowest
// id) first, and only the oldest pending row of each (article, notifier) pair). Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace redline::testing {

class FakeStore final : public OutboxStore {
 public:
  // Adds a pending row (id assigned, next_attempt = created_at when unset); returns its id.
  int64_t add(OutboxEntry entry);
  // The row with this id; asserts that it exists.
  const OutboxEntry& row(int64_t id) const;

  bool fail_reads = false;  // due_outbox() fails with Errc::io
  bool fail_marks = false;  // mark_*() fail with Errc::io and change nothing

  Result<std::vector<OutboxEntry>> due_outbox(Timestamp now, size_t limit) override;
  Status mark_delivered(int64_t outbox_id, Timestamp now) override;
  Status mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) override;
  Status mark_dead(int64_t outbox_id, int attempts, std::string_view error) override;
  Result<int64_t> count_pending_outbox() override;

 private:
  OutboxEntry* find(int64_t id);

  std::vector<OutboxEntry> m_rows;  // in id order
  int64_t m_next_id = 1;
};

}  // namespace redline::testing
