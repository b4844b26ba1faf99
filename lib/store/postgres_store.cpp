// PostgresStore: opening, articles, versions and checks. The outbox, watches, raw pages and
// maintenance are in postgres_store_more.cpp.
#include "store/postgres_store.hpp"

#include <algorithm>
#include <unordered_map>

#include "store/postgres_migrations.hpp"
#include "store/raw_pack.hpp"
#include "store/record_codec.hpp"

namespace redline {

using pg::Rows;

namespace {

constexpr std::string_view k_article_columns =
    "SELECT a.id, a.key, a.url, a.first_seen, c.last_checked, a.last_changed, c.next_check, a.state, a.etag, "
    "a.last_modified, a.body_hash, a.last_error, a.versions, "
    "a.published FROM article a LEFT JOIN article_check c ON c.article_id = a.id ";

constexpr std::string_view k_version_columns =
    "SELECT id, article_id, captured_at, url, headline, byline, published, modified, canonical_url, language, "
    "site_name, blocks, fingerprint, coalesce(raw_sha256, '') FROM version ";
// The same columns plus the version's number (column 14), in one snapshot.
constexpr std::string_view k_numbered_version_columns =
    "SELECT id, article_id, captured_at, url, headline, byline, published, modified, canonical_url, language, "
    "site_name, blocks, fingerprint, coalesce(raw_sha256, ''), (SELECT count(*) FROM version w WHERE "
    "w.article_id = version.article_id AND w.captured_at <= version.captured_at) FROM version ";

ArticleRecord read_article(const Rows& r, int i) {
  ArticleRecord a;
  a.id = r.integer(i, 0);
  a.key = r.text(i, 1);
  a.url = r.text(i, 2);
  a.first_seen = r.time(i, 3);
  a.last_checked = r.optional_time(i, 4);
  a.last_changed = r.optional_time(i, 5);
  a.next_check = r.optional_time(i, 6);
  a.state = r.text(i, 7);
  a.etag = r.text(i, 8);
  a.last_modified = r.text(i, 9);
  a.body_hash = r.text(i, 10);
  a.last_error = r.text(i, 11);
  a.version_count = r.integer(i, 12);
  a.published = r.optional_time(i, 13);
  return a;
}

// `first`: the column the version's columns start at.
Result<VersionRecord> read_version(const Rows& r, int i, int first = 0) {
  VersionRecord v;
  v.id = r.integer(i, first);
  v.article_id = r.integer(i, first + 1);
  v.captured_at = r.time(i, first + 2);
  v.url = r.text(i, first + 3);
  v.content.headline = r.text(i, first + 4);
  auto authors = store_codec::decode_strings(r.text(i, first + 5));
  if (!authors) return make_error(Errc::io, "version " + std::to_string(v.id) + " byline: " + authors.error().message);
  v.content.authors = std::move(*authors);
  v.content.published = r.optional_time(i, first + 6);
  v.content.modified = r.optional_time(i, first + 7);
  v.content.canonical_url = r.text(i, first + 8);
  v.content.language = r.text(i, first + 9);
  v.content.site_name = r.text(i, first + 10);
  auto blocks = store_codec::decode_blocks(r.text(i, first + 11));
  if (!blocks) return make_error(Errc::io, "version " + std::to_string(v.id) + " blocks: " + blocks.error().message);
  v.content.blocks = std::move(*blocks);
  v.fingerprint = r.text(i, first + 12);
  v.raw_sha256 = r.text(i, first + 13);
  return v;
}

Error no_article(int64_t id) { return Error{Errc::not_found, "no article with id " + std::to_string(id)}; }

}  // namespace

PostgresStore::PostgresStore(std::unique_ptr<pg::Connection> conn, OpenMode mode, PostgresOptions options)
    : m_conn(std::move(conn)), m_mode(mode), m_options(std::move(options)) {}

PostgresStore::~PostgresStore() {
  m_group.reset();  // rolls an uncommitted group back before the connection closes
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url, OpenMode mode,
                                                           const PostgresOptions& options) {
  auto conn = pg::Connection::open(url, "redline " + options.node);
  if (!conn) return conn.error();
  const int latest = pg::latest_schema_version();
  if (mode == OpenMode::read_write) {
    if (auto s = pg::migrate(**conn); !s) return s.error();
  } else {
    auto schema = pg::schema_version(**conn);
    if (!schema) return schema.error();
    if (*schema == 0) return make_error(Errc::io, "store " + (*conn)->where() + " is empty or not a redline store");
    if (*schema != latest)
      return make_error(Errc::io, "store " + (*conn)->where() + " has schema version " + std::to_string(*schema) +
                                      " but this program reads version " + std::to_string(latest) +
                                      (*schema < latest ? "; start a node of this version once to migrate it"
                                                        : ", newer than it knows; upgrade redline"));
    if (auto s = (*conn)->exec_script("SET default_transaction_read_only = on"); !s) return s.error();
  }
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(*conn), mode, options));
}

