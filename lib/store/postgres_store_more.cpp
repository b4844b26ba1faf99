// PostgresStore: the outbox, run-time watches, raw pages and maintenance.
#include <limits>

#include "store/postgres_migrations.hpp"
#include "store/postgres_store.hpp"
#include "store/raw_pack.hpp"
#include "util/crypto.hpp"

namespace redline {

using pg::Rows;

namespace {

constexpr std::string_view k_outbox_columns =
    "SELECT o.id, o.event_id, o.article_id, o.version_id, o.notifier, o.payload, o.state, o.attempts, "
    "o.created_at, o.next_attempt, o.delivered_at, o.last_error FROM outbox o ";

constexpr int64_t k_max_raw_size = int64_t{1} << 30;
constexpr int64_t k_gc_batch = 256;

Result<std::vector<OutboxEntry>> read_outbox(const Rows& r) {
  std::vector<OutboxEntry> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    OutboxEntry e;
    e.id = r.integer(i, 0);
    e.event_id = r.text(i, 1);
    e.article_id = r.integer(i, 2);
    e.version_id = r.integer(i, 3);
    e.notifier = r.text(i, 4);
    e.payload = r.text(i, 5);
    auto state = outbox_state_from_string(r.text(i, 6));
    if (!state) return make_error(Errc::io, "outbox row " + std::to_string(e.id) + " has an unknown state");
    e.state = *state;
    e.attempts = static_cast<int>(r.integer(i, 7));
    e.created_at = r.time(i, 8);
    e.next_attempt = r.time(i, 9);
    e.delivered_at = r.optional_time(i, 10);
    e.last_error = r.text(i, 11);
    out.push_back(std::move(e));
  }
  return out;
}

// "2026-12-05T09:30:00Z": the operator's drop note, to the second as SqliteStore writes it.
std::string second_of(Timestamp t) {
  std::string s = format_rfc3339(std::chrono::floor<std::chrono::seconds>(t));
  if (auto dot = s.find('.'); dot != std::string::npos) s = s.substr(0, dot) + "Z";
  return s;
}

}  // namespace

Result<std::vector<OutboxEntry>> PostgresStore::due_outbox(Timestamp now, size_t limit) {
  auto rows = m_conn->exec(
      std::string(k_outbox_columns) +
          "WHERE o.state = 'pending' AND o.next_attempt <= $1 "
          "AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.state = 'pending' "
          "AND p.article_id = o.article_id AND p.notifier = o.notifier) "
          "ORDER BY o.id LIMIT $2",
      {pg::time(now), pg::integer(static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max())))});
  if (!rows) return rows.error();
  return read_outbox(*rows);
}

Result<std::vector<OutboxEntry>> PostgresStore::list_outbox(std::optional<OutboxState> state) {
  auto rows = m_conn->exec(std::string(k_outbox_columns) + "WHERE $1::text IS NULL OR o.state = $1 ORDER BY o.id",
                           {state ? pg::text(to_string(*state)) : pg::null()});
  if (!rows) return rows.error();
  return read_outbox(*rows);
}

Result<int64_t> PostgresStore::count_pending_outbox() {
  auto rows = m_conn->exec("SELECT count(*)::bigint FROM outbox WHERE state = 'pending'", {});
  if (!rows) return rows.error();
  return rows->integer(0, 0);
}

namespace {
Status explain_miss(pg::Connection& conn, int64_t outbox_id) {
  auto rows = conn.exec("SELECT state FROM outbox WHERE id = $1", {pg::integer(outbox_id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return make_error(Errc::not_found, "no outbox row with id " + std::to_string(outbox_id));
  return make_error(Errc::invalid_input, "outbox row " + std::to_string(outbox_id) + " is already " + rows->text(0, 0));
}
}  // namespace

// The marks are one statement each, committed on their own (one round trip, not four) and not counted
// in data_version: nothing a reader keeps from the article rows depends on the outbox.
Status PostgresStore::mark_delivered(int64_t outbox_id, Timestamp now) {
  return mark([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE outbox SET state = 'delivered', delivered_at = $2, last_error = '' WHERE id = $1 AND state = 'pending'",
        {pg::integer(outbox_id), pg::time(now)});
    if (!rows) return rows.error();
    if (rows->affected() == 0) return explain_miss(*m_conn, outbox_id);
    return {};
  });
}

Status PostgresStore::mark_all_delivered(std::span<const int64_t> outbox_ids, Timestamp now) {
  if (outbox_ids.empty()) return {};
  return mark([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE outbox SET state = 'delivered', delivered_at = $2, last_error = '' WHERE id = ANY($1::bigint[]) "
        "AND state = 'pending'",
        {pg::integers(outbox_ids), pg::time(now)});
    if (!rows) return rows.error();
    if (rows->affected() == static_cast<int64_t>(outbox_ids.size())) return {};
    return make_error(Errc::invalid_input, std::to_string(static_cast<int64_t>(outbox_ids.size()) - rows->affected()) +
                                               " of " + std::to_string(outbox_ids.size()) +
                                               " outbox rows to mark delivered were not pending");
  });
}

Status PostgresStore::mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) {
  return mark([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE outbox SET attempts = $2, next_attempt = $3, last_error = $4, lease_owner = NULL, lease_until = NULL "
        "WHERE id = $1 AND state = 'pending'",
        {pg::integer(outbox_id), pg::integer(attempts), pg::time(next_attempt), pg::text(error)});
    if (!rows) return rows.error();
    if (rows->affected() == 0) return explain_miss(*m_conn, outbox_id);
    return {};
  });
}

