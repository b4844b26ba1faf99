#include "store/sqlite_read_model.hpp"

#include "util/url.hpp"

namespace redline {

namespace {

// host_matches(url, suffix) in SQL: the `site` filters.
void sql_site_matches(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* url = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* suffix = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  sqlite3_result_int(ctx, url && suffix && host_matches(url_host(url), suffix) ? 1 : 0);
}

constexpr std::string_view k_summary_columns =
    "SELECT a.id, a.key, a.url, coalesce((SELECT v.headline FROM version v WHERE v.article_id = a.id "
    "ORDER BY v.captured_at DESC, v.id DESC LIMIT 1), ''), a.state, "
    "(SELECT count(*) FROM version v WHERE v.article_id = a.id), a.first_seen, c.last_checked, a.last_changed, "
    "c.next_check FROM article a LEFT JOIN article_check c ON c.article_id = a.id ";

ArticleSummary read_summary(const sqlite::Statement& s) {
  ArticleSummary a;
  a.id = s.column_int(0);
  a.key = s.column_text(1);
  a.url = s.column_text(2);
  a.headline = s.column_text(3);
  a.state = s.column_text(4);
  a.versions = s.column_int(5);
  a.first_seen = s.column_time(6);
  a.last_checked = s.column_optional_time(7);
  a.last_changed = s.column_optional_time(8);
  a.next_check = s.column_optional_time(9);
  return a;
}

constexpr std::string_view k_event_columns =
    "SELECT e.id, e.event_id, e.article_id, coalesce(e.version_id, 0), e.type, e.created_at, e.payload FROM event e ";

EventRecord read_event(const sqlite::Statement& s) {
  EventRecord e;
  e.seq = s.column_int(0);
  e.event_id = s.column_text(1);
  e.article_id = s.column_int(2);
  e.version_id = s.column_int(3);
  e.type = s.column_text(4);
  e.created_at = s.column_time(5);
  e.payload = s.column_text(6);
  return e;
}

// Counts code points: trigram search needs three.
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string fts_phrase(std::string_view text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<std::unique_ptr<SqliteReadModel>> SqliteReadModel::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return make_error(Errc::not_found, "no store at " + path.string());
  auto db = sqlite::SqliteDb::open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db) return db.error();
  sqlite3_busy_timeout(db->get(), 5000);
  auto schema = db->query_int("PRAGMA user_version");
  if (!schema) return schema.error();
  if (*schema < 7)
    return make_error(Errc::io, "store " + path.string() + " has schema version " + std::to_string(*schema) +
                                    "; the API needs version 7 or later: start the daemon once to migrate it");
  if (auto s = db->exec("PRAGMA query_only = ON"); !s) return s.error();
  sqlite3_create_function(db->get(), "site_matches", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, sql_site_matches,
                          nullptr, nullptr);
  return std::unique_ptr<SqliteReadModel>(new SqliteReadModel(std::move(*db)));
}

Result<ArticlePage> SqliteReadModel::articles(const ArticleQuery& query) {
  std::string sql(k_summary_columns);
  sql += "WHERE (?1 = '' OR a.state = ?1) AND (?2 = '' OR site_matches(a.url, ?2)) ";
  if (query.after) sql += "AND (coalesce(a.last_changed, -1), a.id) < (?3, ?4) ";
  if (!query.search.empty()) {
    if (code_points(query.search) >= 3)
      sql +=
          "AND a.id IN (SELECT v.article_id FROM version v WHERE v.id IN "
          "(SELECT rowid FROM headline_search WHERE headline_search MATCH ?5)) ";
    else
      sql += "AND a.id IN (SELECT v.article_id FROM version v WHERE v.headline LIKE ?5 ESCAPE '\\') ";
  }
  sql += "ORDER BY coalesce(a.last_changed, -1) DESC, a.id DESC LIMIT ?6";
  auto stmt = m_cache.use(sql);
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, query.state);
  (*stmt)->bind(2, query.site);
  if (query.after) {
    (*stmt)->bind(3, query.after->last_changed_ms);
    (*stmt)->bind(4, query.after->id);
  }
  if (!query.search.empty())
    (*stmt)->bind(5, code_points(query.search) >= 3 ? fts_phrase(query.search) : like_pattern(query.search));
  (*stmt)->bind(6, static_cast<int64_t>(query.limit) + 1);
  ArticlePage page;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    page.items.push_back(read_summary(**stmt));
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    const auto& last = page.items.back();
    page.next = ArticleCursor{last.last_changed ? to_epoch_ms(*last.last_changed) : -1, last.id};
  }
  return page;
}