Status PostgresStore::require_writable() const {
  if (m_mode == OpenMode::read_only) return make_error(Errc::io, "store " + where() + " is open read-only");
  return {};
}

Result<std::string> PostgresStore::count_write() {
  if (m_writer_id == 0) {
    auto row =
        m_conn->exec("INSERT INTO writer (node, writes) VALUES ($1, 1) RETURNING id", {pg::text(m_options.node)});
    if (!row) return row.error();
    m_writer_id = row->integer(0, 0);
    return std::string();
  }
  return "UPDATE writer SET writes = writes + 1 WHERE id = " + std::to_string(m_writer_id);
}

Status PostgresStore::begin_group() {
  if (auto s = require_writable(); !s) return s;
  if (m_group) return make_error(Errc::internal, "store: begin_group() inside a group");
  auto tx = pg::Transaction::begin(*m_conn);
  if (!tx) return tx.error();
  m_group.emplace(std::move(*tx));
  return {};
}

Status PostgresStore::commit_group() {
  if (!m_group) return {};
  Result<std::string> counted =
      m_conn->transaction_failed()
          ? Result<std::string>(
                make_error(Errc::io, "store " + where() + ": a write of the group failed; none is stored"))
          : count_write();
  Status s = counted ? m_group->commit(*counted) : Status(counted.error());
  m_group.reset();  // rolls back when the commit did not happen
  return s;
}

Result<ArticleRecord> PostgresStore::ensure_article(std::string_view key, std::string_view url, Timestamp now) {
  return write([&] { return ensure_article_locked(key, url, now); });
}

Result<std::vector<ArticleRecord>> PostgresStore::ensure_articles(
    std::span<const std::pair<std::string, std::string>> keys_urls, Timestamp now) {
  return write([&]() -> Result<std::vector<ArticleRecord>> {
    // Set-based (every start of every node upserts all the configuration's watches): at most four
    // statements, not four per watch; a start that finds every watch known reads twice and writes
    // nothing. The result is ensure_article's, entry by entry in order: an entry finds its article by
    // key, else by a URL linked before (by the store or an earlier entry).
    std::vector<std::string_view> keys, urls;
    for (const auto& [key, url] : keys_urls) {
      if (key.empty()) return make_error(Errc::invalid_input, "article key is empty");
      keys.push_back(key);
      urls.push_back(url);
    }
    // Each entry's article, and whether its URL is linked already (a restart links none again).
    auto found = m_conn->exec(
        "SELECT coalesce((SELECT a.id FROM article a WHERE a.key = k.key), l.article_id, 0), l.article_id IS NOT NULL "
        "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(key, url, n) "
        "LEFT JOIN LATERAL (SELECT u.article_id FROM article_url u WHERE u.url = k.url) l ON true ORDER BY k.n",
        {pg::texts(keys), pg::texts(urls)});
    if (!found) return found.error();
    std::vector<int64_t> ids(keys_urls.size());
    std::vector<bool> linked(keys_urls.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      ids[i] = found->integer(static_cast<int>(i), 0);
      linked[i] = found->boolean(static_cast<int>(i), 1);
    }

    // The new ones: an entry whose key or URL an earlier new entry brought shares its article; the
    // others are inserted together (another node inserting a key at the same moment: its row).
    constexpr size_t none = static_cast<size_t>(-1);
    std::vector<size_t> leader(ids.size(), none);
    std::unordered_map<std::string_view, size_t> by_key, by_url;
    std::vector<std::string_view> new_keys, new_urls;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] != 0) {
        if (!urls[i].empty()) by_url.emplace(urls[i], i);
        continue;
      }
      if (auto k = by_key.find(keys[i]); k != by_key.end()) {
        leader[i] = k->second;
      } else if (auto u = urls[i].empty() ? by_url.end() : by_url.find(urls[i]); u != by_url.end()) {
        leader[i] = u->second;
      } else {
        leader[i] = i;
        by_key.emplace(keys[i], i);
        new_keys.push_back(keys[i]);
        new_urls.push_back(urls[i]);
      }
      if (!urls[i].empty()) by_url.emplace(urls[i], leader[i]);
    }
    if (!new_keys.empty()) {
      auto inserted = m_conn->exec(
          "INSERT INTO article (key, url, first_seen) SELECT k, u, $3 FROM unnest($1::text[], $2::text[]) AS n(k, u) "
          "ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id, key",
          {pg::texts(new_keys), pg::texts(new_urls), pg::time(now)});
      if (!inserted) return inserted.error();
      std::unordered_map<std::string, int64_t> id_of;
      for (int r = 0; r < inserted->size(); ++r) id_of.emplace(inserted->text(r, 1), inserted->integer(r, 0));
      for (size_t i = 0; i < ids.size(); ++i) {
        if (leader[i] == none) continue;
        const size_t l = leader[i];
        ids[i] = ids[l] != 0 ? ids[l] : id_of[std::string(keys[l])];
        if (ids[i] == 0) return make_error(Errc::internal, "article " + std::string(keys[l]) + " was not inserted");
      }
    }
    std::vector<int64_t> link_ids;
    std::vector<std::string_view> link_urls;
    for (size_t i = 0; i < ids.size(); ++i)
      if (!urls[i].empty() && !linked[i]) {
        link_ids.push_back(ids[i]);
        link_urls.push_back(urls[i]);
      }
    if (!link_ids.empty()) {
      auto link = m_conn->exec(
          "INSERT INTO article_url (url, article_id, first_seen) SELECT u, i, $3 FROM unnest($1::text[], "
          "$2::bigint[]) WITH ORDINALITY AS l(u, i, n) ORDER BY n ON CONFLICT DO NOTHING",
          {pg::texts(link_urls), pg::integers(link_ids), pg::time(now)});
      if (!link) return link.error();
    }
    auto rows = m_conn->exec(std::string(k_article_columns) + "WHERE a.id = ANY($1::bigint[])", {pg::integers(ids)});
    if (!rows) return rows.error();
    std::unordered_map<int64_t, int> row_of;
    for (int r = 0; r < rows->size(); ++r) row_of[rows->integer(r, 0)] = r;
    std::vector<ArticleRecord> out;
    out.reserve(keys_urls.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      const auto it = row_of.find(ids[i]);
      if (it == row_of.end()) return make_error(Errc::internal, "article " + std::to_string(ids[i]) + " vanished");
      out.push_back(read_article(*rows, it->second));
    }
    return out;
  });
}

