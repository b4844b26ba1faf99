#include "store/migrations.hpp"

#include <array>
#include <string>

namespace redline::sqlite {

namespace {

// Times are integer epoch milliseconds (UTC). JSON columns are written with nlohmann-json.
constexpr std::string_view k_v1 = R"sql(
CREATE TABLE article (
  id            INTEGER PRIMARY KEY,
  key           TEXT    NOT NULL UNIQUE,
  url           TEXT    NOT NULL,
  first_seen    INTEGER NOT NULL,
  last_checked  INTEGER,
  last_changed  INTEGER,
  next_check    INTEGER,
  state         TEXT    NOT NULL DEFAULT 'active',
  etag          TEXT    NOT NULL DEFAULT '',
  last_modified TEXT    NOT NULL DEFAULT '',
  body_hash     TEXT    NOT NULL DEFAULT '',
  last_error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX article_next_check ON article(next_check);

CREATE TABLE article_url (
  url        TEXT    PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  first_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX article_url_article ON article_url(article_id);

CREATE TABLE version (
  id            INTEGER PRIMARY KEY,
  article_id    INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  captured_at   INTEGER NOT NULL,
  url           TEXT    NOT NULL,
  headline      TEXT    NOT NULL,
  byline        TEXT    NOT NULL,  -- JSON array of author names
  published     INTEGER,
  modified      INTEGER,
  canonical_url TEXT    NOT NULL,
  language      TEXT    NOT NULL,
  site_name     TEXT    NOT NULL,
  blocks        TEXT    NOT NULL,  -- JSON [{"kind": "paragraph", "text": "…"}]
  fingerprint   TEXT    NOT NULL,
  UNIQUE (article_id, captured_at)
);

CREATE TABLE change (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  from_version INTEGER NOT NULL REFERENCES version(id) ON DELETE CASCADE,
  to_version   INTEGER NOT NULL UNIQUE REFERENCES version(id) ON DELETE CASCADE,
  classes      TEXT    NOT NULL,  -- JSON array of class names
  stats        TEXT    NOT NULL   -- JSON object
);
CREATE INDEX change_article ON change(article_id);
CREATE INDEX change_from ON change(from_version);

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  event_id     TEXT    NOT NULL,
  article_id   INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  version_id   INTEGER REFERENCES version(id) ON DELETE CASCADE,
  notifier     TEXT    NOT NULL,
  payload      TEXT    NOT NULL,
  state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error   TEXT    NOT NULL DEFAULT '',
  UNIQUE (event_id, notifier)
);
-- due_outbox(): the oldest pending row per (article, notifier), and pending rows by due time.
CREATE INDEX outbox_pending_chain ON outbox(article_id, notifier, id) WHERE state = 'pending';
CREATE INDEX outbox_pending_due ON outbox(next_attempt) WHERE state = 'pending';
CREATE INDEX outbox_version ON outbox(version_id);
)sql";

// Raw fetched bytes, zstd-compressed and content-addressed: identical pages are stored once.
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE raw_blob (
  id     INTEGER PRIMARY KEY,
  sha256 TEXT    NOT NULL UNIQUE,  -- of the uncompressed bytes
  size   INTEGER NOT NULL,         -- uncompressed size
  data   BLOB    NOT NULL          -- one zstd frame
);
ALTER TABLE version ADD COLUMN raw_sha256 TEXT REFERENCES raw_blob(sha256);
)sql";

// due_outbox() walks pending rows in id order; without this it scanned the whole outbox, delivered
// rows included, which grows without bound.
constexpr std::string_view k_v3 = R"sql(
CREATE INDEX outbox_pending_order ON outbox(id) WHERE state = 'pending';
)sql";

// Garbage collection (SqliteStore::collect_garbage): finding the versions that reference a raw blob,
// and the delivered rows by age, without scanning the tables. The version index also serves the
// foreign-key check SQLite runs when a raw_blob row is deleted.
constexpr std::string_view k_v4 = R"sql(
CREATE INDEX version_raw ON version(raw_sha256) WHERE raw_sha256 IS NOT NULL;
CREATE INDEX outbox_delivered_at ON outbox(delivered_at) WHERE state = 'delivered';
)sql";

