#include "monitor/work_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/url.hpp"

namespace redline {

Status LocalSchedule::add(std::span<const NewWatch> watches) {
  for (const auto& w : watches) plan(w.slot, w.first);
  return {};
}

void LocalSchedule::remove(uint32_t slot) {
  if (slot < m_at.size()) m_at[slot] = Timestamp::max();
}

void LocalSchedule::plan(uint32_t slot, Timestamp at) {
  if (slot >= m_at.size()) m_at.resize(slot + 1, Timestamp::max());
  m_at[slot] = at;
  m_due.push({at, slot});
}

std::optional<uint32_t> LocalSchedule::take(Timestamp now, const std::function<bool(uint32_t)>& startable) {
  while (!m_due.empty() && m_due.top().at <= now) {
    const Due due = m_due.top();
    m_due.pop();
    // Entries left behind by a reschedule or a removal are skipped.
    if (m_at[due.slot] != due.at || !startable(due.slot)) continue;
    return due.slot;
  }
  return std::nullopt;
}

std::optional<Timestamp> LocalSchedule::next_due(const std::function<bool(uint32_t)>& startable) const {
  // Drop entries left behind by a reschedule, a removal or a check started by check_all().
  while (!m_due.empty()) {
    const Due& top = m_due.top();
    if (m_at[top.slot] == top.at && startable(top.slot)) return top.at;
    m_due.pop();
  }
  return std::nullopt;
}

ClaimedWork::ClaimedWork(WorkClaims& claims, const Clock& clock, Options options)
    : m_claims(claims), m_clock(clock), m_options(std::move(options)) {}

Status ClaimedWork::add(std::span<const NewWatch> watches) {
  std::vector<PlannedCheck> planned;
  planned.reserve(watches.size());
  for (const auto& w : watches) {
    if (w.slot >= m_article_of.size()) m_article_of.resize(w.slot + 1, 0);
    m_article_of[w.slot] = w.article_id;
    m_slot_of[w.article_id] = w.slot;
    std::string origin = url_origin(w.url);
    const auto [number, fresh] = m_origin_number.try_emplace(origin, static_cast<uint32_t>(m_held_of.size()));
    if (fresh) {
      m_held_of.push_back(0);
      m_taken_at.push_back(Timestamp{});
    }
    m_origin_of[w.article_id] = number->second;
    planned.push_back({w.article_id, std::move(origin), w.first});
  }
  // The store keeps a next check another node planned or recorded; only a watch without one gets ours.
  return m_claims.plan_checks(planned);
}

void ClaimedWork::hold(int64_t article_id) {
  if (!m_held.insert(article_id).second) return;
  if (auto o = m_origin_of.find(article_id); o != m_origin_of.end()) ++m_held_of[o->second];
}

void ClaimedWork::drop(int64_t article_id) {
  if (m_held.erase(article_id) == 0) return;
  if (auto o = m_origin_of.find(article_id); o != m_origin_of.end()) --m_held_of[o->second];
}

std::optional<Timestamp> ClaimedWork::origin_taken_at(int64_t article_id) const {
  auto o = m_origin_of.find(article_id);
  if (o == m_origin_of.end() || m_taken_at[o->second] == Timestamp{}) return std::nullopt;
  return m_taken_at[o->second];
}

void ClaimedWork::remove(uint32_t slot) {
  if (slot >= m_article_of.size() || m_article_of[slot] == 0) return;
  auto it = m_slot_of.find(m_article_of[slot]);
  if (it != m_slot_of.end() && it->second == slot) m_slot_of.erase(it);
  m_article_of[slot] = 0;
}

void ClaimedWork::note(const Status& s, std::string_view what) {
  if (s) {
    if (m_failing) spdlog::info("store: claiming work again");
    m_failing = false;
  } else if (!m_failing) {
    m_failing = true;
    spdlog::error("store: {}: {} (logged once until it works again)", what, s.error().message);
  }
}

void ClaimedWork::renew(Timestamp now) {
  m_renewed = now;
  // Alive: this node keeps owning its origins (a node not seen for a lease owns none).
  note(m_claims.heartbeat(m_options.node, now), "cannot heartbeat");
  if (m_held.empty()) return;
  const std::vector<int64_t> ids(m_held.begin(), m_held.end());
  auto renewed = m_claims.renew_checks(m_options.node, ids, now, m_options.lease);
  if (!renewed) return note(renewed.error(), "cannot renew leases");
  note({}, "");
  if (static_cast<size_t>(*renewed) < ids.size())
    spdlog::warn(
        "node {}: {} of {} leases had expired before renewal (this node was too slow): those checks may "
        "run on another node too",
        m_options.node, ids.size() - static_cast<size_t>(*renewed), ids.size());
}

void ClaimedWork::set_aside(Timestamp now) {
  if (m_orphans.empty()) return;
  // Due, claimed, and no watch of this node: a watch removed from the configuration or the store (or
  // added a moment ago and not read here yet). It comes back after orphan_delay, for whichever node
  // watches it then.
  note(m_claims.defer_checks(m_options.node, m_orphans, now + m_options.orphan_delay), "cannot defer checks");
  for (int64_t id : m_orphans) drop(id);
  m_orphans.clear();
}

void ClaimedWork::tick(Timestamp now, size_t room) {
  if (now - m_renewed >= m_options.lease / 3) renew(now);
  set_aside(now);
  if (room <= m_queue.size()) return;
  size_t want = room - m_queue.size();
  if (m_options.batch > 0) want = std::min(want, m_options.batch);
  auto claimed = m_claims.claim_checks(m_options.node, now, m_options.lease, want);
  if (!claimed) return note(claimed.error(), "cannot claim checks");
  note({}, "");
  // An origin of which this node held no check was maybe another node's until a moment ago: its
  // requests wait a rate spacing from now (after the claim, which saw the other node's leases end).
  const Timestamp claimed_at = m_clock.now();
  for (int64_t id : *claimed) {
    if (auto o = m_origin_of.find(id); o != m_origin_of.end() && m_held_of[o->second] == 0)
      m_taken_at[o->second] = claimed_at;
    hold(id);
    if (m_slot_of.count(id))
      m_queue.push(id);
    else
      m_orphans.push_back(id);
  }
  set_aside(now);
}

std::optional<uint32_t> ClaimedWork::take(Timestamp, const std::function<bool(uint32_t)>& startable) {
  while (!m_queue.empty()) {
    const int64_t id = m_queue.front();
    m_queue.pop();
    auto it = m_slot_of.find(id);
    if (it == m_slot_of.end()) {  // removed since it was claimed
      m_orphans.push_back(id);
      continue;
    }
    // Not startable: its check still runs here (a lease of this node that expired and was claimed back);
    // that check's bookkeeping ends the lease.
    if (!startable(it->second)) continue;
    return it->second;
  }
  return std::nullopt;
}

std::optional<Timestamp> ClaimedWork::next_due(const std::function<bool(uint32_t)>&) const {
  if (!m_queue.empty()) return m_clock.now();
  return std::nullopt;  // the store knows; the next tick claims what is due
}

void ClaimedWork::ended(int64_t article_id, bool recorded) {
  // Without bookkeeping (the store failed, the watch went) the lease is left to expire: the check
  // runs again, here or elsewhere, a lease from now.
  if (!recorded) drop(article_id);
}

void ClaimedWork::written(std::span<const CheckRecord> records, bool) {
  // Written: the store ended the leases. Failed: they expire, and the checks run again.
  for (const auto& r : records) drop(r.article_id);
}

void ClaimedWork::stop() {
  set_aside(m_clock.now());
  // Leaving: its origins go to the other nodes now, not when its heartbeat is a lease old.
  note(m_claims.leave(m_options.node), "cannot leave the cluster");
  if (m_held.empty()) return;
  const std::vector<int64_t> ids(m_held.begin(), m_held.end());
  if (auto s = m_claims.release_checks(m_options.node, ids); !s)
    spdlog::warn("node {}: could not give back {} leases (they expire on their own): {}", m_options.node, ids.size(),
                 s.error().message);
  m_held.clear();
  std::fill(m_held_of.begin(), m_held_of.end(), 0);
  while (!m_queue.empty()) m_queue.pop();
}

}  // namespace redline
