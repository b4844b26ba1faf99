// `redline store copy` (the real CLI) from a real SQLite store into the `postgres` fixture's
// PostgreSQL: an interrupted copy (the server refuses a version half-way) continues when run again,
// writes nothing twice, and ends with equal counts; the copied store reads back the same and takes
// new rows after the copied ids; a target that holds other articles is refused.
#include <gtest/gtest.h>

#include "integration/redline_env.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_target.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

Timestamp at(int64_t s) { return from_epoch_ms(1'700'000'000'000 + s * 1000); }

NewVersion version_of(int64_t article, int n, std::optional<ChangeRecord> change, int64_t minute) {
  NewVersion v;
  v.article_id = article;
  v.captured_at = at(minute * 60);
  v.url = "https://news.example/a/" + std::to_string(article);
  v.content.headline = "Headline " + std::to_string(article) + " take " + std::to_string(n);
  v.content.authors = {"Ann Reporter"};
  v.content.language = "en";
  v.content.blocks = {{BlockKind::paragraph, "Paragraph of article " + std::to_string(article) + ", revision " +
                                                 std::to_string(n) + ", with ünïcode."}};
  v.fingerprint = "fp-" + std::to_string(article) + "-" + std::to_string(n);
  v.change = std::move(change);
  OutboxEntry row;
  row.event_id = "ev-" + std::to_string(article) + "-" + std::to_string(n);
  row.notifier = "hook";
  row.payload = R"({"type":"article.changed"})";
  v.outbox.push_back(std::move(row));
  v.raw = "<html><body>article " + std::to_string(article) + " revision " + std::to_string(n) + "</body></html>";
  return v;
}

class StoreCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
    env.write_config("[store]\npath = \"state/redline.db\"\n");
    // 12 articles with 3 versions each (2 changes), an outbox row per version (some delivered, one
    // dead), raw pages, checks and run-time watches.
    auto store = SqliteStore::open(sqlite_path(), OpenMode::read_write);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int a = 0; a < 12; ++a) {
      const std::string url = "https://news.example/a/" + std::to_string(a + 1);  // version_of's URL
      auto art = (*store)->ensure_article(url, url, at(0));
      ASSERT_TRUE(art.ok());
      ASSERT_EQ(art->id, a + 1);
      int64_t previous = 0;
      for (int n = 0; n < 3; ++n) {
        std::optional<ChangeRecord> change;
        if (previous) {
          change.emplace();
          change->from_version = previous;
          change->classes = {"edit"};
          change->stats_json = "{}";
        }
        auto id = (*store)->add_version(version_of(art->id, n, change, n + 1));
        ASSERT_TRUE(id.ok()) << a << "/" << n << ": " << id.error().message;
        previous = *id;
      }
      ASSERT_TRUE((*store)->record_check({art->id, at(600), at(1500), art->url, "\"e\"", "", "h", "", false}).ok());
      if (a % 3 == 0) {
        WatchRecord watch;
        watch.url = art->url;
        watch.article_id = art->id;
        watch.added_at = at(0);
        ASSERT_TRUE((*store)->add_watch(watch).ok());
      }
    }
    auto due = (*store)->due_outbox(at(10'000), 100);
    ASSERT_TRUE(due.ok());
    for (size_t i = 0; i < due->size(); i += 2) ASSERT_TRUE((*store)->mark_delivered((*due)[i].id, at(700)).ok());
    ASSERT_TRUE((*store)->mark_dead((*due)[1].id, 5, "gone").ok());
  }

  std::filesystem::path sqlite_path() const { return env.dir() / "state" / "redline.db"; }

  RunResult copy(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"store", "copy", "--from", sqlite_path().string(), "--to", m_db->url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return env.cli(args);
  }

  RedlineEnv env;
  std::optional<TestDatabase> m_db;
};

