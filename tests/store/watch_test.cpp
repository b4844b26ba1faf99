// Run-time watches, article re-keying, batched bookkeeping and the schema 5 and 6 migrations.
#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class SqliteWatchStoreTest : public StoreTest {};

class WatchStoreTest : public StoreContractTest {};

TEST_P(WatchStoreTest, WatchesAreAddedOnceListedWithTheirArticleTimesAndRemoved) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const int64_t generation = *store->watch_generation();
  auto a = store->ensure_article("k:1", "https://example.com/1", at_ms(1000));
  ASSERT_TRUE(a);
  EXPECT_TRUE(*store->add_watch({"https://example.com/1", a->id, std::nullopt, "feed:world", at_ms(1000), {}, {}}));
  EXPECT_FALSE(*store->add_watch({"https://example.com/1", a->id, 5min, "cli", at_ms(2000), {}, {}}));  // kept as was
  EXPECT_EQ(*store->watch_generation(), generation + 1);
  EXPECT_EQ(store->add_watch({"https://example.com/x", 999, 5min, "cli", at_ms(2000), {}, {}}).error().code,
            Errc::not_found);

  NewVersion first = make_version(a->id, at_ms(3000), "first");
  first.content.published = at_ms(500);
  ASSERT_TRUE(store->add_version(first));
  ASSERT_TRUE(store->record_check({a->id, at_ms(3000), at_ms(9000), "", "", "", "", "", false}));
  auto listed = store->list_watches();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  const WatchRecord& w = listed->front();
  EXPECT_EQ(w.url, "https://example.com/1");
  EXPECT_FALSE(w.every);  // the news schedule
  EXPECT_EQ(w.source, "feed:world");
  EXPECT_EQ(w.times.first_seen, at_ms(1000));
  EXPECT_EQ(w.times.published, at_ms(500));
  EXPECT_FALSE(w.times.last_change);  // the first version is not a change
  EXPECT_EQ(w.times.next_check, at_ms(9000));

  NewVersion second = make_version(a->id, at_ms(4000), "second");
  ASSERT_TRUE(store->add_version(second));
  EXPECT_EQ(store->list_watches()->front().times.last_change, at_ms(4000));
  EXPECT_FALSE(store->list_watches()->front().times.published);  // the newest version gave no date

  EXPECT_TRUE(*store->remove_watch("https://example.com/1"));
  EXPECT_FALSE(*store->remove_watch("https://example.com/1"));
  EXPECT_EQ(*store->watch_generation(), generation + 2);
  EXPECT_TRUE(store->list_watches()->empty());
  EXPECT_EQ(store->versions(a->id)->size(), 2u);  // the history stays
}

TEST_P(WatchStoreTest, AnArticleIsReKeyedOnlyToAFreeKey) {
  auto store = open_store();
  auto a = store->ensure_article("https://example.com/story?id=1", "https://example.com/story?id=1", at_ms(0));
  auto b = store->ensure_article("https://example.com/taken", "https://example.com/taken", at_ms(0));
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(*store->rekey_article(a->id, "https://example.com/taken"));
  EXPECT_TRUE(*store->rekey_article(a->id, "https://example.com/the-story"));
  auto found = store->find_article("https://example.com/story?id=1");  // old URLs still find it
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->key, "https://example.com/the-story");
  EXPECT_EQ(store->rekey_article(12345, "x").error().code, Errc::not_found);
}