Status PostgresStore::mark_dead(int64_t outbox_id, int attempts, std::string_view error) {
  return mark([&]() -> Status {
    auto rows = m_conn->exec(
        "UPDATE outbox SET state = 'dead', attempts = $2, last_error = $3 WHERE id = $1 AND state = 'pending'",
        {pg::integer(outbox_id), pg::integer(attempts), pg::text(error)});
    if (!rows) return rows.error();
    if (rows->affected() == 0) return explain_miss(*m_conn, outbox_id);
    return {};
  });
}

// `update` binds $1 event id, $2 notifier ('' = all), then `extra` from $3.
Result<int> PostgresStore::operator_action(std::string_view update, std::string_view event_id,
                                           std::string_view notifier, std::vector<pg::Param> extra,
                                           std::string_view unchanged_reason) {
  return write([&]() -> Result<int> {
    std::vector<pg::Param> params = {pg::text(event_id), pg::text(notifier)};
    for (auto& p : extra) params.push_back(std::move(p));
    auto rows = m_conn->exec(update, params);
    if (!rows) return rows.error();
    const auto changed = static_cast<int>(rows->affected());
    if (changed > 0) return changed;
    auto count = m_conn->exec("SELECT count(*) FROM outbox WHERE event_id = $1 AND ($2 = '' OR notifier = $2)",
                              {pg::text(event_id), pg::text(notifier)});
    if (!count) return count.error();
    const std::string which =
        "event " + std::string(event_id) + (notifier.empty() ? "" : " for notifier " + std::string(notifier));
    if (count->integer(0, 0) == 0) return make_error(Errc::not_found, "no outbox row for " + which);
    return make_error(Errc::invalid_input, which + ": " + std::string(unchanged_reason));
  });
}

Result<int> PostgresStore::retry_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) {
  return operator_action(
      "UPDATE outbox SET state = 'pending', attempts = 0, created_at = $3, next_attempt = $3, delivered_at = NULL, "
      "last_error = '' WHERE event_id = $1 AND ($2 = '' OR notifier = $2) AND state IN ('pending', 'dead')",
      event_id, notifier, {pg::time(now)}, "already delivered, nothing to retry");
}

Result<int> PostgresStore::drop_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) {
  return operator_action(
      "UPDATE outbox SET state = 'dead', last_error = $3 "
      "WHERE event_id = $1 AND ($2 = '' OR notifier = $2) AND state = 'pending'",
      event_id, notifier, {pg::text("dropped by operator at " + second_of(now))},
      "not pending (already delivered or dead), nothing to drop");
}

namespace {
Status bump_generation(pg::Connection& conn) {
  auto rows = conn.exec("UPDATE counter SET value = value + 1 WHERE name = 'watches'");
  if (!rows) return rows.error();
  return {};
}
}  // namespace

Result<bool> PostgresStore::add_watch(const WatchRecord& watch) {
  if (watch.url.empty()) return make_error(Errc::invalid_input, "watch URL is empty");
  return write([&]() -> Result<bool> {
    if (auto s = require_article(watch.article_id); !s) return s.error();
    auto rows = m_conn->exec(
        "INSERT INTO watch (url, article_id, every, source, added_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING",
        {pg::text(watch.url), pg::integer(watch.article_id),
         watch.every ? pg::integer(static_cast<int64_t>(watch.every->count())) : pg::null(), pg::text(watch.source),
         pg::time(watch.added_at)});
    if (!rows) return rows.error();
    const bool added = rows->affected() > 0;
    if (added)
      if (auto s = bump_generation(*m_conn); !s) return s.error();
    return added;
  });
}

