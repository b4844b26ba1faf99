// SqliteStore: opening, articles, checks and reading versions. Writing versions is in
// sqlite_store_write.cpp, the outbox and raw blobs in sqlite_store_outbox.cpp.
#include "store/sqlite_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "store/migrations.hpp"
#include "store/record_codec.hpp"

namespace redline {

using sqlite::SqliteDb;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr std::string_view k_article_columns =
    "SELECT a.id, a.key, a.url, a.first_seen, c.last_checked, a.last_changed, c.next_check, a.state, a.etag, "
    "a.last_modified, a.body_hash, a.last_error, (SELECT count(*) FROM version v WHERE v.article_id = a.id), "
    "a.published FROM article a LEFT JOIN article_check c ON c.article_id = a.id ";

constexpr std::string_view k_version_columns =
    "SELECT id, article_id, captured_at, url, headline, byline, published, modified, canonical_url, language, "
    "site_name, blocks, fingerprint, raw_sha256 FROM version ";

ArticleRecord read_article(const Statement& s) {
  ArticleRecord a;
  a.id = s.column_int(0);
  a.key = s.column_text(1);
  a.url = s.column_text(2);
  a.first_seen = s.column_time(3);
  a.last_checked = s.column_optional_time(4);
  a.last_changed = s.column_optional_time(5);
  a.next_check = s.column_optional_time(6);
  a.state = s.column_text(7);
  a.etag = s.column_text(8);
  a.last_modified = s.column_text(9);
  a.body_hash = s.column_text(10);
  a.last_error = s.column_text(11);
  a.version_count = s.column_int(12);
  a.published = s.column_optional_time(13);
  return a;
}

Result<VersionRecord> read_version(const Statement& s) {
  VersionRecord v;
  v.id = s.column_int(0);
  v.article_id = s.column_int(1);
  v.captured_at = s.column_time(2);
  v.url = s.column_text(3);
  v.content.headline = s.column_text(4);
  auto authors = store_codec::decode_strings(s.column_text(5));
  if (!authors) return make_error(Errc::io, "version " + std::to_string(v.id) + " byline: " + authors.error().message);
  v.content.authors = std::move(*authors);
  v.content.published = s.column_optional_time(6);
  v.content.modified = s.column_optional_time(7);
  v.content.canonical_url = s.column_text(8);
  v.content.language = s.column_text(9);
  v.content.site_name = s.column_text(10);
  auto blocks = store_codec::decode_blocks(s.column_text(11));
  if (!blocks) return make_error(Errc::io, "version " + std::to_string(v.id) + " blocks: " + blocks.error().message);
  v.content.blocks = std::move(*blocks);
  v.fingerprint = s.column_text(12);
  v.raw_sha256 = s.column_text(13);
  return v;
}

std::string_view synchronous_pragma(Synchronous s) {
  switch (s) {
    case Synchronous::off:
      return "PRAGMA synchronous = OFF";
    case Synchronous::normal:
      return "PRAGMA synchronous = NORMAL";
    case Synchronous::full:
      return "PRAGMA synchronous = FULL";
    case Synchronous::extra:
      return "PRAGMA synchronous = EXTRA";
  }
  return "PRAGMA synchronous = NORMAL";
}

// Pragmas that read page 1 also reveal a file that is not a database at all; the first such error
// is reported as "store PATH: file is not a database".
Status configure(SqliteDb& db, OpenMode mode, const SqliteOptions& options) {
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  if (auto s = db.exec("PRAGMA foreign_keys = ON"); !s) return s;
  if (mode == OpenMode::read_write) {
    if (sqlite3_db_readonly(db.get(), "main") == 1)
      return make_error(Errc::io, "store " + db.path().string() + " is read-only (check its permissions)");
    auto journal = db.query_text("PRAGMA journal_mode = WAL");
    if (!journal) return journal.error();
    if (*journal != "wal")
      return make_error(Errc::io,
                        "store " + db.path().string() + ": cannot enable WAL (journal_mode " + *journal + ")");
    // After a checkpoint, truncate a WAL that a long read made grow instead of keeping it at its peak.
    if (auto s = db.exec("PRAGMA journal_size_limit = 67108864"); !s) return s;
  } else {
    auto schema = db.query_int("PRAGMA user_version");
    if (!schema) return schema.error();
  }
  if (auto s = db.exec(synchronous_pragma(options.synchronous)); !s) return s;
  if (options.max_page_count > 0) {
    if (auto s = db.exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count)); !s) return s;
  }
  return {};
}

