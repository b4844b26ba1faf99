#include "fake_store.hpp"

#include <algorithm>
#include <cassert>
#include <set>
#include <utility>

namespace redline::testing {

int64_t FakeStore::add(OutboxEntry entry) {
  entry.id = m_next_id++;
  entry.state = OutboxState::pending;
  if (entry.next_attempt == Timestamp{}) entry.next_attempt = entry.created_at;
  m_rows.push_back(std::move(entry));
  return m_rows.back().id;
}

const OutboxEntry& FakeStore::row(int64_t id) const {
  for (const auto& r : m_rows)
    if (r.id == id) return r;
  assert(false && "no such outbox row");
  return m_rows.front();
}

OutboxEntry* FakeStore::find(int64_t id) {
  for (auto& r : m_rows)
    if (r.id == id) return &r;
  return nullptr;
}

Result<std::vector<OutboxEntry>> FakeStore::due_outbox(Timestamp now, size_t limit) {
  if (fail_reads) return make_error(Errc::io, "disk on fire");
  std::vector<const OutboxEntry*> pending;
  for (const auto& r : m_rows)
    if (r.state == OutboxState::pending) pending.push_back(&r);
  std::sort(pending.begin(), pending.end(), [](const OutboxEntry* a, const OutboxEntry* b) { return a->id < b->id; });
  std::set<std::pair<int64_t, std::string>> seen;
  std::vector<OutboxEntry> out;
  for (const OutboxEntry* r : pending) {
    if (!seen.emplace(r->article_id, r->notifier).second) continue;  // not the oldest of its pair
    if (r->next_attempt > now) continue;
    if (out.size() == limit) break;
    out.push_back(*r);
  }
  return out;
}

Result<int64_t> FakeStore::count_pending_outbox() {
  if (fail_reads) return make_error(Errc::io, "disk on fire");
  return static_cast<int64_t>(
      std::count_if(m_rows.begin(), m_rows.end(), [](const OutboxEntry& r) { return r.state == OutboxState::pending; }));
}

Status FakeStore::mark_delivered(int64_t outbox_id, Timestamp) {
  if (fail_marks) return make_error(Errc::io, "disk full");
  OutboxEntry* r = find(outbox_id);
  if (!r) return make_error(Errc::not_found, "no outbox row");
  r->state = OutboxState::delivered;
  r->attempts += 1;
  r->last_error.clear();
  return {};
}

Status FakeStore::mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) {
  if (fail_marks) return make_error(Errc::io, "disk full");
  OutboxEntry* r = find(outbox_id);
  if (!r) return make_error(Errc::not_found, "no outbox row");
  r->attempts = attempts;
  r->next_attempt = next_attempt;
  r->last_error = error;
  return {};
}

Status FakeStore::mark_dead(int64_t outbox_id, int attempts, std::string_view error) {
  if (fail_marks) return make_error(Errc::io, "disk full");
  OutboxEntry* r = find(outbox_id);
  if (!r) return make_error(Errc::not_found, "no outbox row");
  r->state = OutboxState::dead;
  r->attempts = attempts;
  r->last_error = error;
  return {};
}

}  // namespace redline::testing