// Watches added at run time (CLI, feeds) beside the config's; the article's publication time, for the
// news schedule; a counter that every watch change bumps, so a running daemon notices CLI edits cheaply.
constexpr std::string_view k_v5 = R"sql(
CREATE TABLE watch (
  url        TEXT    PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  every      INTEGER,           -- milliseconds; NULL = the "news" schedule
  source     TEXT    NOT NULL,  -- "cli" or "feed:<name>"
  added_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX watch_article ON watch(article_id);
ALTER TABLE article ADD COLUMN published INTEGER;
UPDATE article SET published = (SELECT v.published FROM version v WHERE v.article_id = article.id
                                ORDER BY v.captured_at DESC LIMIT 1);
CREATE TABLE counter (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counter (name, value) VALUES ('watches', 0);
)sql";

// The two times every check rewrites (last_checked, next_check) move to a narrow table of their own:
// a tick's bookkeeping then dirties a few pages of small rows instead of one page of the wide article
// table per check (a million watches: 20 MB instead of 150 MB rewritten per batch). No query used the
// next_check index, and keeping it up to date doubled the writes.
constexpr std::string_view k_v6 = R"sql(
CREATE TABLE article_check (
  article_id   INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
  last_checked INTEGER,
  next_check   INTEGER
);
INSERT INTO article_check (article_id, last_checked, next_check)
  SELECT id, last_checked, next_check FROM article WHERE last_checked IS NOT NULL OR next_check IS NOT NULL;
DROP INDEX article_next_check;
ALTER TABLE article DROP COLUMN last_checked;
ALTER TABLE article DROP COLUMN next_check;
)sql";

// The read side of the API (lib/api, store/sqlite_read_model.cpp): every event (change, deleted,
// redirected, restored) kept for good in `event` (copied by a trigger from its first outbox row, so the
// write path stays as it was and the history outlives the outbox's garbage collection); headline search
// in any language (FTS5 trigrams need no word breaker, so Chinese works); articles by last change; and
// counts by state kept by triggers, so /metrics reads a few rows however large the store grows.
constexpr std::string_view k_v7 = R"sql(
CREATE TABLE event (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- recording order: the API's keyset cursor
  event_id   TEXT    NOT NULL UNIQUE,
  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  version_id INTEGER,
  type       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  payload    TEXT    NOT NULL  -- the webhook envelope, as rendered for the outbox
);
CREATE INDEX event_article ON event(article_id, id);
CREATE INDEX event_created ON event(created_at);
INSERT OR IGNORE INTO event (event_id, article_id, version_id, type, created_at, payload)
  SELECT event_id, article_id, version_id, coalesce(json_extract(payload, '$.type'), ''), created_at, payload
  FROM outbox ORDER BY id;
CREATE TRIGGER outbox_records_event AFTER INSERT ON outbox BEGIN
  INSERT OR IGNORE INTO event (event_id, article_id, version_id, type, created_at, payload)
  VALUES (new.event_id, new.article_id, new.version_id, coalesce(json_extract(new.payload, '$.type'), ''),
          new.created_at, new.payload);
END;

CREATE VIRTUAL TABLE headline_search USING fts5(headline, content='version', content_rowid='id', tokenize='trigram');
INSERT INTO headline_search (headline_search) VALUES ('rebuild');
CREATE TRIGGER version_search_insert AFTER INSERT ON version BEGIN
  INSERT INTO headline_search (rowid, headline) VALUES (new.id, new.headline);
END;
CREATE TRIGGER version_search_delete AFTER DELETE ON version BEGIN
  INSERT INTO headline_search (headline_search, rowid, headline) VALUES ('delete', old.id, old.headline);
