// SqliteStore: the notification outbox and the raw-bytes blob table.
#include <limits>

#include "store/raw_pack.hpp"
#include "store/sqlite_store.hpp"
#include "util/crypto.hpp"

namespace redline {

using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr std::string_view k_outbox_columns =
    "SELECT o.id, o.event_id, o.article_id, o.version_id, o.notifier, o.payload, o.state, o.attempts, "
    "o.created_at, o.next_attempt, o.delivered_at, o.last_error FROM outbox o ";

constexpr int64_t k_max_raw_size = int64_t{1} << 30;  // a stored size above this is damage, not a page

Result<OutboxEntry> read_outbox(const Statement& s) {
  OutboxEntry e;
  e.id = s.column_int(0);
  e.event_id = s.column_text(1);
  e.article_id = s.column_int(2);
  e.version_id = s.column_is_null(3) ? 0 : s.column_int(3);
  e.notifier = s.column_text(4);
  e.payload = s.column_text(5);
  auto state = outbox_state_from_string(s.column_text(6));
  if (!state) return make_error(Errc::io, "outbox row " + std::to_string(e.id) + " has an unknown state");
  e.state = *state;
  e.attempts = static_cast<int>(s.column_int(7));
  e.created_at = s.column_time(8);
  e.next_attempt = s.column_time(9);
  e.delivered_at = s.column_optional_time(10);
  e.last_error = s.column_text(11);
  return e;
}

Result<std::vector<OutboxEntry>> read_all_outbox(Statement& s) {
  std::vector<OutboxEntry> out;
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) break;
    auto e = read_outbox(s);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

Result<std::vector<OutboxEntry>> SqliteStore::due_outbox(Timestamp now, size_t limit) {
  // The correlated subquery keeps per-(article, notifier) order: only the chain's head is eligible,
  // even when a later row of the same chain is already due.
  auto stmt = m_cache.use(std::string(k_outbox_columns) +
                          "WHERE o.state = 'pending' AND o.next_attempt <= ?1 "
                          "AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.state = 'pending' "
                          "AND p.article_id = o.article_id AND p.notifier = o.notifier) "
                          "ORDER BY o.id LIMIT ?2");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, now);
  (*stmt)->bind(2, static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max())));
  return read_all_outbox(**stmt);
}

Result<std::vector<OutboxEntry>> SqliteStore::list_outbox(std::optional<OutboxState> state) {
  auto stmt = m_cache.use(std::string(k_outbox_columns) + "WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.id");
  if (!stmt) return stmt.error();
  if (state)
    (*stmt)->bind(1, to_string(*state));
  else
    (*stmt)->bind_null(1);
  return read_all_outbox(**stmt);
}

Result<int64_t> SqliteStore::count_pending_outbox() {
  auto stmt = m_cache.use("SELECT count(*) FROM outbox WHERE state = 'pending'");
  if (!stmt) return stmt.error();
  auto row = (*stmt)->step();
  if (!row) return row.error();
  return *row ? (*stmt)->column_int(0) : int64_t{0};
}

// Runs `update` (which must bind ?1 = id and match only pending rows); explains a miss.
namespace {
Status explain_miss(sqlite::StatementCache& cache, int64_t outbox_id) {
  auto stmt = cache.use("SELECT state FROM outbox WHERE id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, outbox_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::not_found, "no outbox row with id " + std::to_string(outbox_id));
  return make_error(Errc::invalid_input,
                    "outbox row " + std::to_string(outbox_id) + " is already " + (*stmt)->column_text(0));
}
}  // namespace

Status SqliteStore::mark_delivered(int64_t outbox_id, Timestamp now) {
  if (auto s = require_writable(); !s) return s;
  auto stmt = m_cache.use(
      "UPDATE outbox SET state = 'delivered', delivered_at = ?2, last_error = '' WHERE id = ?1 AND state = 'pending'");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, outbox_id);
  (*stmt)->bind(2, now);
  if (auto s = (*stmt)->run(); !s) return s;
  if (sqlite3_changes(m_db.get()) == 0) return explain_miss(m_cache, outbox_id);
  return {};
}

Status SqliteStore::mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) {
  if (auto s = require_writable(); !s) return s;
  auto stmt = m_cache.use(
      "UPDATE outbox SET attempts = ?2, next_attempt = ?3, last_error = ?4 WHERE id = ?1 AND state = 'pending'");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, outbox_id);
  (*stmt)->bind(2, attempts);
  (*stmt)->bind(3, next_attempt);
  (*stmt)->bind(4, error);
  if (auto s = (*stmt)->run(); !s) return s;
  if (sqlite3_changes(m_db.get()) == 0) return explain_miss(m_cache, outbox_id);
  return {};
}

