// Monitors of several nodes on one PostgreSQL store (ClaimedWork): each due check is run by one node,
// a node's claimed work goes to the others when it stops (at once) or dies (after the lease), and the
// dispatchers of two nodes deliver each outbox row once. Real PostgreSQL (the `postgres` ctest
// fixture), scripted HTTP, a fake clock.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <set>

#include "monitor/feed_watcher.hpp"
#include "monitor/monitor.hpp"
#include "monitor/monitor_fixture.hpp"
#include "notify/dispatcher.hpp"
#include "notify/event.hpp"
#include "store/postgres_store.hpp"
#include "support/postgres_cluster.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto k_lease = 30s;

// One node: its own connection, HTTP client, io_context and monitor.
struct Node {
  std::string name;
  std::unique_ptr<PostgresStore> store;
  boost::asio::io_context io;
  ScriptedHttpClient http{io};
  std::unique_ptr<Monitor> monitor;
  bool alive = true;  // a dead node is neither ticked nor does its io run: its fetches never answer
};

class SharedWorkTest : public MonitorFixture {
 protected:
  void SetUp() override {
    MonitorFixture::SetUp();
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
  }

  // `n` watches checked every 10 minutes, on 16 origins; at most 8 checks in flight per node.
  std::string config_text(int n) {
    std::string text = "[http]\nmax_connections = 8\n";
    for (int i = 0; i < n; ++i)
      text += "[[watch]]\nurl = \"https://o" + std::to_string(i % 16) + ".example/a/" + std::to_string(i) +
              "\"\nevery = \"10m\"\n";
    return text;
  }

  std::unique_ptr<Node> start_node(const std::string& name, const std::shared_ptr<const Config>& config) {
    auto node = std::make_unique<Node>();
    node->name = name;
    auto store = PostgresStore::open(m_db->url(), OpenMode::read_write, PostgresOptions{.node = name});
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (!store) return nullptr;
    node->store = std::move(*store);
    node->http.set_responder([this, name](const HttpRequest& req) {
      ++m_fetches[req.url][name];
      return ScriptedHttpClient::reply(200, article_html("Story " + req.url, k_paragraphs),
                                       {{"content-type", "text/html"}});
    });
    node->monitor = std::make_unique<Monitor>(config, *node->store, node->http, clock, 7);
    node->monitor->share_work(*node->store, {.node = name, .lease = k_lease});
    EXPECT_TRUE(node->monitor->load());
    return node;
  }

  // Ticks every live node once a second for `seconds`, running their fetches in between.
  void run(std::vector<Node*> nodes, int seconds) {
    for (int s = 0; s < seconds; ++s) {
      for (Node* n : nodes)
        if (n->alive) n->monitor->tick();
      for (Node* n : nodes)
        if (n->alive) {
          n->io.run();
          n->io.restart();
        }
      clock.advance(1s);
    }
  }

  size_t fetched_by(const std::string& node) {
    size_t total = 0;
    for (const auto& [url, by] : m_fetches)
      if (auto it = by.find(node); it != by.end()) total += it->second;
    return total;
  }

  std::optional<TestDatabase> m_db;
  std::map<std::string, std::map<std::string, int>> m_fetches;  // url → node → fetches
};

TEST_F(SharedWorkTest, TwoNodesCheckEveryWatchOncePerIntervalBetweenThem) {
  const auto config = make_config(config_text(60));
  auto a = start_node("a", config);
  auto b = start_node("b", config);
  ASSERT_TRUE(a && b);
  run({a.get(), b.get()}, 90);  // the first checks are spread over catch_up (a minute)
  ASSERT_EQ(m_fetches.size(), 60u);
  for (const auto& [url, by] : m_fetches) {
    int total = 0;
    for (const auto& [node, n] : by) total += n;
    EXPECT_EQ(total, 1) << url << " checked " << total << " times in the first round";
  }
  EXPECT_GT(fetched_by("a"), 0u);  // both took part
  EXPECT_GT(fetched_by("b"), 0u);
  EXPECT_EQ(a->monitor->stats().first_versions + b->monitor->stats().first_versions, 60u);
  run({a.get(), b.get()}, 660);  // a second round: every 10 minutes ± 10 %, none a third time yet
  for (const auto& [url, by] : m_fetches) {
    int total = 0;
    for (const auto& [node, n] : by) total += n;
    EXPECT_EQ(total, 2) << url;
  }
}