Result<bool> PostgresStore::remove_watch(std::string_view url) {
  return write([&]() -> Result<bool> {
    auto rows = m_conn->exec("DELETE FROM watch WHERE url = $1", {pg::text(url)});
    if (!rows) return rows.error();
    const bool removed = rows->affected() > 0;
    if (removed)
      if (auto s = bump_generation(*m_conn); !s) return s.error();
    return removed;
  });
}

Result<std::vector<WatchRecord>> PostgresStore::list_watches() {
  auto rows = m_conn->exec(
      "SELECT w.url, w.article_id, w.every, w.source, w.added_at, a.first_seen, a.published, "
      "CASE WHEN n.versions > 1 THEN a.last_changed END, c.next_check, "
      "a.state = 'active' AND a.last_error = '' AND a.url = w.url, "
      "CASE WHEN n.versions > 0 THEN a.etag ELSE '' END, CASE WHEN n.versions > 0 THEN a.last_modified ELSE '' END "
      "FROM watch w JOIN article a ON a.id = w.article_id LEFT JOIN article_check c ON c.article_id = a.id, "
      "LATERAL (SELECT count(*) AS versions FROM (SELECT 1 FROM version v WHERE v.article_id = a.id LIMIT 2) x) n "
      "ORDER BY w.added_at, w.url");
  if (!rows) return rows.error();
  std::vector<WatchRecord> out;
  out.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    WatchRecord w;
    w.url = rows->text(i, 0);
    w.article_id = rows->integer(i, 1);
    if (!rows->is_null(i, 2)) w.every = Duration(rows->integer(i, 2));
    w.source = rows->text(i, 3);
    w.added_at = rows->time(i, 4);
    w.times.first_seen = rows->time(i, 5);
    w.times.published = rows->optional_time(i, 6);
    w.times.last_change = rows->optional_time(i, 7);
    w.times.next_check = rows->optional_time(i, 8);
    w.basis.quiet = rows->boolean(i, 9);
    w.basis.etag = rows->text(i, 10);
    w.basis.last_modified = rows->text(i, 11);
    out.push_back(std::move(w));
  }
  return out;
}

Result<int64_t> PostgresStore::watch_generation() {
  auto rows = m_conn->exec("SELECT value FROM counter WHERE name = 'watches'");
  if (!rows) return rows.error();
  return rows->size() > 0 ? rows->integer(0, 0) : int64_t{0};
}

