// Schema migrations: an old file is brought forward with its data; failures change nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "store/migrations.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using sqlite::Migration;
using sqlite::SqliteDb;

class MigrationTest : public StoreTest {
 protected:
  SqliteDb raw_db() {
    auto db = SqliteDb::open(db_path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    EXPECT_TRUE(db.ok());
    return std::move(*db);
  }
};

TEST_F(MigrationTest, AVersionOneStoreIsMigratedWithItsData) {
  {
    SqliteDb db = raw_db();
    ASSERT_TRUE(sqlite::migrate(db, sqlite::store_migrations(), 1).ok());
    ASSERT_EQ(*db.query_int("PRAGMA user_version"), 1);
    // Data as the version-1 program wrote it.
    ASSERT_TRUE(db.exec(R"sql(
      INSERT INTO article (id, key, url, first_seen, last_changed) VALUES (7, 'old:1', 'https://old.example/1', 1000, 2000);
      INSERT INTO article_url (url, article_id, first_seen) VALUES ('https://old.example/1', 7, 1000);
      INSERT INTO version (id, article_id, captured_at, url, headline, byline, published, modified, canonical_url,
                           language, site_name, blocks, fingerprint)
        VALUES (3, 7, 2000, 'https://old.example/1', '旧标题', '["Ann"]', NULL, 1500, '', 'zh', '',
                '[{"kind":"paragraph","text":"正文"}]', 'fp');
      INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, created_at, next_attempt)
        VALUES ('e1', 7, 3, 'hook', '{}', 2000, 2000);
    )sql")
                    .ok());
  }
  // A read-only open cannot migrate, and says so.
  auto ro = SqliteStore::open(db_path(), OpenMode::read_only);
  ASSERT_FALSE(ro.ok());
  EXPECT_NE(ro.error().message.find("schema version 1"), std::string::npos) << ro.error().message;

  auto store = SqliteStore::open(db_path(), OpenMode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*(*store)->schema_version(), sqlite::latest_schema_version());
  EXPECT_GT(sqlite::latest_schema_version(), 1);

  auto article = (*store)->find_article("https://old.example/1");
  ASSERT_TRUE(article.ok() && article->has_value());
  EXPECT_EQ((*article)->id, 7);
  EXPECT_EQ((*article)->version_count, 1);
  auto versions = (*store)->versions(7);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->front().content.headline, "旧标题");
  EXPECT_EQ(versions->front().content.authors, std::vector<std::string>{"Ann"});
  EXPECT_EQ(versions->front().content.modified, from_epoch_ms(1500));
  EXPECT_EQ(versions->front().raw_sha256, "");
  EXPECT_EQ((*store)->due_outbox(from_epoch_ms(3000), 10)->size(), 1u);

  // What the newer schema adds works on the migrated file.
  NewVersion v = make_version(7, from_epoch_ms(4000), "new");
  v.change = make_change(3);
  v.raw = "<html>raw</html>";
  auto id = (*store)->add_version(v);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto latest = (*store)->latest_version(7);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(*(*store)->get_raw((*latest)->raw_sha256).value(), "<html>raw</html>");
  EXPECT_EQ(*(*store)->integrity_check(), "ok");
}

// Every schema a released program wrote, with data, is brought to the newest with nothing lost.
class EveryOlderSchema : public MigrationTest, public ::testing::WithParamInterface<int> {};