TEST_F(StoreCopyTest, InterruptedCopyResumesAndMatches) {
  // The target exists (migrated) and refuses the 20th version: the copy stops half-way.
  {
    auto target = PostgresStore::open(m_db->url(), OpenMode::read_write);
    ASSERT_TRUE(target.ok()) << target.error().message;
  }
  ASSERT_TRUE(m_db->exec("CREATE FUNCTION refuse_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                         "IF NEW.id = 20 THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$; "
                         "CREATE TRIGGER refuse_version BEFORE INSERT ON version FOR EACH ROW "
                         "EXECUTE FUNCTION refuse_version()")
                  .ok());
  const auto first = copy({"--batch", "4"});
  EXPECT_EQ(first.status.code, 74) << first.out << first.err;
  EXPECT_NE(first.err.find("disk on fire"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("run the same command again"), std::string::npos) << first.err;
  {
    auto target = PostgresStore::open(m_db->url(), OpenMode::read_only);
    ASSERT_TRUE(target.ok());
    auto articles = (*target)->list_articles();
    ASSERT_TRUE(articles.ok());
    EXPECT_EQ(articles->size(), 12u);  // the tables before `version` were copied
    int64_t versions = 0;
    for (const auto& a : *articles) versions += a.version_count;
    EXPECT_EQ(versions, 16);  // four batches of four before the one holding id 20
  }

  ASSERT_TRUE(m_db->exec("DROP TRIGGER refuse_version ON version").ok());
  const auto second = copy({"--batch", "4"});
  ASSERT_EQ(second.status.code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("copy complete: the counts match"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("versions                    36          36"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("outbox rows                 36          36"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("watch schedules             12          12"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("events                      36          36"), std::string::npos) << second.out;

  // A third run changes nothing and still matches.
  const auto third = copy();
  EXPECT_EQ(third.status.code, 0) << third.out << third.err;

  // What PostgreSQL holds reads back as the SQLite store does, ids included.
  auto source = SqliteStore::open(sqlite_path(), OpenMode::read_only);
  auto target = PostgresStore::open(m_db->url(), OpenMode::read_write);
  ASSERT_TRUE(source.ok() && target.ok());
  auto src_articles = (*source)->list_articles();
  ASSERT_TRUE(src_articles.ok());
  for (const auto& a : *src_articles) {
    auto found = (*target)->find_article(a.url);
    ASSERT_TRUE(found.ok() && found->has_value()) << a.url;
    EXPECT_EQ((*found)->id, a.id);
    EXPECT_EQ((*found)->next_check, a.next_check);
    EXPECT_EQ((*found)->etag, a.etag);
    auto sv = (*source)->versions(a.id);
    auto tv = (*target)->versions(a.id);
    ASSERT_TRUE(sv.ok() && tv.ok());
    ASSERT_EQ(sv->size(), tv->size());
    for (size_t i = 0; i < sv->size(); ++i) {
      EXPECT_EQ((*sv)[i].id, (*tv)[i].id);
      EXPECT_EQ((*sv)[i].content, (*tv)[i].content);
      EXPECT_EQ((*sv)[i].raw_sha256, (*tv)[i].raw_sha256);
    }
    auto raw = (*target)->get_raw(sv->back().raw_sha256);
    ASSERT_TRUE(raw.ok() && raw->has_value());
    EXPECT_NE((*raw)->find("revision 2"), std::string::npos);
  }
  auto src_outbox = (*source)->list_outbox(std::nullopt);
  auto dst_outbox = (*target)->list_outbox(std::nullopt);
  ASSERT_TRUE(src_outbox.ok() && dst_outbox.ok());
  ASSERT_EQ(src_outbox->size(), dst_outbox->size());
  for (size_t i = 0; i < src_outbox->size(); ++i) {
    EXPECT_EQ((*src_outbox)[i].event_id, (*dst_outbox)[i].event_id);
    EXPECT_EQ((*src_outbox)[i].state, (*dst_outbox)[i].state);
  }
  // The API's event history, with its ids (the API's cursors) unchanged.
  auto src_model = open_read_model(StoreTarget{sqlite_path(), ""});
  auto dst_model = open_read_model(StoreTarget{"", m_db->url()});
  ASSERT_TRUE(src_model.ok() && dst_model.ok()) << (dst_model.ok() ? "" : dst_model.error().message);
  EventQuery all;
  all.limit = 100;
  auto src_events = (*src_model)->events(all);
  auto dst_events = (*dst_model)->events(all);
  ASSERT_TRUE(src_events.ok() && dst_events.ok());
  ASSERT_EQ(src_events->items.size(), 36u);
  ASSERT_EQ(src_events->items.size(), dst_events->items.size());
  for (size_t i = 0; i < src_events->items.size(); ++i) {
    EXPECT_EQ(src_events->items[i].seq, dst_events->items[i].seq);
    EXPECT_EQ(src_events->items[i].event_id, dst_events->items[i].event_id);
    EXPECT_EQ(src_events->items[i].payload, dst_events->items[i].payload);
  }
  auto watches = (*target)->list_watches();
  ASSERT_TRUE(watches.ok());
  EXPECT_EQ(watches->size(), 4u);
  // New rows take ids after the copied ones.
  auto fresh = (*target)->ensure_article("https://news.example/new", "https://news.example/new", at(900));
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_GT(fresh->id, 12);
  auto id = (*target)->add_version(version_of(fresh->id, 0, std::nullopt, 20));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_GT(*id, 36);
}

TEST_F(StoreCopyTest, RefusesATargetHoldingOtherArticles) {
  {
    auto target = PostgresStore::open(m_db->url(), OpenMode::read_write);
    ASSERT_TRUE(target.ok());
    ASSERT_TRUE((*target)->ensure_article("https://other.example/x", "https://other.example/x", at(0)).ok());
  }
  const auto r = copy();
  EXPECT_EQ(r.status.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("already holds 1 articles that no `redline store copy` wrote"), std::string::npos) << r.err;
}

TEST_F(StoreCopyTest, MissingSourceIsAClearError) {
  const auto r = env.cli({"store", "copy", "--from", (env.dir() / "nope.db").string(), "--to", m_db->url()});
  EXPECT_EQ(r.status.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("nope.db: no such store"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace redline::testing