// A reader never creates files beside the store: -wal/-shm files made by another user than the store's
// owner (root running `redline list`, say) would keep the daemon from opening it. When they are absent
// (no connection is open: the store is wholly in its main file) and this process should not create
// them, the store is read as immutable: no locks, no files. A write that starts meanwhile goes to a new
// -wal file, which this reader does not see; it reads the state of when it opened.
bool may_create_wal_files(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path.string() + "-wal", ec) && std::filesystem::exists(path.string() + "-shm", ec))
    return true;  // opening them creates nothing
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return true;  // let SQLite report the error
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return st.st_uid == ::geteuid() && ::access(dir.c_str(), W_OK) == 0;
}

std::string immutable_uri(const std::filesystem::path& path) {
  std::string uri = "file:";
  for (const unsigned char c : std::filesystem::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20) {
      static const char k_hex[] = "0123456789ABCDEF";
      uri += '%';
      uri += k_hex[c >> 4];
      uri += k_hex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

// A database with tables but no schema version is another program's: redline must not add its tables.
Status refuse_foreign_database(SqliteDb& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return version.error();
  if (*version != 0) return {};
  auto tables = db.query_int("SELECT count(*) FROM sqlite_master");
  if (!tables) return tables.error();
  if (*tables == 0) return {};
  return make_error(Errc::io, "store " + db.path().string() +
                                  " is an SQLite database of another program (it has tables but no redline "
                                  "schema version); redline neither reads nor writes it. Check [store] path");
}

}  // namespace

std::optional<Synchronous> synchronous_from_string(std::string_view name) {
  if (name == "off") return Synchronous::off;
  if (name == "normal") return Synchronous::normal;
  if (name == "full") return Synchronous::full;
  if (name == "extra") return Synchronous::extra;
  return std::nullopt;
}

SqliteStore::SqliteStore(SqliteDb db, OpenMode mode) : m_db(std::move(db)), m_cache(m_db), m_mode(mode) {}

SqliteStore::~SqliteStore() {
  m_cache.clear();  // statements first: the connection closes when m_db goes
  if (m_mode == OpenMode::read_write && m_db.get() != nullptr) (void)m_db.exec("PRAGMA optimize");
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path, OpenMode mode,
                                                       const SqliteOptions& options) {
  std::error_code ec;
  int flags = SQLITE_OPEN_NOMUTEX;
  std::string name = path.string();
  if (mode == OpenMode::read_only) {
    if (!std::filesystem::exists(path, ec)) return make_error(Errc::not_found, "no store at " + path.string());
    flags |= SQLITE_OPEN_READONLY;
    if (!may_create_wal_files(path)) {
      flags |= SQLITE_OPEN_URI;
      name = immutable_uri(path);
    }
  } else {
    if (path.has_parent_path()) {
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec)
        return make_error(Errc::io, "cannot create directory " + path.parent_path().string() + ": " + ec.message());
    }
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  }
  auto db = SqliteDb::open(path, flags, name);
  if (!db) return db.error();
  if (auto s = configure(*db, mode, options); !s) return s.error();

  if (mode == OpenMode::read_write) {
    if (auto s = refuse_foreign_database(*db); !s) return s.error();
    if (auto s = sqlite::migrate(*db); !s) return s.error();
  } else {
    if (auto s = refuse_foreign_database(*db); !s) return s.error();
    auto schema = db->query_int("PRAGMA user_version");
    if (!schema) return schema.error();
    const int latest = sqlite::latest_schema_version();
    if (*schema == 0) return make_error(Errc::io, "store " + path.string() + " is empty or not a redline store");
    if (*schema != latest)
      return make_error(Errc::io, "store " + path.string() + " has schema version " + std::to_string(*schema) +
                                      " but this program reads version " + std::to_string(latest) +
                                      (*schema < latest ? "; open it read-write once (start the daemon) to migrate"
                                                        : "; upgrade redline"));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), mode));
}

