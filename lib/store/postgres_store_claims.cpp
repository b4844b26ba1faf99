// PostgresStore: leased claims of due checks and outbox rows, shared by the nodes of a cluster.
// Each claim is one statement: SELECT … FOR UPDATE SKIP LOCKED picks rows no other claimer holds
// (locked by a concurrent claim, or leased and not expired), and the UPDATE leases them, so two
// claimers never get the same row while its lease runs.
#include <algorithm>

#include "store/postgres_store.hpp"

namespace redline {

namespace {

// The origins this node ($2) may claim now, computed once per claim statement over the distinct
// origins (the `origin` table): rendezvous hashing over the live nodes (the highest hash of node and
// origin wins; equal hashes: the smaller name), and no other node holds the origin (hand-over: an old
// owner's hold lasts as long as its leases on the origin's checks, renewed with them, dropped when it
// recorded or gave back the last of them). A candidate row is then only a hash lookup in this set;
// checks without an origin are anyone's.
constexpr std::string_view k_won_ctes =
    "live AS MATERIALIZED (SELECT name FROM node WHERE last_seen > $1::bigint - $3::bigint UNION SELECT $2::text), "
    "won AS MATERIALIZED (SELECT o.name FROM origin o WHERE (o.holder IS NULL OR o.holder = $2 OR "
    "o.held_until <= $1) AND NOT EXISTS (SELECT 1 FROM live l WHERE l.name <> $2 "
    "AND (hashtextextended(l.name || ' ' || o.name, 0), $2::text) > (hashtextextended($2 || ' ' || o.name, 0), "
    "l.name))), ";
constexpr std::string_view k_won = "(c.origin IS NULL OR c.origin IN (SELECT name FROM won))";

// Drops this node's ($1) holds on the origins of the checks $2 when it leases none of their checks any
// more (recorded, given back or deferred), so that a new owner starts at once instead of a lease later.
constexpr std::string_view k_drop_holds =
    "UPDATE origin o SET holder = NULL, held_until = NULL WHERE o.holder = $1 AND o.name IN (SELECT c.origin "
    "FROM article_check c WHERE c.article_id = ANY($2::bigint[])) AND NOT EXISTS (SELECT 1 FROM article_check x "
    "WHERE x.origin = o.name AND x.lease_owner = $1)";

int64_t bounded(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, 1'000'000)); }

}  // namespace

Result<std::vector<int64_t>> PostgresStore::claim_checks(std::string_view node, Timestamp now, Duration lease,
                                                         size_t limit) {
  return write([&]() -> Result<std::vector<int64_t>> {
    // Planned for this call's values: a generic plan cannot know which origins are held and may walk
    // every lease of the cluster (planning costs a millisecond; the claim is 100 rows).
    if (auto custom = m_conn->exec("SET LOCAL plan_cache_mode = force_custom_plan"); !custom) return custom.error();
    auto rows = m_conn->exec(
        // Free rows through their partial index, expired leases through theirs; a row a concurrent
        // claim locked is skipped, and one it leased meanwhile fails the re-checked condition.
        "WITH " + std::string(k_won_ctes) +
            "free AS (SELECT article_id, next_check, origin FROM article_check c WHERE lease_owner IS NULL "
            "AND next_check <= $1 AND " +
            std::string(k_won) +
            " ORDER BY next_check LIMIT $4 FOR UPDATE SKIP LOCKED), "
            "expired AS (SELECT article_id, next_check, origin FROM article_check c WHERE lease_owner IS NOT NULL "
            "AND lease_until <= $1 AND next_check <= $1 AND " +
            std::string(k_won) +
            " ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED), "
            "mine AS (SELECT * FROM free UNION ALL SELECT * FROM expired), "
            "pick AS MATERIALIZED (SELECT article_id, origin FROM mine ORDER BY next_check LIMIT $4), "
            // The picked rows' origins, locked in name order and re-checked: a node that claimed one
            // of them concurrently (both believed they owned it) holds it now, and this claim leaves it.
            "held AS MATERIALIZED (SELECT o.name FROM origin o WHERE o.name IN (SELECT origin FROM pick) AND "
            "(o.holder IS NULL OR o.holder = $2 OR o.held_until <= $1) ORDER BY o.name FOR UPDATE), "
            "hold AS (UPDATE origin o SET holder = $2, held_until = CASE WHEN o.holder = $2 "
            "THEN greatest(o.held_until, $1 + $3) ELSE $1 + $3 END FROM held WHERE o.name = held.name) "
            "UPDATE article_check c SET lease_owner = $2, lease_until = $1 + $3 FROM pick "
            "WHERE c.article_id = pick.article_id AND (pick.origin IS NULL OR pick.origin IN (SELECT name FROM held)) "
            "RETURNING c.article_id, c.next_check",
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
    // The node's holds on the origins of what it renews run as long as those leases.
    auto rows = m_conn->exec(
        "WITH renewed AS (UPDATE article_check SET lease_until = $3 + $4 WHERE lease_owner = $1 "
        "AND article_id = ANY($2::bigint[]) AND lease_until > $3 RETURNING origin), "
        "hold AS (UPDATE origin o SET held_until = greatest(o.held_until, $3 + $4) WHERE o.holder = $1 "
        "AND o.name IN (SELECT origin FROM renewed)) "
        "SELECT count(*) FROM renewed",
        {pg::text(node), pg::integers(article_ids), pg::time(now), pg::integer(lease.count())});
    if (!rows) return rows.error();
    return rows->integer(0, 0);
  });
}

Status PostgresStore::release_checks(std::string_view node, std::span<const int64_t> article_ids) {
  return write([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE article_check SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 "
        "AND article_id = ANY($2::bigint[])",
        {pg::text(node), pg::integers(article_ids)});
    if (!rows) return rows.error();
    return drop_holds(node, article_ids);
  });
}

