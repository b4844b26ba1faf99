// The API's read model (store/read_model.hpp) on every backend: SqliteReadModel and PostgresReadModel
// (opened through open_read_model, as the API does) answer the same queries with the same rows and
// cursors. PostgreSQL cases skip with the reason when the test cluster is absent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "store/postgres_migrations.hpp"
#include "store/store_fixture.hpp"
#include "store/store_target.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class ReadModelTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped()) return;
    m_store = open_store();
    ASSERT_TRUE(m_store);
  }

  std::unique_ptr<ReadModel> open_model() {
    StoreTarget target{m_dir / "store.db", m_pg ? m_pg->url() : "", "test"};
    auto model = open_read_model(target);
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.error().message);
    return model ? std::move(*model) : nullptr;
  }

  int64_t article(const std::string& url) {
    auto a = m_store->ensure_article(url, url, at_ms(0));
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a ? a->id : 0;
  }

  // A version whose headline is `headline`, with one event (two notifiers' rows) carrying `classes`.
  int64_t add(int64_t article_id, long long when, const std::string& headline, std::vector<std::string> classes = {}) {
    NewVersion v = make_version(article_id, at_ms(when), headline);
    v.content.headline = headline;
    for (const std::string notifier : {"hook", "difflog"}) {
      OutboxEntry e;
      e.event_id = "evt-" + std::to_string(article_id) + "-" + std::to_string(when);
      e.notifier = notifier;
      nlohmann::json payload = {{"type", "article.changed"}, {"data", {{"headline", headline}}}};
      if (!classes.empty()) payload["data"]["classes"] = classes;
      e.payload = payload.dump();
      v.outbox.push_back(e);
    }
    if (auto last = m_store->latest_version_id(article_id); last && *last != 0) v.change = make_change(*last, classes);
    auto id = m_store->add_version(v);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id ? *id : 0;
  }

  std::vector<int64_t> ids(const std::vector<ArticleSummary>& items) {
    std::vector<int64_t> out;
    for (const auto& a : items) out.push_back(a.id);
    return out;
  }

  std::vector<int64_t> search(ReadModel& model, const std::string& text) {
    ArticleQuery q;
    q.search = text;
    auto page = model.articles(q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page ? ids(page->items) : std::vector<int64_t>{};
  }

  std::vector<std::string> event_ids(ReadModel& model, EventQuery q) {
    std::vector<std::string> out;
    for (;;) {
      auto page = model.events(q);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page) break;
      for (const auto& e : page->items) out.push_back(e.event_id);
      if (!page->next) break;
      q.before_seq = page->next;
    }
    return out;
  }

  static WatchRecord watch(const std::string& url, int64_t id, std::optional<Duration> every, const std::string& source,
                           Timestamp added) {
    WatchRecord w;
    w.url = url;
    w.article_id = id;
    w.every = every;
    w.source = source;
    w.added_at = added;
    return w;
  }

  std::unique_ptr<Store> m_store;
};

TEST_P(ReadModelTest, ArticlesNewestChangeFirstInStablePages) {
  const int64_t quiet1 = article("https://www.dw.com/quiet-1");
  const int64_t old = article("https://www.dw.com/old");
  const int64_t fresh = article("https://news.example.org/fresh");
  const int64_t quiet2 = article("https://notdw.com/quiet-2");
  const int64_t middle = article("https://dw.com/middle");
  add(old, 1000, "Floods close the river road");
  add(old, 2000, "Floods shut the river road", {"headline"});
  add(middle, 3000, "北京暴雨 道路关闭");
  add(fresh, 5000, "Budget 100% agreed_ today");

  auto model = open_model();
  ASSERT_TRUE(model);
  const std::vector<int64_t> expected = {fresh, middle, old, quiet2, quiet1};
  ArticleQuery all;
  auto page = model->articles(all);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(ids(page->items), expected);
  EXPECT_FALSE(page->next);
  const auto& o = page->items[2];
  EXPECT_EQ(o.headline, "Floods shut the river road");
  EXPECT_EQ(o.versions, 2);
  EXPECT_EQ(o.url, "https://www.dw.com/old");
  EXPECT_EQ(o.state, "active");
  EXPECT_EQ(o.last_changed, at_ms(2000));
  EXPECT_EQ(page->items[4].headline, "");
  EXPECT_EQ(page->items[4].versions, 0);
  EXPECT_FALSE(page->items[4].last_changed);

  // Pages of two, then a new change: the walk goes on from its cursor without a gap or a repeat.
  ArticleQuery two;
  two.limit = 2;
  auto first = model->articles(two);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(ids(first->items), (std::vector<int64_t>{fresh, middle}));
  ASSERT_TRUE(first->next);
  add(quiet1, 9000, "Now it changed");
  std::vector<int64_t> walked = ids(first->items);
  two.after = first->next;
  for (;;) {
    auto next = model->articles(two);
    ASSERT_TRUE(next.ok());
    for (auto id : ids(next->items)) walked.push_back(id);
    if (!next->next) break;
    two.after = next->next;
  }
  EXPECT_EQ(walked, (std::vector<int64_t>{fresh, middle, old, quiet2}));

  auto one = model->article(old);
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(*one);
  EXPECT_EQ((*one)->key, "https://www.dw.com/old");
  EXPECT_EQ((*one)->versions, 2);
  EXPECT_FALSE(*model->article(999999));
}