Result<std::optional<ArticleSummary>> SqliteReadModel::article(int64_t id) {
  auto stmt = m_cache.use(std::string(k_summary_columns) + "WHERE a.id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ArticleSummary>();
  return std::optional<ArticleSummary>(read_summary(**stmt));
}

Result<EventPage> SqliteReadModel::events(const EventQuery& query) {
  std::string sql(k_event_columns);
  sql += "WHERE e.id < ?1 ";
  if (query.since) sql += "AND e.created_at >= ?2 ";
  if (query.until) sql += "AND e.created_at < ?3 ";
  if (query.article_id) sql += "AND e.article_id = ?4 ";
  if (!query.site.empty()) sql += "AND site_matches((SELECT a.url FROM article a WHERE a.id = e.article_id), ?5) ";
  if (!query.feed.empty()) sql += "AND e.article_id IN (SELECT w.article_id FROM watch w WHERE w.source = ?6) ";
  if (!query.classes.empty()) {
    sql += "AND EXISTS (SELECT 1 FROM json_each(e.payload, '$.data.classes') j WHERE j.value IN (";
    for (size_t i = 0; i < query.classes.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(10 + i);
    sql += ")) ";
  }
  sql += "ORDER BY e.id DESC LIMIT ?7";
  auto stmt = m_cache.use(sql);
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, query.before_seq.value_or(INT64_MAX));
  if (query.since) (*stmt)->bind(2, *query.since);
  if (query.until) (*stmt)->bind(3, *query.until);
  if (query.article_id) (*stmt)->bind(4, *query.article_id);
  if (!query.site.empty()) (*stmt)->bind(5, query.site);
  if (!query.feed.empty()) (*stmt)->bind(6, "feed:" + query.feed);
  for (size_t i = 0; i < query.classes.size(); ++i) (*stmt)->bind(static_cast<int>(10 + i), query.classes[i]);
  (*stmt)->bind(7, static_cast<int64_t>(query.limit) + 1);
  EventPage page;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    page.items.push_back(read_event(**stmt));
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    page.next = page.items.back().seq;
  }
  return page;
}

Result<std::optional<EventRecord>> SqliteReadModel::event(std::string_view event_id) {
  auto stmt = m_cache.use(std::string(k_event_columns) + "WHERE e.event_id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, event_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<EventRecord>();
  return std::optional<EventRecord>(read_event(**stmt));
}

Result<StoreGauges> SqliteReadModel::gauges() {
  StoreGauges g;
  // One read transaction, so the numbers agree with each other. The oldest pending delivery names its
  // partial index: without statistics SQLite walked the whole outbox in id order instead (80 ms a scrape
  // with 40 000 delivered rows and none pending, until PRAGMA optimize ran).
  auto stmt = m_cache.use(
      "SELECT name, value FROM counter WHERE name IN ('outbox:pending', 'outbox:dead', 'articles:active', "
      "'articles:deleted', 'articles:redirected') UNION ALL "
      "SELECT 'oldest_pending', (SELECT created_at FROM outbox INDEXED BY outbox_pending_order "
      "WHERE state = 'pending' ORDER BY id LIMIT 1) "
      "UNION ALL SELECT 'events', (SELECT coalesce(max(id), 0) FROM event) "
      "UNION ALL SELECT 'bytes', (SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM "
      "pragma_page_size)");
  if (!stmt) return stmt.error();
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string name = (*stmt)->column_text(0);
    const bool null = (*stmt)->column_is_null(1);
    const int64_t value = (*stmt)->column_int(1);
    g.set(name, value, null);
  }
  return g;
}

Result<WatchPage> SqliteReadModel::watches(const WatchQuery& query) {
  auto stmt = m_cache.use(
      "SELECT w.url, w.article_id, a.key, w.every, w.source, w.added_at, a.state, "
      "(SELECT count(*) FROM version v WHERE v.article_id = a.id), a.first_seen, a.published, a.last_changed, "
      "c.last_checked, c.next_check, a.last_error "
      "FROM watch w JOIN article a ON a.id = w.article_id LEFT JOIN article_check c ON c.article_id = a.id "
      "WHERE w.url > ?1 ORDER BY w.url LIMIT ?2");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, query.after.value_or(""));
  (*stmt)->bind(2, static_cast<int64_t>(query.limit) + 1);
  WatchPage page;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto& s = **stmt;
    WatchSummary w;
    w.url = s.column_text(0);
    w.article_id = s.column_int(1);
    w.key = s.column_text(2);
    if (!s.column_is_null(3)) w.every = Duration(s.column_int(3));
    w.source = s.column_text(4);
    w.added_at = s.column_time(5);
    w.state = s.column_text(6);
    w.versions = s.column_int(7);
    w.first_seen = s.column_time(8);
    w.published = s.column_optional_time(9);
    if (w.versions > 1) w.last_change = s.column_optional_time(10);
    w.last_checked = s.column_optional_time(11);
    w.next_check = s.column_optional_time(12);
    w.last_error = s.column_text(13);
    page.items.push_back(std::move(w));
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    page.next = page.items.back().url;
  }
  return page;
}

}  // namespace redline