Status SqliteStore::require_writable() const {
  if (m_mode == OpenMode::read_only)
    return make_error(Errc::io, "store " + m_db.path().string() + " is open read-only");
  return {};
}

Result<ArticleRecord> SqliteStore::ensure_article(std::string_view key, std::string_view url, Timestamp now) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  auto article = ensure_article_locked(key, url, now);
  if (!article) return article;
  if (auto s = tx->commit(); !s) return s.error();
  return article;
}

Result<std::vector<ArticleRecord>> SqliteStore::ensure_articles(
    std::span<const std::pair<std::string, std::string>> keys_urls, Timestamp now) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  std::vector<ArticleRecord> out;
  out.reserve(keys_urls.size());
  for (const auto& [key, url] : keys_urls) {
    auto article = ensure_article_locked(key, url, now);
    if (!article) return article.error();
    out.push_back(std::move(*article));
  }
  if (auto s = tx->commit(); !s) return s.error();
  return out;
}

// Inside an open transaction.
Result<ArticleRecord> SqliteStore::ensure_article_locked(std::string_view key, std::string_view url, Timestamp now) {
  if (key.empty()) return make_error(Errc::invalid_input, "article key is empty");
  int64_t id = 0;
  {
    // By key, else by a URL already recorded for an article (one re-keyed by its canonical URL).
    auto find = m_cache.use(
        "SELECT id FROM article WHERE key = ?1 UNION ALL "
        "SELECT article_id FROM article_url WHERE url = ?2 LIMIT 1");
    if (!find) return find.error();
    (*find)->bind(1, key);
    (*find)->bind(2, url);
    auto row = (*find)->step();
    if (!row) return row.error();
    if (*row) id = (*find)->column_int(0);
  }
  if (id == 0) {
    auto insert = m_cache.use("INSERT INTO article (key, url, first_seen) VALUES (?1, ?2, ?3)");
    if (!insert) return insert.error();
    (*insert)->bind(1, key);
    (*insert)->bind(2, url);
    (*insert)->bind(3, now);
    if (auto s = (*insert)->run(); !s) return s.error();
    id = sqlite3_last_insert_rowid(m_db.get());
  }
  if (!url.empty()) {
    auto link = m_cache.use("INSERT OR IGNORE INTO article_url (url, article_id, first_seen) VALUES (?1, ?2, ?3)");
    if (!link) return link.error();
    (*link)->bind(1, url);
    (*link)->bind(2, id);
    (*link)->bind(3, now);
    if (auto s = (*link)->run(); !s) return s.error();
  }
  auto stmt = m_cache.use(std::string(k_article_columns) + "WHERE a.id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::internal, "article " + std::to_string(id) + " vanished");
  return read_article(**stmt);
}

Result<std::optional<ArticleRecord>> SqliteStore::find_article(std::string_view key_or_url) {
  // The key wins over a URL that happens to equal another article's key.
  auto stmt = m_cache.use(std::string(k_article_columns) +
                          "WHERE a.key = ?1 OR a.id = (SELECT article_id FROM article_url WHERE url = ?1) "
                          "ORDER BY a.key = ?1 DESC LIMIT 1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, key_or_url);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ArticleRecord>();
  return std::optional<ArticleRecord>(read_article(**stmt));
}

Result<std::vector<ArticleRecord>> SqliteStore::list_articles() {
  auto stmt = m_cache.use(std::string(k_article_columns) + "ORDER BY a.id");
  if (!stmt) return stmt.error();
  std::vector<ArticleRecord> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_article(**stmt));
  }
  return out;
}