TEST_P(ReadModelTest, ArticlesBySiteStateAndHeadlineInAnyLanguage) {
  const int64_t www = article("https://www.dw.com/a");
  const int64_t bare = article("https://DW.com/b");
  const int64_t other = article("https://notdw.com/c");
  const int64_t evil = article("https://dw.com.evil.org/d");
  add(www, 1000, "Floods close the river road");
  add(www, 2000, "Floods shut the river road", {"headline"});
  add(bare, 3000, "北京暴雨 道路关闭");
  add(other, 4000, "Budget 100% agreed_ today");
  add(evil, 5000, "Ünïcode Ärger");

  auto model = open_model();
  ASSERT_TRUE(model);
  ArticleQuery site;
  site.site = "dw.com";
  auto by_site = model->articles(site);
  ASSERT_TRUE(by_site.ok()) << by_site.error().message;
  EXPECT_EQ(ids(by_site->items), (std::vector<int64_t>{bare, www}));
  site.limit = 1;
  auto first = model->articles(site);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(ids(first->items), std::vector<int64_t>{bare});
  ASSERT_TRUE(first->next);
  site.after = first->next;
  auto second = model->articles(site);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ids(second->items), std::vector<int64_t>{www});
  EXPECT_FALSE(second->next);

  // Any version's headline, case-insensitive for ASCII; short and long needles; LIKE's wildcards are text.
  EXPECT_EQ(search(*model, "close"), std::vector<int64_t>{www});  // the older headline
  EXPECT_EQ(search(*model, "FLOODS SHUT"), std::vector<int64_t>{www});
  EXPECT_EQ(search(*model, "北京"), std::vector<int64_t>{bare});
  EXPECT_EQ(search(*model, "暴雨 道"), std::vector<int64_t>{bare});
  EXPECT_EQ(search(*model, "Ärger"), std::vector<int64_t>{evil});
  EXPECT_EQ(search(*model, "0%"), std::vector<int64_t>{other});
  EXPECT_EQ(search(*model, "d_"), std::vector<int64_t>{other});
  EXPECT_TRUE(search(*model, "%").size() == 1u);
  EXPECT_TRUE(search(*model, "earthquake").empty());
  EXPECT_TRUE(search(*model, "a_r").empty());

  StateChange gone;
  gone.article_id = other;
  gone.state = "deleted";
  gone.at = at_ms(6000);
  ASSERT_TRUE(m_store->record_state(gone).ok());
  ArticleQuery deleted;
  deleted.state = "deleted";
  EXPECT_EQ(ids(model->articles(deleted)->items), std::vector<int64_t>{other});
  deleted.state = "redirected";
  EXPECT_TRUE(model->articles(deleted)->items.empty());
}