Result<std::optional<std::string>> PostgresStore::watch_source(int64_t article_id) {
  auto rows = m_conn->exec("SELECT source FROM watch WHERE article_id = $1 ORDER BY added_at LIMIT 1",
                           {pg::integer(article_id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(rows->text(0, 0));
}

Result<int64_t> PostgresStore::data_version() {
  auto rows =
      m_conn->exec("SELECT coalesce(sum(writes), 0)::bigint FROM writer WHERE id <> $1", {pg::integer(m_writer_id)});
  if (!rows) return rows.error();
  return rows->integer(0, 0);
}

Result<std::string> PostgresStore::put_raw(std::string_view bytes) {
  return write([&] { return put_raw_locked(bytes, nullptr); });
}

Result<std::string> PostgresStore::put_raw_locked(std::string_view bytes, const PackedRaw* packed) {
  std::string hash = packed ? packed->sha256 : sha256_hex(bytes);
  auto found = m_conn->exec("SELECT 1 FROM raw_blob WHERE sha256 = $1", {pg::text(hash)});
  if (!found) return found.error();
  if (found->size() > 0) return hash;
  std::optional<PackedRaw> here;
  if (!packed) packed = &here.emplace(pack_raw(bytes, hash));
  auto inserted = m_conn->exec("INSERT INTO raw_blob (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                               {pg::text(hash), pg::integer(packed->size), pg::bytes(packed->zstd)});
  if (!inserted) return inserted.error();
  return hash;
}

Result<std::optional<std::string>> PostgresStore::get_raw(std::string_view sha256) {
  auto rows = m_conn->exec("SELECT size, data FROM raw_blob WHERE sha256 = $1", {pg::text(sha256)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<std::string>();
  const int64_t size = rows->integer(0, 0);
  if (size < 0 || size > k_max_raw_size)
    return make_error(Errc::io, "raw blob " + std::string(sha256) + " in " + where() + " is corrupt");
  auto out = unpack_raw(rows->bytes(0, 1), size);
  if (!out) return make_error(Errc::io, "raw blob " + std::string(sha256) + " in " + where() + " is corrupt");
  return out;
}

Result<GcReport> PostgresStore::collect_garbage(const GcOptions& options) {
  if (!options.dry_run)
    if (auto s = require_writable(); !s) return s.error();
  constexpr std::string_view unneeded =
      "FROM raw_blob b WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.raw_sha256 = b.sha256 AND "
      "v.captured_at >= $1)";
  constexpr std::string_view old_delivered = "FROM outbox WHERE state = 'delivered' AND delivered_at < $1";
  const auto size = [this]() -> Result<int64_t> {
    auto rows = m_conn->exec("SELECT pg_database_size(current_database())");
    if (!rows) return rows.error();
    return rows->integer(0, 0);
  };
  GcReport report;
  auto before = size();
  if (!before) return before.error();
  report.file_bytes_before = *before;
  if (options.raw_before) {
    auto rows = m_conn->exec(
        "SELECT count(*), coalesce(sum(length(b.data)), 0), (SELECT count(*) FROM version v "
        "WHERE v.raw_sha256 IN (SELECT b.sha256 " +
            std::string(unneeded) + ")) " + std::string(unneeded),
        {pg::time(*options.raw_before)});
    if (!rows) return rows.error();
    report.raw_blobs = rows->integer(0, 0);
    report.raw_bytes = rows->integer(0, 1);
    report.versions_unlinked = rows->integer(0, 2);
  }
  if (options.delivered_before) {
    auto rows = m_conn->exec("SELECT count(*), coalesce(sum(length(payload)), 0) " + std::string(old_delivered),
                             {pg::time(*options.delivered_before)});
    if (!rows) return rows.error();
    report.outbox_rows = rows->integer(0, 0);
    report.outbox_bytes = rows->integer(0, 1);
  }
  if (!options.dry_run) {
    while (options.raw_before) {
      auto deleted = write([&]() -> Result<int64_t> {
        auto batch = m_conn->exec("SELECT b.sha256 " + std::string(unneeded) + " LIMIT $2 FOR UPDATE SKIP LOCKED",
                                  {pg::time(*options.raw_before), pg::integer(k_gc_batch)});
        if (!batch) return batch.error();
        for (int i = 0; i < batch->size(); ++i) {
          const std::string sha = batch->text(i, 0);
          auto unlink = m_conn->exec("UPDATE version SET raw_sha256 = NULL WHERE raw_sha256 = $1", {pg::text(sha)});
          if (!unlink) return unlink.error();
          auto drop = m_conn->exec("DELETE FROM raw_blob WHERE sha256 = $1", {pg::text(sha)});
          if (!drop) return drop.error();
        }
        return static_cast<int64_t>(batch->size());
      });
      if (!deleted) return deleted.error();
      if (*deleted == 0) break;
    }
    while (options.delivered_before) {
      auto deleted = write([&]() -> Result<int64_t> {
        auto rows =
            m_conn->exec("DELETE FROM outbox WHERE id IN (SELECT id " + std::string(old_delivered) + " LIMIT $2)",
                         {pg::time(*options.delivered_before), pg::integer(k_gc_batch)});
        if (!rows) return rows.error();
        return rows->affected();
      });
      if (!deleted) return deleted.error();
      if (*deleted == 0) break;
    }
    if (options.vacuum)
      for (const char* table : {"raw_blob", "version", "outbox"})  // one by one: VACUUM is no transaction
        if (auto s = m_conn->exec_script(std::string("VACUUM ") + table); !s) return s.error();
  }
  auto after = size();
  if (!after) return after.error();
  report.file_bytes_after = *after;
  return report;
}

Result<std::string> PostgresStore::integrity_check() {
  auto rows = m_conn->exec(
      "SELECT (SELECT count(*) FROM version v WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = v.article_id)), "
      "(SELECT count(*) FROM version v WHERE v.raw_sha256 IS NOT NULL AND NOT EXISTS "
      "(SELECT 1 FROM raw_blob b WHERE b.sha256 = v.raw_sha256)), "
      "(SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = o.article_id))");
  if (!rows) return rows.error();
  std::string out;
  const char* what[] = {"versions without their article", "versions without their raw page",
                        "outbox rows without their article"};
  for (int c = 0; c < 3; ++c)
    if (rows->integer(0, c) > 0) out += (out.empty() ? "" : "\n") + std::to_string(rows->integer(0, c)) + " " + what[c];
  return out.empty() ? std::string("ok") : out;
}

Result<int> PostgresStore::schema_version() { return pg::schema_version(*m_conn); }

}  // namespace redline
