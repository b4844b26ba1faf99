// SqliteStore: writing versions with their change and outbox rows, in one transaction.
#include "store/record_codec.hpp"
#include "store/sqlite_store.hpp"

namespace redline {

using sqlite::Transaction;

Result<int64_t> SqliteStore::add_version(const NewVersion& version) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  auto id = insert_version(version);
  if (!id) return id.error();  // ~Transaction rolls back
  if (auto s = tx->commit(); !s) return s.error();
  return *id;
}

Status SqliteStore::begin_group() {
  if (auto s = require_writable(); !s) return s;
  if (m_group) return make_error(Errc::internal, "store: begin_group() inside a group");
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return tx.error();
  m_group.emplace(std::move(*tx));
  m_db.set_grouped(true);
  return {};
}

Status SqliteStore::commit_group() {
  if (!m_group) return {};
  m_db.set_grouped(false);
  Status s = m_group->commit();
  m_group.reset();  // rolls back when the commit failed
  return s;
}

Result<std::vector<int64_t>> SqliteStore::add_versions(std::span<const NewVersion> versions) {
  if (auto s = require_writable(); !s) return s.error();
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  std::vector<int64_t> ids;
  ids.reserve(versions.size());
  for (const auto& v : versions) {
    auto id = insert_version(v);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  if (auto s = tx->commit(); !s) return s.error();
  return ids;
}

// Inside an open transaction: the version, its change, its outbox rows and the article's bookkeeping.
Result<int64_t> SqliteStore::insert_version(const NewVersion& version) {
  const std::string article = std::to_string(version.article_id);
  {
    auto exists = m_cache.use("SELECT 1 FROM article WHERE id = ?1");
    if (!exists) return exists.error();
    (*exists)->bind(1, version.article_id);
    auto row = (*exists)->step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::not_found, "no article with id " + article);
  }
  if (version.expected_latest) {
    auto latest = latest_version_id(version.article_id);
    if (!latest) return latest.error();
    if (*latest != *version.expected_latest) return stale_latest_error(version, *latest);
  }
  if (version.change) {
    const auto& c = *version.change;
    if (c.article_id != 0 && c.article_id != version.article_id)
      return make_error(Errc::invalid_input,
                        "change is for article " + std::to_string(c.article_id) + ", version for article " + article);
    auto owner = m_cache.use("SELECT article_id FROM version WHERE id = ?1");
    if (!owner) return owner.error();
    (*owner)->bind(1, c.from_version);
    auto row = (*owner)->step();
    if (!row) return row.error();
    if (!*row || (*owner)->column_int(0) != version.article_id)
      return make_error(Errc::invalid_input, "change.from_version " + std::to_string(c.from_version) +
                                                 " is not a version of article " + article);
  }
  for (const auto& o : version.outbox)
    if (o.article_id != 0 && o.article_id != version.article_id)
      return make_error(Errc::invalid_input, "outbox event " + o.event_id + " is for article " +
                                                 std::to_string(o.article_id) + ", version for article " + article);

  std::string raw_hash;
  if (version.packed_raw || !version.raw.empty()) {
    auto hash = put_raw_locked(version.raw, version.packed_raw ? &*version.packed_raw : nullptr);
    if (!hash) return hash.error();
    raw_hash = std::move(*hash);
  }

  int64_t id = 0;
  {
    auto insert = m_cache.use(
        "INSERT INTO version (article_id, captured_at, url, headline, byline, published, modified, canonical_url, "
        "language, site_name, blocks, fingerprint, raw_sha256) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!insert) return insert.error();
    auto& s = **insert;
    const Article& a = version.content;
    s.bind(1, version.article_id);
    s.bind(2, version.captured_at);
    s.bind(3, version.url);
    s.bind(4, a.headline);
    s.bind(5, store_codec::encode_strings(a.authors));
    s.bind(6, a.published);
    s.bind(7, a.modified);
    s.bind(8, a.canonical_url);
    s.bind(9, a.language);
    s.bind(10, a.site_name);
    s.bind(11, store_codec::encode_blocks(a.blocks));
    s.bind(12, version.fingerprint);
    if (raw_hash.empty())
      s.bind_null(13);
    else
      s.bind(13, raw_hash);
    if (auto r = s.run(); !r) {
      if (r.error().code != Errc::invalid_input) return r.error();
      return make_error(Errc::invalid_input, "article " + article + " already has a version captured at " +
                                                 format_rfc3339(version.captured_at) + " (" + r.error().message + ")");
    }
    id = sqlite3_last_insert_rowid(m_db.get());
  }
  if (version.change) {
    auto insert = m_cache.use(
        "INSERT INTO change (article_id, from_version, to_version, classes, stats) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert) return insert.error();
    (*insert)->bind(1, version.article_id);
    (*insert)->bind(2, version.change->from_version);
    (*insert)->bind(3, id);
    (*insert)->bind(4, store_codec::encode_strings(version.change->classes));
    (*insert)->bind(5, version.change->stats_json.empty() ? std::string("{}") : version.change->stats_json);
    if (auto r = (*insert)->run(); !r) return r.error();
  }
  for (const auto& o : version.outbox)
    if (auto r = insert_outbox(o, version.article_id, id, version.captured_at); !r) return r.error();
  {
    // The newest version's publication time feeds the news schedule.
    auto update = m_cache.use(
        "UPDATE article SET published = CASE WHEN last_changed IS NULL OR ?2 >= last_changed THEN ?3 ELSE published "
        "END, last_changed = max(coalesce(last_changed, ?2), ?2) WHERE id = ?1");
    if (!update) return update.error();
    (*update)->bind(1, version.article_id);
    (*update)->bind(2, version.captured_at);
    (*update)->bind(3, version.content.published);
    if (auto r = (*update)->run(); !r) return r.error();
  }
  if (!version.url.empty()) {
    auto link = m_cache.use("INSERT OR IGNORE INTO article_url (url, article_id, first_seen) VALUES (?1, ?2, ?3)");
    if (!link) return link.error();
    (*link)->bind(1, version.url);
    (*link)->bind(2, version.article_id);
    (*link)->bind(3, version.captured_at);
    if (auto r = (*link)->run(); !r) return r.error();
  }
  return id;
}

// Inside an open transaction. version_id 0 is stored as NULL.
Status SqliteStore::insert_outbox(const OutboxEntry& o, int64_t article_id, int64_t version_id,
                                  Timestamp default_time) {
  if (o.article_id != 0 && o.article_id != article_id)
    return make_error(Errc::invalid_input, "outbox event " + o.event_id + " is for article " +
                                               std::to_string(o.article_id) + ", not " + std::to_string(article_id));
  auto insert = m_cache.use(
      "INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, created_at, next_attempt) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return insert.error();
  const Timestamp created = o.created_at == Timestamp{} ? default_time : o.created_at;
  (*insert)->bind(1, o.event_id);
  (*insert)->bind(2, article_id);
  if (version_id != 0)
    (*insert)->bind(3, version_id);
  else
    (*insert)->bind_null(3);
  (*insert)->bind(4, o.notifier);
  (*insert)->bind(5, o.payload);
  (*insert)->bind(6, created);
  (*insert)->bind(7, o.next_attempt == Timestamp{} ? created : o.next_attempt);
  if (auto r = (*insert)->run(); !r) {
    if (r.error().code != Errc::invalid_input) return r;
    return make_error(Errc::invalid_input, "outbox event " + o.event_id + " for notifier " + o.notifier +
                                               " already exists (" + r.error().message + ")");
  }
  return {};
}

Status SqliteStore::record_state(const StateChange& change) {
  if (auto s = require_writable(); !s) return s;
  if (change.state != "active" && change.state != "deleted" && change.state != "redirected")
    return make_error(Errc::invalid_input, "unknown article state \"" + change.state + "\"");
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  {
    auto update = m_cache.use("UPDATE article SET state = ?2 WHERE id = ?1");
    if (!update) return update.error();
    (*update)->bind(1, change.article_id);
    (*update)->bind(2, change.state);
    if (auto r = (*update)->run(); !r) return r;
    if (sqlite3_changes(m_db.get()) == 0)
      return make_error(Errc::not_found, "no article with id " + std::to_string(change.article_id));
  }
  for (const auto& o : change.outbox)
    if (auto r = insert_outbox(o, change.article_id, 0, change.at); !r) return r;
  return tx->commit();
}

}  // namespace redline