TEST_P(ReadModelTest, EventsNewestFirstWithFiltersAndTheirHistoryOutlivesTheOutbox) {
  const int64_t a = article("https://www.dw.com/a");
  const int64_t b = article("https://news.example.org/b");
  add(a, 1000, "A one");
  add(a, 2000, "A two", {"headline", "body"});
  add(b, 3000, "B one");
  add(b, 4000, "B two", {"byline"});
  StateChange gone;
  gone.article_id = b;
  gone.state = "deleted";
  gone.at = at_ms(5000);
  OutboxEntry row;
  row.event_id = "evt-gone";
  row.notifier = "hook";
  row.payload = R"({"type":"article.deleted","data":{}})";
  gone.outbox.push_back(row);
  ASSERT_TRUE(m_store->record_state(gone).ok());
  ASSERT_TRUE(m_store->add_watch(watch("https://news.example.org/b", b, std::nullopt, "feed:wire", at_ms(0))).ok());

  auto model = open_model();
  ASSERT_TRUE(model);
  const std::vector<std::string> all = {"evt-gone", "evt-" + std::to_string(b) + "-4000",
                                        "evt-" + std::to_string(b) + "-3000", "evt-" + std::to_string(a) + "-2000",
                                        "evt-" + std::to_string(a) + "-1000"};
  EXPECT_EQ(event_ids(*model, {}), all);
  EventQuery paged;
  paged.limit = 2;
  EXPECT_EQ(event_ids(*model, paged), all);

  auto one = model->event("evt-gone");
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(*one);
  EXPECT_EQ((*one)->type, "article.deleted");
  EXPECT_EQ((*one)->article_id, b);
  EXPECT_EQ((*one)->version_id, 0);
  EXPECT_EQ((*one)->created_at, at_ms(5000));
  EXPECT_EQ((*one)->payload, row.payload);
  auto changed = model->event(all[3]);
  ASSERT_TRUE(changed.ok() && *changed);
  EXPECT_EQ((*changed)->type, "article.changed");
  EXPECT_NE((*changed)->version_id, 0);
  EXPECT_FALSE(*model->event("evt-none"));

  EventQuery q;
  q.classes = {"headline", "byline"};
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[1], all[3]}));
  q = {};
  q.since = at_ms(2000);
  q.until = at_ms(4000);
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[2], all[3]}));
  q = {};
  q.article_id = a;
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[3], all[4]}));
  q = {};
  q.site = "dw.com";
  q.limit = 1;
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[3], all[4]}));
  q.site = "example.org";
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[0], all[1], all[2]}));
  q = {};
  q.feed = "wire";
  EXPECT_EQ(event_ids(*model, q), (std::vector<std::string>{all[0], all[1], all[2]}));
  q.feed = "other";
  EXPECT_TRUE(event_ids(*model, q).empty());

  // Delivered and collected: the outbox rows go, the events stay.
  auto rows = m_store->list_outbox(std::nullopt);
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) ASSERT_TRUE(m_store->mark_delivered(r.id, at_ms(6000)).ok());
  GcOptions gc;
  gc.delivered_before = at_ms(7000);
  auto report = m_store->collect_garbage(gc);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->outbox_rows, 9);
  EXPECT_EQ(event_ids(*model, {}), all);
}

TEST_P(ReadModelTest, GaugesFollowEveryWrite) {
  auto model = open_model();
  ASSERT_TRUE(model);
  auto empty = model->gauges();
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->outbox_pending, 0);
  EXPECT_EQ(empty->events, 0);
  EXPECT_EQ(empty->articles_by_state["active"], 0);
  EXPECT_FALSE(empty->oldest_pending);

  const int64_t a = article("https://www.dw.com/a");
  const int64_t b = article("https://www.dw.com/b");
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 30; ++i) many.emplace_back("k" + std::to_string(i), "https://x.example/" + std::to_string(i));
  ASSERT_TRUE(m_store->ensure_articles(many, at_ms(0)).ok());
  ASSERT_TRUE(m_store->ensure_articles(many, at_ms(0)).ok());  // nothing new: counted once
  add(a, 1000, "A one");
  add(b, 2000, "B one");
  StateChange gone{b, "redirected", at_ms(3000), {}};
  ASSERT_TRUE(m_store->record_state(gone).ok());

  auto g = model->gauges();
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->articles_by_state["active"], 31);
  EXPECT_EQ(g->articles_by_state["redirected"], 1);
  EXPECT_EQ(g->articles_by_state["deleted"], 0);
  EXPECT_EQ(g->outbox_pending, 4);
  EXPECT_EQ(g->outbox_dead, 0);
  EXPECT_EQ(g->oldest_pending, at_ms(1000));
  EXPECT_GE(g->events, 2);
  EXPECT_GT(g->store_bytes, 0);
  const int64_t events = g->events;

  auto rows = m_store->list_outbox(OutboxState::pending);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  ASSERT_TRUE(m_store->mark_delivered((*rows)[0].id, at_ms(4000)).ok());
  ASSERT_TRUE(m_store->mark_delivered((*rows)[1].id, at_ms(4000)).ok());
  ASSERT_TRUE(m_store->mark_dead((*rows)[2].id, 5, "gone").ok());
  ASSERT_TRUE(m_store->mark_retry((*rows)[3].id, 1, at_ms(9000), "busy").ok());
  g = model->gauges();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->outbox_pending, 1);
  EXPECT_EQ(g->outbox_dead, 1);
  EXPECT_EQ(g->oldest_pending, at_ms(2000));
  EXPECT_EQ(g->events, events);

  GcOptions gc;
  gc.delivered_before = at_ms(5000);
  ASSERT_TRUE(m_store->collect_garbage(gc).ok());
  ASSERT_EQ(*m_store->retry_outbox((*rows)[2].event_id, (*rows)[2].notifier, at_ms(6000)), 1);
  g = model->gauges();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->outbox_pending, 2);
  EXPECT_EQ(g->outbox_dead, 0);
  EXPECT_EQ(g->articles_by_state["active"], 31);
}