TEST_P(WatchStoreTest, ManyArticlesAndChecksAreWrittenInOneGo) {
  auto store = open_store();
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 500; ++i) keys.emplace_back("k:" + std::to_string(i), "https://example.com/" + std::to_string(i));
  keys.emplace_back("k:0", "https://example.com/0-again");  // an existing key gets the URL too
  auto articles = store->ensure_articles(keys, at_ms(100));
  ASSERT_TRUE(articles);
  ASSERT_EQ(articles->size(), 501u);
  EXPECT_EQ((*articles)[500].id, (*articles)[0].id);
  std::vector<CheckRecord> checks;
  for (const auto& a : *articles) checks.push_back({a.id, at_ms(200), at_ms(900), "", "\"e\"", "", "h", "", false});
  checks.push_back({999999, at_ms(200), at_ms(900), "", "", "", "", "", true});  // unknown: all or nothing
  EXPECT_EQ(store->record_checks(checks).error().code, Errc::not_found);
  EXPECT_FALSE((*store->find_article("k:1"))->last_checked);
  checks.pop_back();
  ASSERT_TRUE(store->record_checks(checks));
  EXPECT_EQ((*store->find_article("k:1"))->next_check, at_ms(900));
  EXPECT_EQ((*store->find_article("https://example.com/0-again"))->etag, "\"e\"");
}