Status PostgresStore::plan_checks(std::span<const PlannedCheck> checks) {
  if (checks.empty()) return {};
  // In article order (as record_checks), so that nodes planning together lock rows in one order.
  std::vector<const PlannedCheck*> ordered;
  for (const auto& c : checks) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(),
            [](const PlannedCheck* a, const PlannedCheck* b) { return a->article_id < b->article_id; });
  std::vector<int64_t> ids, firsts;
  std::vector<std::string_view> origins;
  for (const PlannedCheck* c : ordered) {
    if (!ids.empty() && ids.back() == c->article_id) continue;  // one row per article
    ids.push_back(c->article_id);
    origins.push_back(c->origin);
    firsts.push_back(to_epoch_ms(c->first));
  }
  return write([&]() -> Status {
    auto rows = m_conn->exec(
        "INSERT INTO article_check (article_id, origin, next_check) "
        "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) "
        "ON CONFLICT (article_id) DO UPDATE SET origin = excluded.origin, "
        "next_check = coalesce(article_check.next_check, excluded.next_check) "
        "WHERE article_check.origin IS DISTINCT FROM excluded.origin OR article_check.next_check IS NULL",
        {pg::integers(ids), pg::texts(origins), pg::integers(firsts)});
    if (!rows) return rows.error();
    return {};
  });
}

// Inside an open transaction.
Status PostgresStore::drop_holds(std::string_view node, std::span<const int64_t> article_ids) {
  auto rows = m_conn->exec(std::string(k_drop_holds), {pg::text(node), pg::integers(article_ids)});
  if (!rows) return rows.error();
  return {};
}

Status PostgresStore::heartbeat(std::string_view node, Timestamp now) {
  return write([&]() -> Status {
    auto rows = m_conn->exec(
        "INSERT INTO node (name, started, last_seen) VALUES ($1, $2, $2) "
        "ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen",
        {pg::text(node), pg::time(now)});
    if (!rows) return rows.error();
    return {};
  });
}

Status PostgresStore::leave(std::string_view node) {
  return write([&]() -> Status {
    auto rows = m_conn->exec("DELETE FROM node WHERE name = $1", {pg::text(node)});
    if (!rows) return rows.error();
    return {};
  });
}

Result<bool> PostgresStore::owns_origin(std::string_view node, std::string_view origin, Timestamp now, Duration lease) {
  auto rows = m_conn->exec(
      "WITH live AS (SELECT name FROM node WHERE last_seen > $1::bigint - $3::bigint UNION SELECT $2::text) "
      "SELECT l.name = $2::text FROM live l ORDER BY hashtextextended(l.name || ' ' || $4::text, 0) DESC, l.name "
      "LIMIT 1",
      {pg::time(now), pg::text(node), pg::integer(lease.count()), pg::text(origin)});
  if (!rows) return rows.error();
  return rows->size() == 1 && rows->boolean(0, 0);
}

Result<std::vector<std::string>> PostgresStore::live_nodes(Timestamp now, Duration within) {
  auto rows = m_conn->exec("SELECT name FROM node WHERE last_seen > $1::bigint - $2::bigint ORDER BY name",
                           {pg::time(now), pg::integer(within.count())});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(rows->text(i, 0));
  return out;
}

Result<std::vector<NodeRecord>> PostgresStore::nodes(Timestamp now, Duration within) {
  auto rows = m_conn->exec(
      "SELECT n.name, n.started, n.last_seen, (SELECT count(*) FROM article_check c WHERE c.lease_owner = n.name "
      "AND c.lease_until > $1), (SELECT count(*) FROM outbox o WHERE o.lease_owner = n.name AND o.lease_until > $1 "
      "AND o.state = 'pending') FROM node n WHERE n.last_seen > $1::bigint - $2::bigint ORDER BY n.name",
      {pg::time(now), pg::integer(within.count())});
  if (!rows) return rows.error();
  std::vector<NodeRecord> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->text(i, 0), rows->time(i, 1), rows->time(i, 2), rows->integer(i, 3), rows->integer(i, 4)});
  return out;
}

Status PostgresStore::defer_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp until) {
  if (article_ids.empty()) return {};
  return write([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE article_check SET lease_owner = NULL, lease_until = NULL, next_check = $3 WHERE lease_owner = $1 "
        "AND article_id = ANY($2::bigint[])",
        {pg::text(node), pg::integers(article_ids), pg::time(until)});
    if (!rows) return rows.error();
    return drop_holds(node, article_ids);
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