TEST_P(ReadModelTest, WatchesByUrlInPages) {
  std::set<std::string> urls;
  for (int i = 0; i < 5; ++i) {
    const std::string url = "https://site.example/" + std::string(1, static_cast<char>('a' + i));
    const int64_t id = article(url);
    ASSERT_TRUE(m_store
                    ->add_watch(watch(url, id, i == 0 ? std::optional<Duration>(1h) : std::nullopt,
                                      i == 1 ? "feed:wire" : "cli", at_ms(i)))
                    .ok());
    urls.insert(url);
  }
  add(m_store->find_article("https://site.example/a")->value().id, 1000, "One");
  add(m_store->find_article("https://site.example/a")->value().id, 2000, "Two");
  auto model = open_model();
  ASSERT_TRUE(model);
  WatchQuery q;
  q.limit = 2;
  std::vector<WatchSummary> seen;
  for (;;) {
    auto page = model->watches(q);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (auto& w : page->items) seen.push_back(w);
    if (!page->next) break;
    q.after = page->next;
  }
  ASSERT_EQ(seen.size(), 5u);
  std::set<std::string> got;
  for (const auto& w : seen) got.insert(w.url);
  EXPECT_EQ(got, urls);
  EXPECT_EQ(seen[0].url, "https://site.example/a");
  EXPECT_EQ(seen[0].every, Duration(1h));
  EXPECT_EQ(seen[0].versions, 2);
  EXPECT_EQ(seen[0].last_change, at_ms(2000));
  EXPECT_EQ(seen[0].source, "cli");
  EXPECT_EQ(seen[1].source, "feed:wire");
  EXPECT_FALSE(seen[1].every);
  EXPECT_FALSE(seen[1].last_change);
  EXPECT_EQ(seen[1].added_at, at_ms(1));
}

// PostgreSQL's migrations on a database of their own (skipped without a cluster).
class PostgresReadModelMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
  }

  // A connection to the case's database at schema `version` (the newest by default), with `rows` written
  // by that schema (its triggers included). Null, with the failure reported, when that did not work.
  std::unique_ptr<pg::Connection> at_schema(int version = pg::latest_schema_version(), const std::string& rows = {}) {
    auto conn = pg::Connection::open(m_db->url(), "redline-test");
    EXPECT_TRUE(conn.ok()) << conn.error().message;
    if (!conn) return nullptr;
    auto migrated = pg::migrate(**conn, pg::store_migrations(), version);
    EXPECT_TRUE(migrated.ok()) << migrated.error().message;
    const bool written = rows.empty() || m_db->exec(rows).ok();
    EXPECT_TRUE(written) << rows;
    return migrated && written ? std::move(*conn) : nullptr;
  }

  std::optional<TestDatabase> m_db;
};

// A database written before PostgreSQL's migration 6: the migration copies the outbox's events (one per
// event id, in outbox order) and counts the rows there are.
TEST_F(PostgresReadModelMigration, BackfillsEventsAndCounts) {
  auto conn = at_schema(
      5,
      "INSERT INTO article (id, key, url, first_seen, state) VALUES (1, 'a', 'https://a.example/1', 0, 'active'), "
      "(2, 'b', 'https://a.example/2', 0, 'deleted'), (3, 'c', 'https://a.example/3', 0, 'active');"
      "INSERT INTO outbox (event_id, article_id, notifier, payload, state, created_at, next_attempt) "
      "VALUES ('e1', 1, 'hook', '{\"type\":\"article.changed\"}', 'delivered', 10, 10), "
      "('e1', 1, 'log', '{\"type\":\"article.changed\"}', 'pending', 10, 10), "
      "('e2', 2, 'hook', '{\"type\":\"article.deleted\"}', 'dead', 20, 20)");
  ASSERT_TRUE(conn);
  ASSERT_TRUE(pg::migrate(*conn).ok());
  auto model = open_read_model(StoreTarget{"", m_db->url()});
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto events = (*model)->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->items.size(), 2u);
  EXPECT_EQ(events->items[0].event_id, "e2");
  EXPECT_EQ(events->items[0].type, "article.deleted");
  EXPECT_EQ(events->items[1].event_id, "e1");
  EXPECT_EQ(events->items[1].type, "article.changed");
  EXPECT_LT(events->items[1].seq, events->items[0].seq);
  auto g = (*model)->gauges();
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->articles_by_state["active"], 2);
  EXPECT_EQ(g->articles_by_state["deleted"], 1);
  EXPECT_EQ(g->outbox_pending, 1);
  EXPECT_EQ(g->outbox_dead, 1);
  EXPECT_EQ(g->events, events->items[0].seq);
}