END;
CREATE TRIGGER version_search_update AFTER UPDATE OF headline ON version BEGIN
  INSERT INTO headline_search (headline_search, rowid, headline) VALUES ('delete', old.id, old.headline);
  INSERT INTO headline_search (rowid, headline) VALUES (new.id, new.headline);
END;

CREATE INDEX article_recent ON article(coalesce(last_changed, -1), id);

INSERT OR REPLACE INTO counter (name, value) VALUES
  ('outbox:pending', (SELECT count(*) FROM outbox WHERE state = 'pending')),
  ('outbox:delivered', (SELECT count(*) FROM outbox WHERE state = 'delivered')),
  ('outbox:dead', (SELECT count(*) FROM outbox WHERE state = 'dead')),
  ('articles:active', (SELECT count(*) FROM article WHERE state = 'active')),
  ('articles:deleted', (SELECT count(*) FROM article WHERE state = 'deleted')),
  ('articles:redirected', (SELECT count(*) FROM article WHERE state = 'redirected'));
CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
  UPDATE counter SET value = value + 1 WHERE name = 'outbox:' || new.state;
END;
CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
  UPDATE counter SET value = value - 1 WHERE name = 'outbox:' || old.state;
END;
CREATE TRIGGER outbox_count_update AFTER UPDATE OF state ON outbox WHEN old.state <> new.state BEGIN
  UPDATE counter SET value = value - 1 WHERE name = 'outbox:' || old.state;
  UPDATE counter SET value = value + 1 WHERE name = 'outbox:' || new.state;
END;
CREATE TRIGGER article_count_insert AFTER INSERT ON article BEGIN
  UPDATE counter SET value = value + 1 WHERE name = 'articles:' || new.state;
END;
CREATE TRIGGER article_count_delete AFTER DELETE ON article BEGIN
  UPDATE counter SET value = value - 1 WHERE name = 'articles:' || old.state;
END;
CREATE TRIGGER article_count_update AFTER UPDATE OF state ON article WHEN old.state <> new.state BEGIN
  UPDATE counter SET value = value - 1 WHERE name = 'articles:' || old.state;
  UPDATE counter SET value = value + 1 WHERE name = 'articles:' || new.state;
END;
)sql";

// Headline A/B tests (monitor/headline_test.hpp): the running test of an article, one row while it
// runs, deleted when it ends. The state is the monitor's JSON; the store does not read it.
constexpr std::string_view k_v8 = R"sql(
CREATE TABLE headline_test (
  article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
  state      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql";

constexpr std::array k_migrations = {Migration{1, k_v1}, Migration{2, k_v2}, Migration{3, k_v3}, Migration{4, k_v4},
                                     Migration{5, k_v5}, Migration{6, k_v6}, Migration{7, k_v7}, Migration{8, k_v8}};

}  // namespace

std::span<const Migration> store_migrations() { return k_migrations; }
int latest_schema_version() { return k_migrations.back().version; }

Status migrate(SqliteDb& db, std::span<const Migration> migrations, int target) {
  auto current = db.query_int("PRAGMA user_version");
  if (!current) return current.error();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > newest)
    return make_error(Errc::io, "store " + db.path().string() + " has schema version " + std::to_string(*current) +
                                    ", newer than this program knows (" + std::to_string(newest) +
                                    "); upgrade redline");
  for (const auto& migration : migrations) {
    if (migration.version <= *current || migration.version > target) continue;
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    // Re-read inside the write lock: another process may have migrated meanwhile.
    auto now = db.query_int("PRAGMA user_version");
    if (!now) return now.error();
    if (*now >= migration.version) continue;
    if (auto s = db.exec(migration.sql); !s)
      return make_error(s.error().code, "migration " + std::to_string(migration.version) + ": " + s.error().message);
    if (auto s = db.exec("PRAGMA user_version = " + std::to_string(migration.version)); !s) return s;
    if (auto s = tx->commit(); !s) return s;
  }
  return {};
}

}  // namespace redline::sqlite
