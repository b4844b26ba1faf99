// copy_sqlite_to_postgres: table by table in foreign-key order, each in batches keyed by its primary
// key; see store_copy.hpp.
#include "store/store_copy.hpp"

#include <array>

#include "store/migrations.hpp"
#include "store/pg_connection.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_statement.hpp"
#include "store/sqlite_store.hpp"

namespace redline {

namespace {

struct TableSpec {
  std::string_view name;
  std::string_view columns;  // the same names on both sides; the first is the key batches follow
  bool integer_key;          // the key is an integer: a rerun starts after the target's largest
  bool identity;             // `id` is an identity column whose sequence must follow the copied ids
  // What each batch's statement does with the rows it inserted (`ins`, their article_id), or nothing.
  std::string_view then = {};
};

// Each article's number of versions, counted as its versions arrive (the version statement of the
// nodes keeps it; an interrupted copy leaves it true for what was copied).
constexpr std::string_view k_count_versions =
    "UPDATE article a SET versions = a.versions + n.n FROM (SELECT article_id, count(*) AS n FROM ins "
    "GROUP BY article_id) n WHERE a.id = n.article_id";

// Foreign-key order; the API's event history is a table of its own on both sides (its ids stay the
// source's). SQLite's headline search index and state counters are not rows to copy: PostgreSQL keeps
// its own (its migration 6), filled by its triggers as the articles and outbox rows arrive, and each
// batch of versions counts them in their articles.
constexpr std::array k_tables = {
    TableSpec{"article",
              "id, key, url, first_seen, last_changed, state, etag, last_modified, body_hash, last_error, "
              "published",
              true, true},
    TableSpec{"article_url", "url, article_id, first_seen", false, false},
    TableSpec{"article_check", "article_id, last_checked, next_check", true, false},
    TableSpec{"raw_blob", "id, sha256, size, data", true, true},
    TableSpec{"version",
              "id, article_id, captured_at, url, headline, byline, published, modified, canonical_url, "
              "language, site_name, blocks, fingerprint, raw_sha256",
              true, true, k_count_versions},
    TableSpec{"change", "id, article_id, from_version, to_version, classes, stats", true, true},
    TableSpec{"event", "id, event_id, article_id, version_id, type, created_at, payload", true, true},
    TableSpec{"outbox",
              "id, event_id, article_id, version_id, notifier, payload, state, attempts, created_at, "
              "next_attempt, delivered_at, last_error",
              true, true},
    TableSpec{"watch", "url, article_id, every, source, added_at", false, false},
    TableSpec{"headline_test", "article_id, state, updated_at", true, false},
};

// What the report compares, by the same SQL on both sides.
struct Counted {
  std::string_view what;
  std::string_view sql;
};
constexpr std::array k_counts = {
    Counted{"articles", "SELECT count(*) FROM article"},
    Counted{"article URLs", "SELECT count(*) FROM article_url"},
    Counted{"versions", "SELECT count(*) FROM version"},
    Counted{"changes", "SELECT count(*) FROM change"},
    Counted{"content hashes", "SELECT count(DISTINCT fingerprint) FROM version"},
    Counted{"raw pages", "SELECT count(*) FROM raw_blob"},
    Counted{"outbox rows", "SELECT count(*) FROM outbox"},
    Counted{"outbox pending", "SELECT count(*) FROM outbox WHERE state = 'pending'"},
    Counted{"watches", "SELECT count(*) FROM watch"},
    Counted{"watch schedules", "SELECT count(*) FROM article_check"},
    Counted{"headline tests", "SELECT count(*) FROM headline_test"},
    Counted{"events", "SELECT count(*) FROM event"},
};

constexpr size_t k_batch_bytes = 16 * 1024 * 1024;
// The `counter` row that marks a target as filled by a copy: 0 while copying, 1 once the counts matched.
constexpr std::string_view k_marker = "store-copy";

size_t column_count(std::string_view columns) {
  size_t n = 1;
  for (char c : columns) n += c == ',' ? 1 : 0;
  return n;
}

std::string first_column(std::string_view columns) { return std::string(columns.substr(0, columns.find(','))); }

std::string insert_sql(const TableSpec& t, size_t rows) {
  const size_t cols = column_count(t.columns);
  std::string sql = "INSERT INTO " + std::string(t.name) + " (" + std::string(t.columns) + ") VALUES ";
  size_t p = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (size_t c = 0; c < cols; ++c) sql += (c ? ",$" : "$") + std::to_string(p++);
    sql += ")";
  }
  sql += " ON CONFLICT DO NOTHING";
  if (t.then.empty()) return sql;
  return "WITH ins AS (" + sql + " RETURNING article_id) " + std::string(t.then);
}

Result<int64_t> pg_count(pg::Connection& conn, std::string_view sql) {
  auto rows = conn.exec(sql);
  if (!rows) return rows.error();
  return rows->integer(0, 0);
}

// Copies one table; returns the rows read from the source.
Result<int64_t> copy_table(sqlite::SqliteDb& src, pg::Connection& dst, const TableSpec& t, size_t batch_rows) {
  const std::string key = first_column(t.columns);
  const size_t cols = column_count(t.columns);
  int64_t after = 0;  // integer keys: rows up to the target's largest key were copied by an earlier run
  if (t.integer_key) {
    auto max = pg_count(dst, "SELECT coalesce(max(" + key + "), 0) FROM " + std::string(t.name));
    if (!max) return max.error();
    after = *max;
  }
  auto stmt = src.prepare("SELECT " + std::string(t.columns) + " FROM " + std::string(t.name) +
                          (t.integer_key ? " WHERE " + key + " > ?1" : std::string()) + " ORDER BY " + key);
  if (!stmt) return stmt.error();
  if (t.integer_key) stmt->bind(1, after);
  int64_t read = 0;
  std::vector<pg::Param> params;
  size_t rows = 0;
  size_t bytes = 0;
  const auto flush = [&]() -> Status {
    if (rows == 0) return {};
    auto done = dst.exec(insert_sql(t, rows), params);
    if (!done) return make_error(done.error().code, "copying " + std::string(t.name) + ": " + done.error().message);
    params.clear();
    rows = 0;
    bytes = 0;
    return {};
  };
  for (;;) {
    auto more = stmt->step();
    if (!more) return more.error();
    if (!*more) break;
    for (size_t c = 0; c < cols; ++c) {
      const int col = static_cast<int>(c);
      switch (stmt->column_type(col)) {
        case SQLITE_NULL:
          params.push_back(pg::null());
          break;
        case SQLITE_BLOB:
          params.push_back(pg::bytes(stmt->column_blob(col)));
          bytes += params.back().value->size();
          break;
        default:
          params.push_back(pg::text(stmt->column_text(col)));
          bytes += params.back().value->size();
      }
    }
    ++rows;
    ++read;
    if (rows >= batch_rows || bytes >= k_batch_bytes)
      if (auto s = flush(); !s) return s.error();
  }
  if (auto s = flush(); !s) return s.error();
  return read;
}

}  // namespace