Result<std::vector<VersionRecord>> SqliteStore::versions(int64_t article_id) {
  auto stmt = m_cache.use(std::string(k_version_columns) + "WHERE article_id = ?1 ORDER BY captured_at, id");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  std::vector<VersionRecord> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    auto v = read_version(**stmt);
    if (!v) return v.error();
    v->number = static_cast<int64_t>(out.size()) + 1;
    out.push_back(std::move(*v));
  }
  return out;
}

Result<int64_t> SqliteStore::latest_version_id(int64_t article_id) {
  auto stmt = m_cache.use("SELECT id FROM version WHERE article_id = ?1 ORDER BY captured_at DESC, id DESC LIMIT 1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  return *row ? (*stmt)->column_int(0) : int64_t{0};
}

Result<CheckContext> SqliteStore::check_context(int64_t article_id) {
  // Local reads are cheap: the single reads one after the other (add_version's expected_latest catches
  // a version stored in between).
  CheckContext out;
  auto latest = latest_version(article_id);
  if (!latest) return latest.error();
  out.latest = std::move(*latest);
  if (out.latest) {
    auto stmt = m_cache.use("SELECT DISTINCT fingerprint FROM version WHERE article_id = ?1 AND id != ?2");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, article_id);
    (*stmt)->bind(2, out.latest->id);
    for (;;) {
      auto row = (*stmt)->step();
      if (!row) return row.error();
      if (!*row) break;
      out.earlier_fingerprints.push_back((*stmt)->column_text(0));
    }
  }
  auto test = headline_test(article_id);
  if (!test) return test.error();
  out.headline_test = std::move(*test);
  auto source = watch_source(article_id);
  if (!source) return source.error();
  out.watch_source = std::move(*source);
  return out;
}

Result<std::optional<VersionRecord>> SqliteStore::latest_version(int64_t article_id) {
  auto stmt =
      m_cache.use(std::string(k_version_columns) + "WHERE article_id = ?1 ORDER BY captured_at DESC, id DESC LIMIT 1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<VersionRecord>();
  auto v = read_version(**stmt);
  if (!v) return v.error();
  // Its number is the count of versions up to it, in the same read transaction.
  auto count = m_cache.use("SELECT count(*) FROM version WHERE article_id = ?1 AND captured_at <= ?2");
  if (!count) return count.error();
  (*count)->bind(1, article_id);
  (*count)->bind(2, v->captured_at);
  auto counted = (*count)->step();
  if (!counted) return counted.error();
  v->number = (*count)->column_int(0);
  return std::optional<VersionRecord>(std::move(*v));
}

Result<std::vector<ChangeRecord>> SqliteStore::changes(int64_t article_id) {
  auto stmt = m_cache.use(
      "SELECT c.id, c.article_id, c.from_version, c.to_version, c.classes, c.stats FROM change c "
      "JOIN version v ON v.id = c.to_version WHERE c.article_id = ?1 ORDER BY v.captured_at, c.id");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  std::vector<ChangeRecord> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row) return row.error();
    if (!*row) break;
    ChangeRecord c;
    c.id = (*stmt)->column_int(0);
    c.article_id = (*stmt)->column_int(1);
    c.from_version = (*stmt)->column_int(2);
    c.to_version = (*stmt)->column_int(3);
    auto classes = store_codec::decode_strings((*stmt)->column_text(4));
    if (!classes) return make_error(Errc::io, "change " + std::to_string(c.id) + ": " + classes.error().message);
    c.classes = std::move(*classes);
    c.stats_json = (*stmt)->column_text(5);
    out.push_back(std::move(c));
  }
  return out;
}

