// SqliteStore: article identity changes, run-time watches (`redline add`, feeds) and the counter that
// tells a running daemon that the watch list changed.
#include "store/sqlite_store.hpp"

namespace redline {

using sqlite::Transaction;

namespace {

Status bump_generation(sqlite::StatementCache& cache) {
  auto bump = cache.use("UPDATE counter SET value = value + 1 WHERE name = 'watches'");
  if (!bump) return bump.error();
  return (*bump)->run();
}

}  // namespace

Result<bool> SqliteStore::rekey_article(int64_t article_id, std::string_view key) {
  if (auto s = require_writable(); !s) return s.error();
  if (key.empty()) return make_error(Errc::invalid_input, "article key is empty");
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  auto taken = m_cache.use("SELECT 1 FROM article WHERE key = ?1");
  if (!taken) return taken.error();
  (*taken)->bind(1, key);
  auto row = (*taken)->step();
  if (!row) return row.error();
  if (*row) return false;
  auto update = m_cache.use("UPDATE article SET key = ?2 WHERE id = ?1");
  if (!update) return update.error();
  (*update)->bind(1, article_id);
  (*update)->bind(2, key);
  if (auto s = (*update)->run(); !s) return s.error();
  if (sqlite3_changes(m_db.get()) == 0)
    return make_error(Errc::not_found, "no article with id " + std::to_string(article_id));
  if (auto s = tx->commit(); !s) return s.error();
  return true;
}

Result<bool> SqliteStore::add_watch(const WatchRecord& watch) {
  if (auto s = require_writable(); !s) return s.error();
  if (watch.url.empty()) return make_error(Errc::invalid_input, "watch URL is empty");
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  {
    auto exists = m_cache.use("SELECT 1 FROM article WHERE id = ?1");
    if (!exists) return exists.error();
    (*exists)->bind(1, watch.article_id);
    auto row = (*exists)->step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::not_found, "no article with id " + std::to_string(watch.article_id));
  }
  auto insert =
      m_cache.use("INSERT OR IGNORE INTO watch (url, article_id, every, source, added_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return insert.error();
  (*insert)->bind(1, watch.url);
  (*insert)->bind(2, watch.article_id);
  if (watch.every)
    (*insert)->bind(3, static_cast<int64_t>(watch.every->count()));
  else
    (*insert)->bind_null(3);
  (*insert)->bind(4, watch.source);
  (*insert)->bind(5, watch.added_at);
  if (auto s = (*insert)->run(); !s) return s.error();
  const bool added = sqlite3_changes(m_db.get()) > 0;
  if (added)
    if (auto s = bump_generation(m_cache); !s) return s.error();
  if (auto s = tx->commit(); !s) return s.error();
  return added;
}

Result<bool> SqliteStore::remove_watch(std::string_view url) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  auto erase = m_cache.use("DELETE FROM watch WHERE url = ?1");
  if (!erase) return erase.error();
  (*erase)->bind(1, url);
  if (auto s = (*erase)->run(); !s) return s.error();
  const bool removed = sqlite3_changes(m_db.get()) > 0;
  if (removed)
    if (auto s = bump_generation(m_cache); !s) return s.error();
  if (auto s = tx->commit(); !s) return s.error();
  return removed;
}

Result<std::vector<WatchRecord>> SqliteStore::list_watches() {
  auto stmt = m_cache.use(
      "SELECT w.url, w.article_id, w.every, w.source, w.added_at, a.first_seen, a.published, "
      "CASE WHEN (SELECT count(*) FROM version v WHERE v.article_id = a.id) > 1 THEN a.last_changed END, "
      "c.next_check, a.state = 'active' AND a.last_error = '' AND a.url = w.url, "
      "CASE WHEN EXISTS (SELECT 1 FROM version v WHERE v.article_id = a.id) THEN a.etag ELSE '' END, "
      "CASE WHEN EXISTS (SELECT 1 FROM version v WHERE v.article_id = a.id) THEN a.last_modified ELSE '' END "
      "FROM watch w JOIN article a ON a.id = w.article_id LEFT JOIN article_check c ON c.article_id = a.id "
      "ORDER BY w.added_at, w.url");
  if (!stmt) return stmt.error();
  std::vector<WatchRecord> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    WatchRecord w;
    w.url = (*stmt)->column_text(0);
    w.article_id = (*stmt)->column_int(1);
    if (!(*stmt)->column_is_null(2)) w.every = Duration((*stmt)->column_int(2));
    w.source = (*stmt)->column_text(3);
    w.added_at = (*stmt)->column_time(4);
    w.times.first_seen = (*stmt)->column_time(5);
    w.times.published = (*stmt)->column_optional_time(6);
    w.times.last_change = (*stmt)->column_optional_time(7);
    w.times.next_check = (*stmt)->column_optional_time(8);
    w.basis.quiet = (*stmt)->column_int(9) != 0;
    w.basis.etag = (*stmt)->column_text(10);
    w.basis.last_modified = (*stmt)->column_text(11);
    out.push_back(std::move(w));
  }
  return out;
}

Result<int64_t> SqliteStore::watch_generation() {
  auto stmt = m_cache.use("SELECT value FROM counter WHERE name = 'watches'");
  if (!stmt) return stmt.error();
  auto row = (*stmt)->step();
  if (!row) return row.error();
  return *row ? (*stmt)->column_int(0) : int64_t{0};
}

Result<int64_t> SqliteStore::data_version() {
  auto stmt = m_cache.use("PRAGMA data_version");
  if (!stmt) return stmt.error();
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::io, "PRAGMA data_version returned nothing");
  return (*stmt)->column_int(0);
}

Result<std::optional<std::string>> SqliteStore::watch_source(int64_t article_id) {
  auto stmt = m_cache.use("SELECT source FROM watch WHERE article_id = ?1 ORDER BY added_at LIMIT 1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*stmt)->column_text(0));
}

}  // namespace redline