TEST_P(EveryOlderSchema, OpensWithTheNewestCodeAndKeepsItsData) {
  const int old_version = GetParam();
  {
    SqliteDb db = raw_db();
    ASSERT_TRUE(sqlite::migrate(db, sqlite::store_migrations(), old_version).ok());
    // Schema 6 moved the check times to article_check.
    const char* article_sql =
        "INSERT INTO article (id, key, url, first_seen, last_checked, last_changed, next_check, etag, body_hash) "
        "VALUES (5, 'dw.com:1', 'https://www.dw.com/zh/x/a-1', 1000, 4000, 3000, 9000, '\"e\"', 'h');";
    const char* article_sql_v6 =
        "INSERT INTO article (id, key, url, first_seen, last_changed, etag, body_hash) "
        "VALUES (5, 'dw.com:1', 'https://www.dw.com/zh/x/a-1', 1000, 3000, '\"e\"', 'h');"
        "INSERT INTO article_check (article_id, last_checked, next_check) VALUES (5, 4000, 9000);";
    ASSERT_TRUE(db.exec(old_version >= 6 ? article_sql_v6 : article_sql).ok());
    ASSERT_EQ(*db.query_int("PRAGMA user_version"), old_version);
    ASSERT_TRUE(db.exec(R"sql(
      INSERT INTO article_url (url, article_id, first_seen) VALUES ('https://www.dw.com/zh/x/a-1', 5, 1000);
      INSERT INTO article_url (url, article_id, first_seen) VALUES ('https://www.dw.com/zh/y/a-1', 5, 3000);
      INSERT INTO version (id, article_id, captured_at, url, headline, byline, published, modified, canonical_url,
                           language, site_name, blocks, fingerprint)
        VALUES (1, 5, 2000, 'https://www.dw.com/zh/x/a-1', '旧', '[]', 1500, NULL, '', 'zh', 'DW',
                '[{"kind":"paragraph","text":"一"}]', 'fp1'),
               (2, 5, 3000, 'https://www.dw.com/zh/y/a-1', '新', '["Ann"]', 1500, 2500, '', 'zh', 'DW',
                '[{"kind":"heading","text":"二"},{"kind":"paragraph","text":"三"}]', 'fp2');
      INSERT INTO change (article_id, from_version, to_version, classes, stats)
        VALUES (5, 1, 2, '["headline","body"]', '{"words_added":2}');
      INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, state, attempts, created_at,
                          next_attempt, delivered_at)
        VALUES ('e1', 5, 2, 'hook', '{"n":1}', 'delivered', 1, 3000, 3000, 3100),
               ('e1', 5, 2, 'difflog', '{"n":1}', 'pending', 2, 3000, 3500, NULL);
    )sql")
                    .ok());
    if (old_version >= 2) {
      ASSERT_TRUE(db.exec("INSERT INTO raw_blob (sha256, size, data) VALUES ('abc', 3, x'00');"
                          "UPDATE version SET raw_sha256 = 'abc' WHERE id = 2;")
                      .ok());
    }
  }
  auto store = SqliteStore::open(db_path(), OpenMode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().message;
  SqliteStore& s = **store;
  EXPECT_EQ(*s.schema_version(), sqlite::latest_schema_version());
  EXPECT_EQ(*s.integrity_check(), "ok");

  auto article = s.find_article("https://www.dw.com/zh/y/a-1");
  ASSERT_TRUE(article.ok() && article->has_value());
  EXPECT_EQ((*article)->key, "dw.com:1");
  EXPECT_EQ((*article)->version_count, 2);
  EXPECT_EQ((*article)->next_check, from_epoch_ms(9000));
  EXPECT_EQ((*article)->etag, "\"e\"");
  auto versions = s.versions(5);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].content.headline, "新");
  EXPECT_EQ((*versions)[1].content.authors, std::vector<std::string>{"Ann"});
  EXPECT_EQ((*versions)[1].content.blocks,
            (std::vector<Block>{{BlockKind::heading, "二"}, {BlockKind::paragraph, "三"}}));
  EXPECT_EQ((*versions)[1].raw_sha256, old_version >= 2 ? "abc" : "");
  auto changes = s.changes(5);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().classes, (std::vector<std::string>{"headline", "body"}));
  EXPECT_EQ(s.list_outbox(OutboxState::delivered)->size(), 1u);
  auto due = s.due_outbox(from_epoch_ms(4000), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().notifier, "difflog");
  EXPECT_EQ(due->front().attempts, 2);

  // The newest code's writes and maintenance work on the migrated file.
  NewVersion v = make_version(5, from_epoch_ms(5000), "later");
  v.change = make_change(2);
  v.raw = "<p>later</p>";
  ASSERT_TRUE(s.add_version(v).ok());
  GcOptions gc;
  gc.delivered_before = from_epoch_ms(4000);
  EXPECT_EQ(s.collect_garbage(gc)->outbox_rows, 1);
  EXPECT_EQ(*s.retry_outbox("e1", "", from_epoch_ms(6000)), 1);
  EXPECT_EQ(*s.integrity_check(), "ok");
}

INSTANTIATE_TEST_SUITE_P(Schemas, EveryOlderSchema, ::testing::Range(1, sqlite::latest_schema_version()));

TEST_F(MigrationTest, MigratingTwiceIsANoOp) {
  ASSERT_TRUE(open_store());
  auto again = open_store();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->schema_version(), sqlite::latest_schema_version());
}

TEST_F(MigrationTest, ANewerSchemaIsRefused) {
  {
    SqliteDb db = raw_db();
    ASSERT_TRUE(db.exec("PRAGMA user_version = 999").ok());
  }
  for (auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    auto store = SqliteStore::open(db_path(), mode);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_NE(store.error().message.find("999"), std::string::npos) << store.error().message;
  }
}

TEST_F(MigrationTest, AFailingMigrationLeavesThePreviousVersion) {
  constexpr std::array migrations = {
      Migration{1, "CREATE TABLE one (x INTEGER);"},
      Migration{2, "CREATE TABLE two (x INTEGER); CREATE TABLE two (y INTEGER);"},  // fails half-way
  };
  SqliteDb db = raw_db();
  auto s = sqlite::migrate(db, migrations, 2);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("migration 2"), std::string::npos) << s.error().message;
  EXPECT_EQ(*db.query_int("PRAGMA user_version"), 1);
  EXPECT_EQ(*db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'one'"), 1);
  EXPECT_EQ(*db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'two'"), 0);
}

TEST_F(MigrationTest, AnEmptyFileIsNotAStoreForReaders) {
  { std::ofstream touch(db_path()); }
  auto store = SqliteStore::open(db_path(), OpenMode::read_only);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::io);
  EXPECT_NE(store.error().message.find("not a redline store"), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace redline::testing