Result<ArticleRecord> PostgresStore::ensure_article_locked(std::string_view key, std::string_view url, Timestamp now) {
  if (key.empty()) return make_error(Errc::invalid_input, "article key is empty");
  int64_t id = 0;
  {
    auto found = m_conn->exec(
        "SELECT id FROM article WHERE key = $1 UNION ALL SELECT article_id FROM article_url WHERE url = $2 LIMIT 1",
        {pg::text(key), pg::text(url)});
    if (!found) return found.error();
    if (found->size() > 0) id = found->integer(0, 0);
  }
  if (id == 0) {
    // Another node may insert the same key at the same moment: the conflict then returns its row.
    auto inserted = m_conn->exec(
        "INSERT INTO article (key, url, first_seen) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id",
        {pg::text(key), pg::text(url), pg::time(now)});
    if (!inserted) return inserted.error();
    id = inserted->integer(0, 0);
  }
  if (!url.empty()) {
    auto link =
        m_conn->exec("INSERT INTO article_url (url, article_id, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {pg::text(url), pg::integer(id), pg::time(now)});
    if (!link) return link.error();
  }
  auto row = m_conn->exec(std::string(k_article_columns) + "WHERE a.id = $1", {pg::integer(id)});
  if (!row) return row.error();
  if (row->size() == 0) return make_error(Errc::internal, "article " + std::to_string(id) + " vanished");
  return read_article(*row, 0);
}

Result<bool> PostgresStore::rekey_article(int64_t article_id, std::string_view key) {
  if (key.empty()) return make_error(Errc::invalid_input, "article key is empty");
  return write_statement([&]() -> Result<bool> {
    auto updated =
        m_conn->exec("UPDATE article SET key = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM article WHERE key = $2)",
                     {pg::integer(article_id), pg::text(key)});
    if (!updated) {
      // Taken meanwhile by another node (outside a group; inside one the group fails and is retried).
      if (updated.error().code == Errc::invalid_input && !m_group) return false;
      return updated.error();
    }
    if (updated->affected() > 0) return true;
    auto exists = m_conn->exec("SELECT 1 FROM article WHERE id = $1", {pg::integer(article_id)});
    if (!exists) return exists.error();
    if (exists->size() == 0) return no_article(article_id);
    return false;
  });
}

Result<std::optional<ArticleRecord>> PostgresStore::find_article(std::string_view key_or_url) {
  auto rows = m_conn->exec(std::string(k_article_columns) +
                               "WHERE a.key = $1 OR a.id = (SELECT article_id FROM article_url WHERE url = $1) "
                               "ORDER BY a.key = $1 DESC LIMIT 1",
                           {pg::text(key_or_url)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<ArticleRecord>();
  return std::optional<ArticleRecord>(read_article(*rows, 0));
}

Result<std::vector<ArticleRecord>> PostgresStore::list_articles() {
  auto rows = m_conn->exec(std::string(k_article_columns) + "ORDER BY a.id");
  if (!rows) return rows.error();
  std::vector<ArticleRecord> out;
  out.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) out.push_back(read_article(*rows, i));
  return out;
}

Result<std::vector<VersionRecord>> PostgresStore::versions(int64_t article_id) {
  auto rows = m_conn->exec(std::string(k_version_columns) + "WHERE article_id = $1 ORDER BY captured_at, id",
                           {pg::integer(article_id)});
  if (!rows) return rows.error();
  std::vector<VersionRecord> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto v = read_version(*rows, i);
    if (!v) return v.error();
    v->number = i + 1;
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::optional<VersionRecord>> PostgresStore::latest_version(int64_t article_id) {
  // The number in the same statement: one snapshot.
  auto rows = m_conn->exec(
      std::string(k_numbered_version_columns) + "WHERE article_id = $1 ORDER BY captured_at DESC, id DESC LIMIT 1",
      {pg::integer(article_id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<VersionRecord>();
  auto v = read_version(*rows, 0);
  if (!v) return v.error();
  v->number = rows->integer(0, 14);
  return std::optional<VersionRecord>(std::move(*v));
}

Result<int64_t> PostgresStore::latest_version_id(int64_t article_id) {
  auto rows = m_conn->exec("SELECT id FROM version WHERE article_id = $1 ORDER BY captured_at DESC, id DESC LIMIT 1",
                           {pg::integer(article_id)});
  if (!rows) return rows.error();
  return rows->size() > 0 ? rows->integer(0, 0) : int64_t{0};
}

namespace {

// A CheckContext's columns for the article whose id is @id (a parameter or a column), from @from joined
// with that article's latest version `v`: the version with its number (14 + 1 columns), then the
// earlier fingerprints (one per line), the headline test and the watch source. @columns come first.
constexpr std::string_view k_check_context_template = R"(
SELECT @columns v.id, v.article_id, v.captured_at, v.url, v.headline, v.byline, v.published, v.modified,
       v.canonical_url, v.language, v.site_name, v.blocks, v.fingerprint, coalesce(v.raw_sha256, ''),
       (SELECT count(*) FROM version w WHERE w.article_id = @id AND w.captured_at <= v.captured_at),
       (SELECT string_agg(DISTINCT fingerprint, E'\n') FROM version e WHERE e.article_id = @id AND e.id <> v.id),
       (SELECT state FROM headline_test WHERE article_id = @id),
       (SELECT source FROM watch WHERE article_id = @id ORDER BY added_at LIMIT 1)
FROM @from
LEFT JOIN LATERAL (SELECT * FROM version WHERE article_id = @id ORDER BY captured_at DESC, id DESC LIMIT 1) v ON true)";

std::string check_context_select(std::string_view columns, std::string_view id, std::string_view from) {
  std::string sql(k_check_context_template);
  const auto put = [&sql](std::string_view name, std::string_view value) {
    for (size_t at = sql.find(name); at != std::string::npos; at = sql.find(name, at + value.size()))
      sql.replace(at, name.size(), value);
  };
  put("@id", id);
  put("@from", from);
  put("@columns", columns);
  return sql;
}

const std::string k_check_context = check_context_select("", "$1", "(SELECT 1) one");
// find_article() with the check context of what it finds: the article's columns (0-13) first.
const std::string k_find_article_for_check =
    "WITH found AS (" + std::string(k_article_columns) +
    "WHERE a.key = $1 OR a.id = (SELECT article_id FROM article_url WHERE url = $1) ORDER BY a.key = $1 DESC "
    "LIMIT 1) " +
    check_context_select("found.*, ", "found.id", "found");

Result<CheckContext> read_check_context(const Rows& r, int first) {
  CheckContext out;
  if (!r.is_null(0, first)) {
    auto v = read_version(r, 0, first);
    if (!v) return v.error();
    v->number = r.integer(0, first + 14);
    out.latest = std::move(*v);
    const std::string fingerprints = r.text(0, first + 15);
    for (size_t from = 0; from < fingerprints.size();) {
      const size_t end = std::min(fingerprints.find('\n', from), fingerprints.size());
      out.earlier_fingerprints.push_back(fingerprints.substr(from, end - from));
      from = end + 1;
    }
  }
  if (!r.is_null(0, first + 16)) out.headline_test = r.text(0, first + 16);
  if (!r.is_null(0, first + 17)) out.watch_source = r.text(0, first + 17);
  return out;
}

}  // namespace

Result<CheckContext> PostgresStore::check_context(int64_t article_id) {
  auto rows = m_conn->exec(k_check_context, {pg::integer(article_id)});
  if (!rows) return rows.error();
  return read_check_context(*rows, 0);
}

Result<std::optional<ArticleForCheck>> PostgresStore::find_article_for_check(std::string_view key_or_url) {
  auto rows = m_conn->exec(k_find_article_for_check, {pg::text(key_or_url)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<ArticleForCheck>();
  auto context = read_check_context(*rows, 14);
  if (!context) return context.error();
  return std::optional<ArticleForCheck>(ArticleForCheck{read_article(*rows, 0), std::move(*context)});
}

Result<std::vector<ChangeRecord>> PostgresStore::changes(int64_t article_id) {
  auto rows = m_conn->exec(
      "SELECT c.id, c.article_id, c.from_version, c.to_version, c.classes, c.stats FROM change c "
      "JOIN version v ON v.id = c.to_version WHERE c.article_id = $1 ORDER BY v.captured_at, c.id",
      {pg::integer(article_id)});
  if (!rows) return rows.error();
  std::vector<ChangeRecord> out;
  for (int i = 0; i < rows->size(); ++i) {
    ChangeRecord c;
    c.id = rows->integer(i, 0);
    c.article_id = rows->integer(i, 1);
    c.from_version = rows->integer(i, 2);
    c.to_version = rows->integer(i, 3);
    auto classes = store_codec::decode_strings(rows->text(i, 4));
    if (!classes) return make_error(Errc::io, "change " + std::to_string(c.id) + ": " + classes.error().message);
    c.classes = std::move(*classes);
    c.stats_json = rows->text(i, 5);
    out.push_back(std::move(c));
  }
  return out;
}

Result<int64_t> PostgresStore::add_version(const NewVersion& version) {
  return write_statement([&] { return insert_version(version); });
}

Result<std::vector<int64_t>> PostgresStore::add_versions(std::span<const NewVersion> versions) {
  return write([&]() -> Result<std::vector<int64_t>> {
    std::vector<int64_t> ids;
    ids.reserve(versions.size());
    for (const auto& v : versions) {
      auto id = insert_version(v);
      if (!id) return id.error();
      ids.push_back(*id);
    }
    return ids;
  });
}

Status PostgresStore::require_article(int64_t article_id) {
  auto exists = m_conn->exec("SELECT 1 FROM article WHERE id = $1", {pg::integer(article_id)});
  if (!exists) return exists.error();
  if (exists->size() == 0) return no_article(article_id);
  return {};
}

namespace {

// A version with its raw page, change, outbox rows, their event (the API's history keeps the first
// row's payload of each event) and the article's bookkeeping (its number of versions too) in one
// statement (one round trip). The checks come first: when one fails nothing is written and the last
// columns say why. Each check is an index lookup: `dup` asks the unique index per event (a join let
// the planner scan the whole outbox for the one or two rows of a change).
constexpr std::string_view k_insert_version = R"(
WITH art AS (SELECT id FROM article WHERE id = $1::bigint),
prev AS (SELECT id FROM version WHERE id = $16::bigint AND article_id = $1::bigint),
taken AS (SELECT 1 FROM version WHERE article_id = $1::bigint AND captured_at = $2::bigint),
ev AS (SELECT * FROM unnest($19::text[], $20::text[], $21::text[], $22::bigint[], $23::bigint[]) WITH ORDINALITY
         AS e(event_id, notifier, payload, created_at, next_attempt, ord)),
dup AS (SELECT ev.event_id, ev.notifier FROM ev WHERE (SELECT 1 FROM outbox o WHERE o.event_id = ev.event_id
          AND o.notifier = ev.notifier) IS NOT NULL LIMIT 1),
cur AS (SELECT coalesce((SELECT id FROM version WHERE article_id = $1::bigint ORDER BY captured_at DESC, id DESC
                          LIMIT 1), 0) AS id WHERE $24::bigint IS NOT NULL),
ok AS (SELECT 1 FROM art WHERE ($16::bigint IS NULL OR EXISTS (SELECT 1 FROM prev))
         AND NOT EXISTS (SELECT 1 FROM taken) AND NOT EXISTS (SELECT 1 FROM dup)
         AND ($24::bigint IS NULL OR (SELECT id FROM cur) = $24::bigint)),
raw AS (INSERT INTO raw_blob (sha256, size, data) SELECT $13::text, $14::bigint, $15::bytea FROM ok
          WHERE $13::text IS NOT NULL ON CONFLICT DO NOTHING),
v AS (INSERT INTO version (article_id, captured_at, url, headline, byline, published, modified, canonical_url,
                           language, site_name, blocks, fingerprint, raw_sha256)
        SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::bigint, $7::bigint, $8::text, $9::text,
               $10::text, $11::text, $12::text, $13::text FROM ok RETURNING id),
c AS (INSERT INTO change (article_id, from_version, to_version, classes, stats)
        SELECT $1::bigint, $16::bigint, v.id, $17::text, $18::text FROM v WHERE $16::bigint IS NOT NULL),
o AS (INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, created_at, next_attempt)
        SELECT ev.event_id, $1::bigint, v.id, ev.notifier, ev.payload, ev.created_at, ev.next_attempt FROM v, ev),
e AS (INSERT INTO event (event_id, article_id, version_id, type, created_at, payload)
        SELECT DISTINCT ON (ev.event_id) ev.event_id, $1::bigint, v.id, coalesce(ev.payload::json ->> 'type', ''),
               ev.created_at, ev.payload FROM v, ev ORDER BY ev.event_id, ev.ord
        ON CONFLICT (event_id) DO NOTHING),
up AS (UPDATE article SET published = CASE WHEN last_changed IS NULL OR $2::bigint >= last_changed THEN $6::bigint
                                           ELSE published END,
                          last_changed = greatest(coalesce(last_changed, $2::bigint), $2::bigint),
                          versions = versions + 1
         WHERE id = $1::bigint AND EXISTS (SELECT 1 FROM v)),
link AS (INSERT INTO article_url (url, article_id, first_seen) SELECT $3::text, $1::bigint, $2::bigint FROM v
           WHERE $3::text <> '' ON CONFLICT DO NOTHING)
SELECT (SELECT id FROM v), EXISTS (SELECT 1 FROM art), EXISTS (SELECT 1 FROM prev), EXISTS (SELECT 1 FROM taken),
       (SELECT event_id || ' for notifier ' || notifier FROM dup), (SELECT id FROM cur))";

}  // namespace

// Inside an open transaction (or a group): the version, its change, its outbox rows and the article's
// bookkeeping, in one statement.
Result<int64_t> PostgresStore::insert_version(const NewVersion& version) {
  const std::string article = std::to_string(version.article_id);
  if (version.change && version.change->article_id != 0 && version.change->article_id != version.article_id)
    return make_error(Errc::invalid_input, "change is for article " + std::to_string(version.change->article_id) +
                                               ", version for article " + article);
  std::vector<std::string_view> event_ids, notifiers, payloads;
  std::vector<int64_t> created, next;
  for (const auto& o : version.outbox) {
    if (o.article_id != 0 && o.article_id != version.article_id)
      return make_error(Errc::invalid_input, "outbox event " + o.event_id + " is for article " +
                                                 std::to_string(o.article_id) + ", version for article " + article);
    for (size_t i = 0; i < event_ids.size(); ++i)
      if (event_ids[i] == o.event_id && notifiers[i] == o.notifier)
        return make_error(Errc::invalid_input, "outbox event " + o.event_id + " for notifier " + o.notifier +
                                                   " already exists (twice in this version)");
    const Timestamp at = o.created_at == Timestamp{} ? version.captured_at : o.created_at;
    event_ids.push_back(o.event_id);
    notifiers.push_back(o.notifier);
    payloads.push_back(o.payload);
    created.push_back(to_epoch_ms(at));
    next.push_back(to_epoch_ms(o.next_attempt == Timestamp{} ? at : o.next_attempt));
  }
  std::optional<PackedRaw> here;
  const PackedRaw* packed = version.packed_raw ? &*version.packed_raw : nullptr;
  if (!packed && !version.raw.empty()) packed = &here.emplace(pack_raw(version.raw));
  const Article& a = version.content;
  const ChangeRecord* change = version.change ? &*version.change : nullptr;
  auto rows = m_conn->exec(k_insert_version,
                           {pg::integer(version.article_id),
                            pg::time(version.captured_at),
                            pg::text(version.url),
                            pg::text(a.headline),
                            pg::text(store_codec::encode_strings(a.authors)),
                            pg::optional_time(a.published),
                            pg::optional_time(a.modified),
                            pg::text(a.canonical_url),
                            pg::text(a.language),
                            pg::text(a.site_name),
                            pg::text(store_codec::encode_blocks(a.blocks)),
                            pg::text(version.fingerprint),
                            packed ? pg::text(packed->sha256) : pg::null(),
                            packed ? pg::integer(packed->size) : pg::null(),
                            packed ? pg::bytes(packed->zstd) : pg::null(),
                            change ? pg::integer(change->from_version) : pg::null(),
                            pg::text(change ? store_codec::encode_strings(change->classes) : std::string()),
                            pg::text(!change || change->stats_json.empty() ? std::string("{}") : change->stats_json),
                            pg::texts(event_ids),
                            pg::texts(notifiers),
                            pg::texts(payloads),
                            pg::integers(created),
                            pg::integers(next),
                            version.expected_latest ? pg::integer(*version.expected_latest) : pg::null()});
  if (!rows) {
    if (rows.error().code != Errc::invalid_input) return rows.error();
    return make_error(Errc::invalid_input, "article " + article + ": the version captured at " +
                                               format_rfc3339(version.captured_at) +
                                               " was not stored: " + rows.error().message);
  }
  if (!rows->is_null(0, 0)) return rows->integer(0, 0);
  if (!rows->boolean(0, 1)) return no_article(version.article_id);
  if (version.expected_latest && rows->integer(0, 5) != *version.expected_latest)
    return stale_latest_error(version, rows->integer(0, 5));
  if (change && !rows->boolean(0, 2))
    return make_error(Errc::invalid_input, "change.from_version " + std::to_string(change->from_version) +
                                               " is not a version of article " + article);
  if (rows->boolean(0, 3))
    return make_error(Errc::invalid_input, "article " + article + " already has a version captured at " +
                                               format_rfc3339(version.captured_at));
  return make_error(Errc::invalid_input, "outbox event " + rows->text(0, 4) + " already exists");
}

// Inside an open transaction. version_id 0 is stored as NULL.
Status PostgresStore::insert_outbox(const OutboxEntry& o, int64_t article_id, int64_t version_id,
                                    Timestamp default_time) {
  if (o.article_id != 0 && o.article_id != article_id)
    return make_error(Errc::invalid_input, "outbox event " + o.event_id + " is for article " +
                                               std::to_string(o.article_id) + ", not " + std::to_string(article_id));
  const Timestamp created = o.created_at == Timestamp{} ? default_time : o.created_at;
  // The row and, for the first row of its event, the event (the API's history).
  auto inserted = m_conn->exec(
      "WITH o AS (INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, created_at, next_attempt) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING event_id, article_id, version_id, payload, created_at) "
      "INSERT INTO event (event_id, article_id, version_id, type, created_at, payload) "
      "SELECT event_id, article_id, version_id, coalesce(payload::json ->> 'type', ''), created_at, payload FROM o "
      "ON CONFLICT (event_id) DO NOTHING",
      {pg::text(o.event_id), pg::integer(article_id), version_id != 0 ? pg::integer(version_id) : pg::null(),
       pg::text(o.notifier), pg::text(o.payload), pg::time(created),
       pg::time(o.next_attempt == Timestamp{} ? created : o.next_attempt)});
  if (!inserted) {
    if (inserted.error().code != Errc::invalid_input) return inserted.error();
    return make_error(Errc::invalid_input, "outbox event " + o.event_id + " for notifier " + o.notifier +
                                               " already exists (" + inserted.error().message + ")");
  }
  return {};
}

Status PostgresStore::record_state(const StateChange& change) {
  if (change.state != "active" && change.state != "deleted" && change.state != "redirected")
    return make_error(Errc::invalid_input, "unknown article state \"" + change.state + "\"");
  return write([&]() -> Status {
    auto updated = m_conn->exec("UPDATE article SET state = $2 WHERE id = $1",
                                {pg::integer(change.article_id), pg::text(change.state)});
    if (!updated) return updated.error();
    if (updated->affected() == 0) return no_article(change.article_id);
    for (const auto& o : change.outbox)
      if (auto r = insert_outbox(o, change.article_id, 0, change.at); !r) return r;
    return {};
  });
}

Status PostgresStore::note_seen(int64_t article_id, Timestamp at) {
  return write([&]() -> Status {
    if (auto s = require_article(article_id); !s) return s;
    auto upsert = m_conn->exec(
        "INSERT INTO article_check (article_id, last_checked) VALUES ($1, $2) ON CONFLICT (article_id) DO UPDATE "
        "SET last_checked = greatest(coalesce(article_check.last_checked, $2), $2)",
        {pg::integer(article_id), pg::time(at)});
    if (!upsert) return upsert.error();
    return {};
  });
}

Status PostgresStore::record_check(const CheckRecord& check) { return record_checks(std::span(&check, 1)); }

Status PostgresStore::record_checks(std::span<const CheckRecord> checks) {
  // In article order, so that two nodes writing overlapping batches lock rows in one order (no
  // deadlock). Stable: of two checks of one article the later still wins.
  std::vector<const CheckRecord*> ordered;
  ordered.reserve(checks.size());
  for (const auto& check : checks) ordered.push_back(&check);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const CheckRecord* a, const CheckRecord* b) { return a->article_id < b->article_id; });
  std::vector<int64_t> ids;
  ids.reserve(ordered.size());
  for (const CheckRecord* check : ordered) ids.push_back(check->article_id);
  const bool repeated = std::adjacent_find(ids.begin(), ids.end()) != ids.end();
  return write([&]() -> Status {
    if (repeated) {  // two checks of one article: one by one, the later wins
      for (const CheckRecord* check : ordered)
        if (auto s = update_check(*check); !s) return s;
    } else if (auto s = update_checks(ordered); !s) {
      return s;
    }
    // A recorded check ends its lease (update_check); the last of an origin's ends this node's hold
    // on it (the daemon records with the node name it claims with).
    return drop_holds(m_options.node, ids);
  });
}

// update_check for checks of distinct articles, set-based: six statements for a tick's batch.
Status PostgresStore::update_checks(std::span<const CheckRecord* const> checks) {
  std::vector<int64_t> ids, ok_ids, error_ids, link_ids, link_times;
  std::vector<std::string_view> ok_urls, etags, modified, hashes, errors, link_urls;
  std::vector<std::optional<int64_t>> next;
  std::vector<int64_t> checked_at;
  for (const CheckRecord* c : checks) {
    ids.push_back(c->article_id);
    checked_at.push_back(to_epoch_ms(c->checked_at));
    next.push_back(c->next_check ? std::optional<int64_t>(to_epoch_ms(*c->next_check)) : std::nullopt);
    if (c->schedule_only) continue;
    if (!c->error.empty()) {
      error_ids.push_back(c->article_id);
      errors.push_back(c->error);
      continue;
    }
    ok_ids.push_back(c->article_id);
    ok_urls.push_back(c->url);
    etags.push_back(c->etag);
    modified.push_back(c->last_modified);
    hashes.push_back(c->body_hash);
    if (!c->url.empty()) {
      link_urls.push_back(c->url);
      link_ids.push_back(c->article_id);
      link_times.push_back(to_epoch_ms(c->checked_at));
    }
  }
  auto missing = m_conn->exec(
      "SELECT i FROM unnest($1::bigint[]) AS i WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = i) LIMIT 1",
      {pg::integers(ids)});
  if (!missing) return missing.error();
  if (missing->size() > 0) return no_article(missing->integer(0, 0));
  if (!ok_ids.empty()) {
    auto updated = m_conn->exec(
        "UPDATE article a SET url = CASE WHEN u.url = '' THEN a.url ELSE u.url END, etag = u.etag, "
        "last_modified = u.lm, body_hash = u.bh, last_error = '' FROM unnest($1::bigint[], $2::text[], $3::text[], "
        "$4::text[], $5::text[]) AS u(id, url, etag, lm, bh) WHERE a.id = u.id",
        {pg::integers(ok_ids), pg::texts(ok_urls), pg::texts(etags), pg::texts(modified), pg::texts(hashes)});
    if (!updated) return updated.error();
  }
  if (!error_ids.empty()) {
    auto updated = m_conn->exec(
        "UPDATE article a SET last_error = u.err FROM unnest($1::bigint[], $2::text[]) AS u(id, err) WHERE a.id = u.id",
        {pg::integers(error_ids), pg::texts(errors)});
    if (!updated) return updated.error();
  }
  auto upsert = m_conn->exec(
      "INSERT INTO article_check (article_id, last_checked, next_check) SELECT * FROM unnest($1::bigint[], "
      "$2::bigint[], $3::bigint[]) ON CONFLICT (article_id) DO UPDATE SET last_checked = excluded.last_checked, "
      "next_check = excluded.next_check, lease_owner = NULL, lease_until = NULL",  // a recorded check ends its lease
      {pg::integers(ids), pg::integers(checked_at), pg::integers(next)});
  if (!upsert) return upsert.error();
  if (!link_ids.empty()) {
    auto link = m_conn->exec(
        "INSERT INTO article_url (url, article_id, first_seen) SELECT * FROM unnest($1::text[], $2::bigint[], "
        "$3::bigint[]) ON CONFLICT DO NOTHING",
        {pg::texts(link_urls), pg::integers(link_ids), pg::integers(link_times)});
    if (!link) return link.error();
  }
  return {};
}

Status PostgresStore::update_check(const CheckRecord& check) {
  if (!check.schedule_only) {
    auto updated = check.error.empty()
                       ? m_conn->exec(
                             "UPDATE article SET url = CASE WHEN $2 = '' THEN url ELSE $2 END, etag = $3, "
                             "last_modified = $4, body_hash = $5, last_error = '' WHERE id = $1",
                             {pg::integer(check.article_id), pg::text(check.url), pg::text(check.etag),
                              pg::text(check.last_modified), pg::text(check.body_hash)})
                       : m_conn->exec("UPDATE article SET last_error = $2 WHERE id = $1",
                                      {pg::integer(check.article_id), pg::text(check.error)});
    if (!updated) return updated.error();
    if (updated->affected() == 0) return no_article(check.article_id);
  } else if (auto s = require_article(check.article_id); !s) {
    return s;
  }
  auto upsert = m_conn->exec(
      "INSERT INTO article_check (article_id, last_checked, next_check) VALUES ($1, $2, $3) "
      "ON CONFLICT (article_id) DO UPDATE SET last_checked = excluded.last_checked, next_check = excluded.next_check, "
      "lease_owner = NULL, lease_until = NULL",  // a recorded check ends its lease
      {pg::integer(check.article_id), pg::time(check.checked_at), pg::optional_time(check.next_check)});
  if (!upsert) return upsert.error();
  if (!check.schedule_only && check.error.empty() && !check.url.empty()) {
    auto link =
        m_conn->exec("INSERT INTO article_url (url, article_id, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {pg::text(check.url), pg::integer(check.article_id), pg::time(check.checked_at)});
    if (!link) return link.error();
  }
  return {};
}

}  // namespace redline
