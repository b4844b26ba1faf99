// PostgresStore: leased claims of due checks and outbox rows, shared by the nodes of a cluster.
// Each claim is one statement: SELECT … FOR UPDATE SKIP LOCKED picks rows no other claimer holds
// (locked by a concurrent claim, or leased and not expired), and the UPDATE leases them, so two
// claimers never get the same row while its lease runs.
#include <algorithm>

#include "store/postgres_store.hpp"

namespace redline {

namespace {

std::string id_array(std::span<const int64_t> ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

int64_t bounded(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, 1'000'000)); }

}  // namespace

Result<std::vector<int64_t>> PostgresStore::claim_checks(std::string_view node, Timestamp now, Duration lease,
                                                         size_t limit) {
  return write([&]() -> Result<std::vector<int64_t>> {
    auto rows = m_conn->exec(
        // Free rows through their partial index, expired leases through theirs; a row a concurrent
        // claim locked is skipped, and one it leased meanwhile fails the re-checked condition.
        "WITH free AS (SELECT article_id, next_check FROM article_check WHERE lease_owner IS NULL "
        "AND next_check <= $1 ORDER BY next_check LIMIT $4 FOR UPDATE SKIP LOCKED), "
        "expired AS (SELECT article_id, next_check FROM article_check WHERE lease_owner IS NOT NULL "
        "AND lease_until <= $1 AND next_check <= $1 ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED), "
        "pick AS (SELECT article_id FROM (SELECT * FROM free UNION ALL SELECT * FROM expired) x "
        "ORDER BY next_check LIMIT $4) "
        "UPDATE article_check c SET lease_owner = $2, lease_until = $1 + $3 FROM pick "
        "WHERE c.article_id = pick.article_id RETURNING c.article_id, c.next_check",
        {pg::time(now), pg::text(node), pg::integer(lease.count()), pg::integer(bounded(limit))});
    if (!rows) return rows.error();
    std::vector<std::pair<int64_t, int64_t>> due;  // (next_check, article) : oldest due first
    for (int i = 0; i < rows->size(); ++i) due.emplace_back(rows->integer(i, 1), rows->integer(i, 0));
    std::sort(due.begin(), due.end());
    std::vector<int64_t> out;
    out.reserve(due.size());
    for (const auto& d : due) out.push_back(d.second);
    return out;
  });
}

Result<int64_t> PostgresStore::renew_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp now,
                                            Duration lease) {
  return write([&]() -> Result<int64_t> {
    auto rows = m_conn->exec(
        "UPDATE article_check SET lease_until = $3 + $4 WHERE lease_owner = $1 AND article_id = ANY($2::bigint[]) "
        "AND lease_until > $3",
        {pg::text(node), pg::text(id_array(article_ids)), pg::time(now), pg::integer(lease.count())});
    if (!rows) return rows.error();
    return rows->affected();
  });
}

Status PostgresStore::release_checks(std::string_view node, std::span<const int64_t> article_ids) {
  return write([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE article_check SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 "
        "AND article_id = ANY($2::bigint[])",
        {pg::text(node), pg::text(id_array(article_ids))});
    if (!rows) return rows.error();
    return {};
  });
}

Result<std::vector<OutboxEntry>> PostgresStore::claim_outbox(std::string_view node, Timestamp now, Duration lease,
                                                             size_t limit) {
  return write([&]() -> Result<std::vector<OutboxEntry>> {
    auto rows = m_conn->exec(
        "WITH due AS (SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt <= $1 "
        "AND (o.lease_until IS NULL OR o.lease_until <= $1) "
        "AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.state = 'pending' AND p.article_id = o.article_id "
        "AND p.notifier = o.notifier) ORDER BY o.id LIMIT $4 FOR UPDATE SKIP LOCKED) "
        "UPDATE outbox o SET lease_owner = $2, lease_until = $1 + $3 FROM due WHERE o.id = due.id "
        "RETURNING o.id, o.event_id, o.article_id, o.version_id, o.notifier, o.payload, o.state, o.attempts, "
        "o.created_at, o.next_attempt, o.delivered_at, o.last_error",
        {pg::time(now), pg::text(node), pg::integer(lease.count()), pg::integer(bounded(limit))});
    if (!rows) return rows.error();
    std::vector<OutboxEntry> out;
    for (int i = 0; i < rows->size(); ++i) {
      OutboxEntry e;
      e.id = rows->integer(i, 0);
      e.event_id = rows->text(i, 1);
      e.article_id = rows->integer(i, 2);
      e.version_id = rows->integer(i, 3);
      e.notifier = rows->text(i, 4);
      e.payload = rows->text(i, 5);
      e.state = OutboxState::pending;
      e.attempts = static_cast<int>(rows->integer(i, 7));
      e.created_at = rows->time(i, 8);
      e.next_attempt = rows->time(i, 9);
      e.delivered_at = rows->optional_time(i, 10);
      e.last_error = rows->text(i, 11);
      out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const OutboxEntry& a, const OutboxEntry& b) { return a.id < b.id; });
    return out;
  });
}

}  // namespace redline