// Migration 9: what triggers kept until then (an article's number of versions, the events, the outbox
// counts) is kept by the statements from then on, carrying on from the counts written before it, never
// counted twice.
TEST_F(PostgresReadModelMigration, CountsWrittenBeforeMigrationNineCarryOn) {
  ASSERT_TRUE(at_schema(8,
                        "INSERT INTO article (id, key, url, first_seen, state) VALUES (1, 'a', 'https://a.example/1', "
                        "0, 'active');"
                        "INSERT INTO version (id, article_id, captured_at, url, headline, byline, canonical_url, "
                        "language, site_name, blocks, fingerprint) "
                        "VALUES (1, 1, 1000, 'https://a.example/1', 'One', '[]', '', '', '', '[]', 'fp1');"
                        "INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, created_at, "
                        "next_attempt) VALUES ('e1', 1, 1, 'hook', '{\"type\":\"article.changed\"}', 1000, 1000);"
                        "SELECT setval(pg_get_serial_sequence('version', 'id'), 1)"));
  auto store = PostgresStore::open(m_db->url(), OpenMode::read_write);  // migrates to the newest
  ASSERT_TRUE(store.ok()) << store.error().message;
  NewVersion v = make_version(1, at_ms(2000), "Two");
  v.change = make_change(1, {"headline"});
  OutboxEntry row;
  row.event_id = "e2";
  row.notifier = "hook";
  row.payload = R"({"type":"article.changed","data":{}})";
  v.outbox.push_back(row);
  row.notifier = "difflog";
  row.payload = R"({"type":"other"})";
  v.outbox.push_back(row);
  ASSERT_TRUE((*store)->add_version(v).ok());
  StateChange gone{1, "deleted", at_ms(3000), {}};
  row.event_id = "e3";
  row.notifier = "hook";
  row.payload = R"({"type":"article.deleted","data":{}})";
  gone.outbox.push_back(row);
  ASSERT_TRUE((*store)->record_state(gone).ok());

  auto article = (*store)->find_article("a");
  ASSERT_TRUE(article.ok() && *article);
  EXPECT_EQ((**article).version_count, 2);
  auto model = open_read_model(StoreTarget{"", m_db->url()});
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto events = (*model)->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->items.size(), 3u);
  EXPECT_EQ(events->items[0].event_id, "e3");
  EXPECT_EQ(events->items[0].type, "article.deleted");
  EXPECT_EQ(events->items[0].version_id, 0);
  EXPECT_EQ(events->items[1].event_id, "e2");
  EXPECT_EQ(events->items[1].type, "article.changed");  // the first row's payload
  EXPECT_NE(events->items[1].version_id, 0);
  EXPECT_EQ(events->items[2].event_id, "e1");
  auto rows = (*store)->list_outbox(OutboxState::pending);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  ASSERT_TRUE((*store)->mark_delivered((*rows)[0].id, at_ms(4000)).ok());
  auto g = (*model)->gauges();
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->outbox_pending, 3);
  EXPECT_EQ(g->articles_by_state["deleted"], 1);
  EXPECT_EQ(g->articles_by_state["active"], 0);
  EXPECT_EQ(g->events, events->items[0].seq);
}

// Migration 8: headline search `lower(headline) LIKE '%…%'` can use a trigram index, so that it does
// not scan every version of the store.
TEST_F(PostgresReadModelMigration, HeadlineSearchHasATrigramIndex) {
  auto conn = at_schema();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec_script("SET enable_seqscan = off").ok());
  auto plan = conn->exec("EXPLAIN SELECT DISTINCT v.article_id FROM version v WHERE lower(v.headline) LIKE '" +
                         like_pattern("floods") + "'");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  std::string text;
  for (int i = 0; i < plan->size(); ++i) text += plan->text(i, 0) + "\n";
  EXPECT_NE(text.find("version_headline_trgm"), std::string::npos) << text;
}

INSTANTIATE_STORE_CONTRACT(ReadModelTest);

}  // namespace
}  // namespace redline::testing