TEST_F(SqliteWatchStoreTest, SchemaFiveBackfillsPublicationTimes) {
  {
    auto db = sqlite::SqliteDb::open(db_path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db);
    ASSERT_TRUE(sqlite::migrate(*db, sqlite::store_migrations(), 3));
    ASSERT_TRUE(db->exec(R"sql(
      INSERT INTO article (id, key, url, first_seen, last_changed) VALUES (7, 'old:1', 'https://old.example/1', 1000, 3000);
      INSERT INTO version (id, article_id, captured_at, url, headline, byline, published, modified, canonical_url,
                           language, site_name, blocks, fingerprint)
        VALUES (3, 7, 2000, 'https://old.example/1', 'a', '[]', 100, NULL, '', '', '', '[]', 'fp1'),
               (4, 7, 3000, 'https://old.example/1', 'b', '[]', 150, NULL, '', '', '', '[]', 'fp2');
    )sql"));
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ((*store->find_article("old:1"))->published, from_epoch_ms(150));
  EXPECT_EQ(*store->watch_generation(), 0);
  EXPECT_TRUE(store->list_watches()->empty());
}

TEST_P(WatchStoreTest, AScheduleOnlyCheckWritesTheTimesAndNothingElse) {
  auto store = open_store();
  auto a = store->ensure_article("k:1", "https://example.com/1", at_ms(0));
  auto b = store->ensure_article("k:2", "https://example.com/2", at_ms(0));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(
      store->record_check({a->id, at_ms(100), at_ms(500), "https://example.com/1", "\"e1\"", "lm", "h1", "", false}));
  // The store ignores the strings of a schedule-only check; of two checks of one article in a batch
  // the later wins, whatever the order of the ids.
  std::vector<CheckRecord> batch;
  batch.push_back({b->id, at_ms(200), at_ms(700), "", "", "", "", "", true});
  batch.push_back({a->id, at_ms(200), at_ms(800), "https://elsewhere.example/", "\"e2\"", "", "", "boom", true});
  batch.push_back({a->id, at_ms(300), at_ms(900), "", "", "", "", "", true});
  ASSERT_TRUE(store->record_checks(batch));
  const ArticleRecord r = **store->find_article("k:1");
  EXPECT_EQ(r.last_checked, at_ms(300));
  EXPECT_EQ(r.next_check, at_ms(900));
  EXPECT_EQ(r.url, "https://example.com/1");
  EXPECT_EQ(r.etag, "\"e1\"");
  EXPECT_EQ(r.last_modified, "lm");
  EXPECT_EQ(r.body_hash, "h1");
  EXPECT_EQ(r.last_error, "");
  EXPECT_FALSE(store->find_article("https://elsewhere.example/")->has_value());
  EXPECT_EQ((*store->find_article("k:2"))->next_check, at_ms(700));
  // note_seen moves last_checked forward only, and keeps the next check.
  ASSERT_TRUE(store->note_seen(a->id, at_ms(250)));
  ASSERT_TRUE(store->note_seen(b->id, at_ms(250)));
  EXPECT_EQ((*store->find_article("k:1"))->last_checked, at_ms(300));
  EXPECT_EQ((*store->find_article("k:2"))->last_checked, at_ms(250));
  EXPECT_EQ((*store->find_article("k:2"))->next_check, at_ms(700));
  EXPECT_EQ(store->note_seen(999, at_ms(1)).error().code, Errc::not_found);
}

TEST_P(WatchStoreTest, ListedWatchesCarryWhatACheckNeedsFromTheirArticle) {
  auto store = open_store();
  auto a = store->ensure_article("k:1", "https://example.com/1", at_ms(0));
  ASSERT_TRUE(a);
  ASSERT_TRUE(*store->add_watch({"https://example.com/1", a->id, std::nullopt, "cli", at_ms(0), {}, {}}));
  ASSERT_TRUE(store->record_check({a->id, at_ms(100), at_ms(500), "", "\"e1\"", "lm", "h1", "", false}));
  CheckBasis basis = store->list_watches()->front().basis;
  EXPECT_TRUE(basis.quiet);
  EXPECT_EQ(basis.etag, "");  // no version yet: nothing to send
  ASSERT_TRUE(store->add_version(make_version(a->id, at_ms(100), "first")));
  basis = store->list_watches()->front().basis;
  EXPECT_EQ(basis.etag, "\"e1\"");
  EXPECT_EQ(basis.last_modified, "lm");
  const ArticleRecord article = **store->find_article("k:1");
  EXPECT_EQ(check_basis_of(article, "https://example.com/1").etag, basis.etag);
  EXPECT_TRUE(check_basis_of(article, "https://example.com/1").quiet);
  EXPECT_FALSE(check_basis_of(article, "https://example.com/other").quiet);  // last fetched elsewhere

  ASSERT_TRUE(store->record_check({a->id, at_ms(200), at_ms(500), "", "", "", "", "http 503", false}));
  basis = store->list_watches()->front().basis;
  EXPECT_FALSE(basis.quiet);  // the last check failed
  EXPECT_EQ(basis.etag, "\"e1\"");
}

TEST_P(WatchStoreTest, TheDataVersionChangesWhenAnotherConnectionWrites) {
  auto store = open_store();
  auto other = open_store();
  ASSERT_TRUE(store && other);
  const int64_t before = *store->data_version();
  auto a = store->ensure_article("k:1", "https://example.com/1", at_ms(0));
  ASSERT_TRUE(a);
  EXPECT_EQ(*store->data_version(), before);  // its own write
  ASSERT_TRUE(other->record_check({a->id, at_ms(100), at_ms(500), "", "\"e\"", "", "", "", false}));
  EXPECT_NE(*store->data_version(), before);
}

TEST_F(SqliteWatchStoreTest, SchemaSixMovesTheCheckTimesToTheirOwnTable) {
  {
    auto db = sqlite::SqliteDb::open(db_path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db);
    ASSERT_TRUE(sqlite::migrate(*db, sqlite::store_migrations(), 5));
    ASSERT_TRUE(db->exec(R"sql(
      INSERT INTO article (id, key, url, first_seen, last_checked, next_check) VALUES (7, 'old:1', 'https://old.example/1', 1000, 2000, 9000);
      INSERT INTO article (id, key, url, first_seen) VALUES (8, 'old:2', 'https://old.example/2', 1000);
    )sql"));
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  const ArticleRecord checked = **store->find_article("old:1");
  EXPECT_EQ(checked.last_checked, from_epoch_ms(2000));
  EXPECT_EQ(checked.next_check, from_epoch_ms(9000));
  const ArticleRecord never = **store->find_article("old:2");
  EXPECT_FALSE(never.last_checked);
  EXPECT_FALSE(never.next_check);
  ASSERT_TRUE(store->record_check({never.id, from_epoch_ms(3000), from_epoch_ms(4000), "", "", "", "", "", true}));
  EXPECT_EQ((*store->find_article("old:2"))->next_check, from_epoch_ms(4000));
}

INSTANTIATE_STORE_CONTRACT(WatchStoreTest);

}  // namespace
}  // namespace redline::testing