TEST_F(SharedWorkTest, ADeadNodesChecksAreTakenOverAfterTheLeaseAndAStoppedNodesAtOnce) {
  const auto config = make_config(config_text(40));
  auto a = start_node("a", config);
  auto b = start_node("b", config);
  ASSERT_TRUE(a && b);
  // Everything is due (overdue articles are claimed as they come): a claims first and dies with its
  // fetches unanswered.
  clock.advance(2min);
  a->monitor->tick();
  a->alive = false;
  ASSERT_GT(a->http.request_count(), 0u);
  std::set<std::string> held_by_a;
  for (const auto& r : a->http.requests()) held_by_a.insert(r.url);
  // Within the lease b checks only the rest (a also holds the checks it claimed to start next).
  run({b.get()}, 20);
  for (const auto& url : held_by_a) EXPECT_EQ(m_fetches[url]["b"], 0) << url << " taken while a's lease ran";
  EXPECT_LE(fetched_by("b"), 40u - held_by_a.size());
  const Timestamp lease_end = clock.now() + (k_lease - 20s);
  run({b.get()}, 20);  // the lease ran out: b takes a's checks over, each once
  for (const auto& url : held_by_a) EXPECT_EQ(m_fetches[url]["b"], 1) << url << " not taken over";
  EXPECT_EQ(fetched_by("b"), 40u);
  // a may have started a request just before it died: b's requests of the origins it took over wait a
  // rate spacing from the take-over (HttpRequest::origin_taken_at, honoured by OriginGate).
  for (const auto& r : b->http.requests())
    if (held_by_a.count(r.url)) {
      ASSERT_TRUE(r.origin_taken_at) << r.url;
      EXPECT_GE(*r.origin_taken_at, lease_end) << r.url;
    }

  // A node that stops gives its claims back: the others take them at once, not after the lease.
  auto c = start_node("c", config);
  ASSERT_TRUE(c);
  clock.advance(12min);  // everything due again (10 minutes ± 10 %)
  c->monitor->tick();    // c claims (and starts) a batch, then stops before its fetches answer
  const size_t claimed_by_c = c->http.request_count();
  ASSERT_GT(claimed_by_c, 0u);
  ASSERT_TRUE(c->monitor->stop());
  c->alive = false;
  const size_t before = fetched_by("b");
  run({b.get()}, 3);
  EXPECT_EQ(fetched_by("b") - before, 40u);
}

TEST_F(SharedWorkTest, AFeedIsPolledByTheOwnerOfItsOriginOnly) {
  const auto config = make_config("[[feed]]\nurl = \"https://feeds.example/rss\"\nevery = \"1m\"\n");
  auto a = start_node("a", config);
  auto b = start_node("b", config);
  ASSERT_TRUE(a && b);
  std::map<std::string, int> polls;
  std::vector<std::unique_ptr<FeedWatcher>> feeds;
  for (Node* n : {a.get(), b.get()}) {
    n->http.set_responder([&polls, name = n->name](const HttpRequest&) {
      ++polls[name];
      return ScriptedHttpClient::reply(200, "<rss version=\"2.0\"><channel><title>t</title></channel></rss>",
                                       {{"content-type", "application/rss+xml"}});
    });
    feeds.push_back(std::make_unique<FeedWatcher>(config, *n->store, n->http, clock, *n->monitor, 3));
    feeds.back()->share_work(*n->store, n->name, k_lease);
  }
  for (int s = 0; s < 200; ++s) {  // 3 minutes 20 s: the first poll within catch_up, then every minute ± 10 %
    a->monitor->tick();            // heartbeats
    b->monitor->tick();
    for (auto& f : feeds) f->tick();
    for (Node* n : {a.get(), b.get()}) {
      n->io.run();
      n->io.restart();
    }
    clock.advance(1s);
  }
  ASSERT_EQ(polls.size(), 1u) << "both nodes polled the feed";
  EXPECT_GE(polls.begin()->second, 3);
  EXPECT_LE(polls.begin()->second, 4);
}

// Two nodes' dispatchers on one outbox: each row is claimed and delivered by one of them.
TEST_F(SharedWorkTest, TwoDispatchersDeliverEachEventOnce) {
  auto a = start_node("a", make_config(""));
  auto b = start_node("b", make_config(""));
  ASSERT_TRUE(a && b);
  std::set<std::string> events;
  for (int i = 0; i < 30; ++i) {
    auto article =
        a->store->ensure_article("k" + std::to_string(i), "https://o.example/" + std::to_string(i), clock.now());
    ASSERT_TRUE(article.ok());
    NewVersion v;
    v.article_id = article->id;
    v.captured_at = clock.now();
    v.url = "https://o.example/" + std::to_string(i);
    v.fingerprint = "f";
    OutboxEntry row;
    row.event_id = make_event_id();
    row.notifier = "hook";
    row.payload = "{}";
    v.outbox.push_back(row);
    events.insert(row.event_id);
    ASSERT_TRUE(a->store->add_version(v).ok());
  }
  std::map<std::string, std::vector<std::string>> delivered;  // event id → nodes
  std::vector<std::unique_ptr<Dispatcher>> dispatchers;
  for (Node* n : {a.get(), b.get()}) {
    n->http.set_responder([&delivered, name = n->name](const HttpRequest& req) {
      for (const auto& [k, v] : req.headers)
        if (k == "webhook-id") delivered[v].push_back(name);
      return ScriptedHttpClient::reply(204, "");
    });
    DispatcherOptions options;
    options.claims = n->store.get();
    options.node = n->name;
    options.lease = k_lease;
    options.max_in_flight = 4;
    auto d = Dispatcher::create(
        *n->store, n->http, clock, n->io.get_executor(),
        {{"hook", WebhookTarget{"https://hooks.example/in", {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, 5s}}}, options);
    ASSERT_TRUE(d.ok()) << d.error().message;
    dispatchers.push_back(std::move(*d));
  }
  for (int round = 0; round < 20 && delivered.size() < events.size(); ++round) {
    for (auto& d : dispatchers) d->run_once([] {});
    for (Node* n : {a.get(), b.get()}) {
      n->io.run();
      n->io.restart();
    }
  }
  EXPECT_EQ(delivered.size(), events.size());
  std::set<std::string> nodes;
  for (const auto& [id, by] : delivered) {
    EXPECT_EQ(by.size(), 1u) << id << " delivered " << by.size() << " times";
    nodes.insert(by.begin(), by.end());
  }
  EXPECT_EQ(nodes.size(), 2u);  // both took part (4 rows a round each)
}

}  // namespace
}  // namespace redline::testing