bool StoreCopyReport::matches() const {
  for (const auto& c : counts)
    if (c.source != c.target) return false;
  return !counts.empty();
}

Result<StoreCopyReport> copy_sqlite_to_postgres(const std::filesystem::path& from, const std::string& to,
                                                const StoreCopyOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return make_error(Errc::not_found, from.string() + ": no such store");
  {
    // Migrates both to the newest schema, as their daemons would.
    auto source = SqliteStore::open(from, OpenMode::read_write);
    if (!source) return source.error();
    auto target = PostgresStore::open(to, OpenMode::read_write, PostgresOptions{.node = "store-copy"});
    if (!target) return target.error();
  }
  auto src = sqlite::SqliteDb::open(from, SQLITE_OPEN_READONLY);
  if (!src) return src.error();
  auto dst = pg::Connection::open(to, "redline store copy");
  if (!dst) return dst.error();
  pg::Connection& conn = **dst;

  auto marked = pg_count(conn, "SELECT count(*) FROM counter WHERE name = '" + std::string(k_marker) + "'");
  if (!marked) return marked.error();
  if (*marked == 0) {
    auto articles = pg_count(conn, "SELECT count(*) FROM article");
    if (!articles) return articles.error();
    if (*articles > 0)
      return make_error(Errc::invalid_input, "store " + conn.where() + " already holds " + std::to_string(*articles) +
                                                 " articles that no `redline store copy` wrote; copy into an empty "
                                                 "database");
    if (auto s = conn.exec_script("INSERT INTO counter (name, value) VALUES ('" + std::string(k_marker) + "', 0)"); !s)
      return s.error();
  }

  // One snapshot of the source for the copy and its counts.
  if (auto s = src->exec("BEGIN"); !s) return s.error();
  struct EndRead {
    sqlite::SqliteDb& db;
    ~EndRead() { (void)db.exec("COMMIT"); }
  } end_read{*src};

  const size_t batch = std::max<size_t>(1, std::min<size_t>(options.batch_rows, 4000));
  for (const auto& t : k_tables) {
    auto rows = copy_table(*src, conn, t, batch);
    if (!rows) return rows.error();
    if (options.progress) options.progress(t.name, *rows);
  }
  // New rows written on PostgreSQL take ids after the copied ones.
  for (const auto& t : k_tables) {
    if (!t.identity) continue;
    const std::string name(t.name);
    if (auto s = conn.exec_script("SELECT setval(pg_get_serial_sequence('" + name +
                                  "', 'id'), greatest(coalesce(max(id), 0), 1), max(id) IS NOT NULL) FROM " + name);
        !s)
      return s.error();
  }
  // Daemons notice watch changes by this counter: it must not go back.
  auto generation = src->query_int("SELECT coalesce((SELECT value FROM counter WHERE name = 'watches'), 0)");
  if (!generation) return generation.error();
  if (auto s = conn.exec("INSERT INTO counter (name, value) VALUES ('watches', $1) "
                         "ON CONFLICT (name) DO UPDATE SET value = greatest(counter.value, excluded.value)",
                         {pg::integer(*generation)});
      !s)
    return s.error();

  StoreCopyReport report;
  for (const auto& c : k_counts) {
    auto source = src->query_int(c.sql);
    if (!source) return source.error();
    auto target = pg_count(conn, c.sql);
    if (!target) return target.error();
    report.counts.push_back({std::string(c.what), *source, *target});
  }
  if (report.matches())
    if (auto s = conn.exec_script("UPDATE counter SET value = 1 WHERE name = '" + std::string(k_marker) + "'"); !s)
      return s.error();
  return report;
}

}  // namespace redline
