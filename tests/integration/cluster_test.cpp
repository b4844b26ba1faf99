// Cluster test: three real `redlined` nodes on one PostgreSQL (the `postgres` ctest fixture) watch
// 300 articles on 6 origins of local news sites and deliver to a real webhook receiver. One node is
// killed with SIGKILL after the first round; then 30 articles change. Asserted: every article is
// checked; no article is fetched twice within two seconds (two nodes checking it at once would be
// milliseconds apart; a legitimate second check is an interval, ≥ 9 s, or a lease, 5 s, later); every
// change is stored once (one new version) and delivered once by webhook-id; the dead node's origins are
// checked again by the others. Figures (how long the take-over took) are printed, not asserted.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "store/postgres_store.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int k_sites = 6;
constexpr int k_per_site = 50;
constexpr int k_nodes = 3;

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
    for (int s = 0; s < k_sites; ++s) {
      sites.push_back(std::make_unique<NewsSite>());
      for (int i = 0; i < k_per_site; ++i) {
        const int k = s * k_per_site + i;
        sites[s]->put("/a/" + std::to_string(k), story_revision(k, 0));
        urls.push_back(sites[s]->url("/a/" + std::to_string(k)));
      }
      sites[s]->on_request([this, s](const ServerRequest& req) {
        std::lock_guard lock(m_mutex);
        fetches[std::to_string(s) + req.path].push_back(Clock::now());
      });
    }
  }
  void TearDown() override {
    nodes.clear();  // SIGKILLs what still runs
  }

  std::string config(int n) const {
    std::string text = "[log]\nlevel = \"info\"\n[api]\nlisten = \"\"\n[store]\nurl = \"" + m_db->url() +
                       "\"\n[node]\nname = \"node-" + std::to_string(n) +
                       "\"\nlease = \"5s\"\n[schedule]\ncatch_up = \"5s\"\n[http]\nmax_connections = "
                       "16\nper_host_connections = 2\nper_host_rate = 20\n"
                       "[[webhook]]\nname = \"hook\"\nurl = \"" +
                       receiver.url() + "\"\nsecret = \"" + k_test_secret + "\"\ntimeout = \"2s\"\n";
    for (const auto& url : urls) text += "[[watch]]\nurl = \"" + url + "\"\nevery = \"10s\"\n";
    return text;
  }

  void start_node(int n) {
    envs.push_back(std::make_unique<RedlineEnv>());
    envs.back()->write_config(config(n));
    ProcessOptions options;
    options.args = {"--config", envs.back()->config_path().string()};
    nodes.push_back(std::make_unique<Process>(RedlineEnv::redlined_path(), options));
    ASSERT_TRUE(nodes.back()->start().ok());
  }

  // Every article fetched at least once since `since`, within `timeout`.
  bool all_fetched_since(Clock::time_point since, Duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      size_t done = 0;
      {
        std::lock_guard lock(m_mutex);
        for (const auto& [path, times] : fetches)
          if (!times.empty() && times.back() >= since) ++done;
      }
      if (done == urls.size()) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  std::map<std::string, int> changed_deliveries() const { return receiver.count_by_id("article.changed"); }

  std::optional<TestDatabase> m_db;
  std::vector<std::unique_ptr<NewsSite>> sites;
  std::vector<std::string> urls;
  WebhookReceiver receiver{k_test_secret};
  std::vector<std::unique_ptr<RedlineEnv>> envs;
  std::vector<std::unique_ptr<Process>> nodes;
  std::mutex m_mutex;
  std::map<std::string, std::vector<Clock::time_point>> fetches;  // "<site><path>" → request times
};

TEST_F(ClusterTest, ThreeNodesShareTheWorkAndTwoTakeOverAfterOneIsKilled) {
  const auto started = Clock::now();
  for (int n = 0; n < k_nodes; ++n) start_node(n);
  ASSERT_TRUE(all_fetched_since(started, 90s)) << "first round incomplete; node 0 said:\n" << nodes[0]->stderr_text();

  // kill -9 one node in the middle of its work, then edit 30 articles (5 per site).
  ASSERT_TRUE(nodes[2]->kill().ok());
  (void)nodes[2]->wait(5s);
  const auto killed = Clock::now();
  std::set<int> edited;
  for (int s = 0; s < k_sites; ++s)
    for (int i = 0; i < 5; ++i) {
      const int k = s * k_per_site + i * 7;
      edited.insert(k);
      sites[s]->edit("/a/" + std::to_string(k), [&](SiteArticle& a) { a = story_revision(k, 1); });
    }
  ASSERT_TRUE(all_fetched_since(killed + 1s, 90s)) << "the dead node's articles were not taken over";
  const auto deadline = Clock::now() + 60s;
  while (changed_deliveries().size() < edited.size() && Clock::now() < deadline) std::this_thread::sleep_for(200ms);

  // Taken over: every article fetched after the kill; how long the last one waited.
  double slowest = 0;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& [path, times] : fetches) {
      for (auto t : times)
        if (t > killed + 1s) {
          slowest = std::max(slowest, std::chrono::duration<double>(t - killed).count());
          break;
        }
      // Never two nodes at once: consecutive fetches of one article are seconds apart.
      for (size_t i = 1; i < times.size(); ++i)
        EXPECT_GE(times[i] - times[i - 1], 2s) << path << " fetched twice within 2 s (fetch " << i << ")";
    }
  }
  std::printf(
      "cluster: %zu articles, %d nodes, one killed: first round %.1f s; every article checked again "
      "%.1f s after the kill (interval 10 s, lease 5 s)\n",
      urls.size(), k_nodes, std::chrono::duration<double>(killed - started).count(), slowest);

  // Every change stored once and delivered once.
  const auto deliveries = changed_deliveries();
  EXPECT_EQ(deliveries.size(), edited.size());
  for (const auto& [id, count] : deliveries) EXPECT_EQ(count, 1) << id << " delivered " << count << " times";
  auto store = PostgresStore::open(m_db->url(), OpenMode::read_only);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto articles = (*store)->list_articles();
  ASSERT_TRUE(articles.ok());
  ASSERT_EQ(articles->size(), urls.size());
  for (size_t k = 0; k < urls.size(); ++k) {
    auto a = (*store)->find_article(urls[k]);
    ASSERT_TRUE(a.ok() && *a) << urls[k];
    EXPECT_EQ((**a).version_count, edited.count(static_cast<int>(k)) ? 2 : 1) << urls[k];
  }
  for (auto& node : {nodes[0].get(), nodes[1].get()}) {
    ASSERT_TRUE(node->signal(SIGTERM).ok());
    auto status = node->wait(20s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 0) << node->stderr_text();
  }
}

}  // namespace
}  // namespace redline::testing