Status SqliteStore::record_check(const CheckRecord& check) { return record_checks(std::span(&check, 1)); }

Status SqliteStore::record_checks(std::span<const CheckRecord> checks) {
  if (auto s = require_writable(); !s) return s;
  // In article order: each page of article_check is then read and dirtied once per batch. Stable, so
  // that of two checks of one article the later still wins.
  std::vector<const CheckRecord*> ordered;
  ordered.reserve(checks.size());
  for (const auto& check : checks) ordered.push_back(&check);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const CheckRecord* a, const CheckRecord* b) { return a->article_id < b->article_id; });
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  for (const CheckRecord* check : ordered)
    if (auto s = update_check(*check); !s) return s;
  return tx->commit();
}

Status SqliteStore::update_check(const CheckRecord& check) {
  if (!check.schedule_only) {
    const bool ok = check.error.empty();
    auto stmt = m_cache.use(ok ? "UPDATE article SET url = CASE WHEN ?2 = '' THEN url ELSE ?2 END, etag = ?3, "
                                 "last_modified = ?4, body_hash = ?5, last_error = '' WHERE id = ?1"
                               : "UPDATE article SET last_error = ?2 WHERE id = ?1");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, check.article_id);
    if (ok) {
      (*stmt)->bind(2, check.url);
      (*stmt)->bind(3, check.etag);
      (*stmt)->bind(4, check.last_modified);
      (*stmt)->bind(5, check.body_hash);
    } else {
      (*stmt)->bind(2, check.error);
    }
    if (auto s = (*stmt)->run(); !s) return s;
    if (sqlite3_changes(m_db.get()) == 0)
      return make_error(Errc::not_found, "no article with id " + std::to_string(check.article_id));
  }
  {
    auto stmt = m_cache.use(
        "INSERT INTO article_check (article_id, last_checked, next_check) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (article_id) DO UPDATE SET last_checked = excluded.last_checked, next_check = "
        "excluded.next_check");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, check.article_id);
    (*stmt)->bind(2, check.checked_at);
    (*stmt)->bind(3, check.next_check);
    if (auto s = (*stmt)->run(); !s)  // the foreign key: no such article
      return s.error().code == Errc::invalid_input
                 ? make_error(Errc::not_found, "no article with id " + std::to_string(check.article_id))
                 : s;
  }
  if (!check.schedule_only && check.error.empty() && !check.url.empty()) {
    auto link = m_cache.use("INSERT OR IGNORE INTO article_url (url, article_id, first_seen) VALUES (?1, ?2, ?3)");
    if (!link) return link.error();
    (*link)->bind(1, check.url);
    (*link)->bind(2, check.article_id);
    (*link)->bind(3, check.checked_at);
    if (auto s = (*link)->run(); !s) return s;
  }
  return {};
}

Status SqliteStore::note_seen(int64_t article_id, Timestamp at) {
  if (auto s = require_writable(); !s) return s;
  auto stmt = m_cache.use(
      "INSERT INTO article_check (article_id, last_checked) VALUES (?1, ?2) "
      "ON CONFLICT (article_id) DO UPDATE SET last_checked = max(coalesce(last_checked, ?2), ?2)");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  (*stmt)->bind(2, at);
  if (auto s = (*stmt)->run(); !s)
    return s.error().code == Errc::invalid_input
               ? make_error(Errc::not_found, "no article with id " + std::to_string(article_id))
               : s;
  return {};
}

Result<std::string> SqliteStore::integrity_check() {
  auto stmt = m_db.prepare("PRAGMA integrity_check");
  if (!stmt) return stmt.error();
  std::string out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    if (!out.empty()) out += '\n';
    out += stmt->column_text(0);
  }
  return out;
}

Result<int> SqliteStore::schema_version() {
  auto v = m_db.query_int("PRAGMA user_version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

}  // namespace redline