Status SqliteStore::mark_dead(int64_t outbox_id, int attempts, std::string_view error) {
  if (auto s = require_writable(); !s) return s;
  auto stmt = m_cache.use(
      "UPDATE outbox SET state = 'dead', attempts = ?2, last_error = ?3 WHERE id = ?1 AND state = 'pending'");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, outbox_id);
  (*stmt)->bind(2, attempts);
  (*stmt)->bind(3, error);
  if (auto s = (*stmt)->run(); !s) return s;
  if (sqlite3_changes(m_db.get()) == 0) return explain_miss(m_cache, outbox_id);
  return {};
}

namespace {

// One operator action on an event's rows: `update` binds ?1 event id, ?2 notifier ('' = all), ?3 now.
Result<int> operator_action(sqlite::SqliteDb& db, sqlite::StatementCache& cache, std::string_view update,
                            std::string_view event_id, std::string_view notifier, Timestamp now,
                            std::string_view unchanged_reason) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto stmt = cache.use(update);
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, event_id);
  (*stmt)->bind(2, notifier);
  (*stmt)->bind(3, now);
  if (auto s = (*stmt)->run(); !s) return s.error();
  const int changed = sqlite3_changes(db.get());
  if (changed == 0) {
    auto count = cache.use("SELECT count(*) FROM outbox WHERE event_id = ?1 AND (?2 = '' OR notifier = ?2)");
    if (!count) return count.error();
    (*count)->bind(1, event_id);
    (*count)->bind(2, notifier);
    auto row = (*count)->step();
    if (!row) return row.error();
    const std::string which =
        "event " + std::string(event_id) + (notifier.empty() ? "" : " for notifier " + std::string(notifier));
    if (!*row || (*count)->column_int(0) == 0) return make_error(Errc::not_found, "no outbox row for " + which);
    return make_error(Errc::invalid_input, which + ": " + std::string(unchanged_reason));
  }
  if (auto s = tx->commit(); !s) return s.error();
  return changed;
}

}  // namespace

Result<int> SqliteStore::retry_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) {
  if (auto s = require_writable(); !s) return s.error();
  return operator_action(m_db, m_cache,
                         "UPDATE outbox SET state = 'pending', attempts = 0, created_at = ?3, next_attempt = ?3, "
                         "delivered_at = NULL, last_error = '' "
                         "WHERE event_id = ?1 AND (?2 = '' OR notifier = ?2) AND state IN ('pending', 'dead')",
                         event_id, notifier, now, "already delivered, nothing to retry");
}

Result<int> SqliteStore::drop_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) {
  if (auto s = require_writable(); !s) return s.error();
  return operator_action(m_db, m_cache,
                         "UPDATE outbox SET state = 'dead', last_error = 'dropped by operator at ' || "
                         "strftime('%Y-%m-%dT%H:%M:%SZ', ?3 / 1000, 'unixepoch') "
                         "WHERE event_id = ?1 AND (?2 = '' OR notifier = ?2) AND state = 'pending'",
                         event_id, notifier, now, "not pending (already delivered or dead), nothing to drop");
}

Result<std::string> SqliteStore::put_raw(std::string_view bytes) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  auto hash = put_raw_locked(bytes, nullptr);
  if (!hash) return hash.error();
  if (auto s = tx->commit(); !s) return s.error();
  return hash;
}

// Inside an open transaction. `packed`: `bytes` packed already (pack_raw), or null: then only bytes
// not stored yet are compressed.
Result<std::string> SqliteStore::put_raw_locked(std::string_view bytes, const PackedRaw* packed) {
  std::string hash = packed ? packed->sha256 : sha256_hex(bytes);
  {
    auto find = m_cache.use("SELECT 1 FROM raw_blob WHERE sha256 = ?1");
    if (!find) return find.error();
    (*find)->bind(1, hash);
    auto row = (*find)->step();
    if (!row) return row.error();
    if (*row) return hash;
  }
  std::optional<PackedRaw> here;
  if (!packed) packed = &here.emplace(pack_raw(bytes, hash));
  auto insert = m_cache.use("INSERT INTO raw_blob (sha256, size, data) VALUES (?1, ?2, ?3)");
  if (!insert) return insert.error();
  (*insert)->bind(1, hash);
  (*insert)->bind(2, packed->size);
  (*insert)->bind_blob(3, packed->zstd);
  if (auto s = (*insert)->run(); !s) return s.error();
  return hash;
}

Result<std::optional<std::string>> SqliteStore::get_raw(std::string_view sha256) {
  auto stmt = m_cache.use("SELECT size, data FROM raw_blob WHERE sha256 = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, sha256);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  const auto size = (*stmt)->column_int(0);
  if (size < 0 || size > k_max_raw_size)
    return make_error(Errc::io, "raw blob " + std::string(sha256) + " in " + m_db.path().string() + " is corrupt");
  auto out = unpack_raw((*stmt)->column_blob(1), size);
  if (!out)
    return make_error(Errc::io, "raw blob " + std::string(sha256) + " in " + m_db.path().string() + " is corrupt");
  return out;
}

}  // namespace redline
