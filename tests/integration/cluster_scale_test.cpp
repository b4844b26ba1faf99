// The cluster at the size: three real `redlined` nodes on one PostgreSQL (the `postgres` ctest
// fixture) watch 3 000 articles on 30 origins (30 local news sites, one port each, answering in
// 100–600 ms: longer than the 200 ms spacing, so that only the in-flight limit keeps a third request
// away) every 30 s with per_host_rate = 5 and per_host_connections = 2, and deliver to a webhook receiver
// that answers after 300 ms. The sites measure, per origin, the requests in flight (most at once) and
// the request starts in any second (stamped when the request reached the kernel), and count every
// article's fetches (by node: each node sends its own User-Agent).
//
//   round 1    every article fetched once (first checks spread over catch_up);
//   round 2    150 planted changes: every article fetched once, each change stored once and delivered
//              once by webhook-id;
//   round 3    300 planted changes; node 2 is killed with SIGKILL in the middle of the round, while it
//              holds leased checks and deliveries. The others finish the round; nothing planted is
//              missed, no version is stored twice; every change is delivered, duplicates by id only for
//              deliveries node 2 had leased (read from PostgreSQL right after the kill), and articles
//              fetched twice only among the checks it had leased;
//   round 4    node 2 is started again while the round runs: it takes a share of the work.
// Throughout: no origin above 2 requests in flight or above 5 starts in any second, and two nodes'
// consecutive starts at one origin a spacing apart. Figures (round times, the limits as measured,
// duplicates) are printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "store/pg_connection.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int k_origins = 30;
constexpr int k_per_origin = 100;
constexpr int k_articles = k_origins * k_per_origin;
constexpr int k_nodes = 3;
constexpr int k_rate = 5;         // per_host_rate
constexpr int k_connections = 2;  // per_host_connections
constexpr auto k_interval = 30s;
// A fetch this soon after the article's previous one is a second fetch within one round (a check
// repeated after a lease ran out); a round's fetch follows the previous one by about an interval.
constexpr auto k_same_round = k_interval / 2;
// The sites stamp a request with when its bytes reached the kernel (ServerRequest::arrived). Between
// curl's decision to send it (where a node's spacing runs from) and that stamp lie curl building the
// request and the kernel's ticks: measured, up to about 15 ms. A node spaces starts by 1/rate and a
// 5 % margin (210 ms; OriginGate), so six starts span at least 1.05 s on its clock and "any second"
// is counted strictly; a spacing is at least 210 ms less that noise.
constexpr auto k_stamp_noise = 20ms;
constexpr auto k_second = 1s;
constexpr double k_spacing = 1.05 / k_rate;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Fetch {
  Clock::time_point at;
  int node = -1;  // from the User-Agent
};

class ClusterScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
    auto pg = pg::Connection::open(m_db->url(), "cluster-scale-test");
    ASSERT_TRUE(pg.ok()) << pg.error().message;
    m_pg = std::move(*pg);
    m_fetches.resize(k_articles);
    m_starts.resize(k_origins);
    for (int s = 0; s < k_origins; ++s) {
      sites.push_back(std::make_unique<NewsSite>());
      sites[s]->set_latency(100ms, 600ms);
      for (int i = 0; i < k_per_origin; ++i) {
        const int k = s * k_per_origin + i;
        sites[s]->put(path(k), story_revision(k, 0));
        urls.push_back(sites[s]->url(path(k)));
      }
      sites[s]->on_request([this, s](const ServerRequest& req) {
        const Fetch f{req.arrived, node_of(req.header("user-agent"))};
        std::lock_guard lock(m_mutex);
        // In order of arrival (the server thread may get to two requests in the other order).
        auto& starts = m_starts[s];
        starts.insert(std::upper_bound(starts.begin(), starts.end(), f,
                                       [](const Fetch& a, const Fetch& b) { return a.at < b.at; }),
                      f);
        m_fetches[std::stoi(req.path.substr(3))].push_back(f);
      });
    }
    receiver.delay(300ms);
  }
  void TearDown() override {
    nodes.clear();  // SIGKILLs what still runs
  }

  static std::string path(int k) { return "/a/" + std::to_string(k); }
  static int node_of(const std::string& user_agent) {
    const auto at = user_agent.rfind("node-");
    return at == std::string::npos ? -1 : std::atoi(user_agent.c_str() + at + 5);
  }

  std::string config(int n) const {
    std::string text = "[log]\nlevel = \"warn\"\n[api]\nlisten = \"\"\n[store]\nurl = \"" + m_db->url() +
                       "\"\n[node]\nname = \"node-" + std::to_string(n) +
                       "\"\nlease = \"5s\"\n[schedule]\ncatch_up = \"20s\"\njitter = 0\n[http]\nuser_agent = "
                       "\"redline-scale-test node-" +
                       std::to_string(n) +
                       "\"\nmax_connections = 32\nper_host_connections = " + std::to_string(k_connections) +
                       "\nper_host_rate = " + std::to_string(k_rate) + "\n[[webhook]]\nname = \"hook\"\nurl = \"" +
                       receiver.url() + "\"\nsecret = \"" + k_test_secret + "\"\ntimeout = \"2s\"\n";
    for (const auto& url : urls) text += "[[watch]]\nurl = \"" + url + "\"\nevery = \"30s\"\n";
    return text;
  }

  void start_node(int n) {
    if (envs.size() <= static_cast<size_t>(n)) {
      envs.push_back(std::make_unique<RedlineEnv>());
      envs.back()->write_config(config(n));
      nodes.emplace_back();
    }
    ProcessOptions options;
    options.args = {"--config", envs[n]->config_path().string()};
    nodes[n] = std::make_unique<Process>(RedlineEnv::redlined_path(), options);
    ASSERT_TRUE(nodes[n]->start().ok());
  }

  // Rounds an article was fetched in: its fetches, a repeat within one round not counted.
  static size_t rounds_of(const std::vector<Fetch>& fetches) {
    size_t n = fetches.empty() ? 0 : 1;
    for (size_t i = 1; i < fetches.size(); ++i) n += fetches[i].at - fetches[i - 1].at >= k_same_round ? 1 : 0;
    return n;
  }
  // Articles fetched in at least `round` rounds.
  int done(size_t round) {
    std::lock_guard lock(m_mutex);
    return static_cast<int>(
        std::count_if(m_fetches.begin(), m_fetches.end(), [&](const auto& f) { return rounds_of(f) >= round; }));
  }
  static bool wait_until(const std::function<bool()>& ready, Duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!ready()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

  // Plants revision `r` of article `k`: its next fetch finds the change.
  void plant(int k, int r) {
    // The site calls its observer under its own lock: no fetch of `k` comes between the edit and the note.
    sites[k / k_per_origin]->edit(path(k), [&](SiteArticle& a) {
      a = story_revision(k, r);
      std::lock_guard lock(m_mutex);
      m_planted_before[k] = m_fetches[k].size();
    });
    ++m_planted[k];
  }
  // Planted changes not fetched yet.
  int unfound() {
    std::lock_guard lock(m_mutex);
    return static_cast<int>(std::count_if(m_planted_before.begin(), m_planted_before.end(),
                                          [&](const auto& p) { return m_fetches[p.first].size() <= p.second; }));
  }

  // webhook-id → deliveries of article.changed events.
  std::map<std::string, int> changed_deliveries() const { return receiver.count_by_id("article.changed"); }
  int changes_delivered() const { return static_cast<int>(changed_deliveries().size()); }
  int planted() const {
    int n = 0;
    for (const auto& [k, count] : m_planted) n += count;
    return n;
  }

  int64_t query(const std::string& sql) {
    auto rows = m_pg->exec(sql);
    if (!rows || rows->size() != 1) {
      ADD_FAILURE() << sql << ": " << (rows ? "not one row" : rows.error().message);
      return -1;
    }
    return rows->integer(0, 0);
  }
  static constexpr const char* k_now_ms = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
  int64_t leased_deliveries(const std::string& node) {
    return query("SELECT count(*) FROM outbox WHERE state = 'pending' AND lease_owner = '" + node +
                 "' AND lease_until > " + k_now_ms);
  }
  // The articles whose checks `node` holds leased now.
  std::set<int> leased_checks(const std::string& node) {
    std::set<int> out;
    auto rows =
        m_pg->exec("SELECT a.url FROM article_check c JOIN article a ON a.id = c.article_id WHERE c.lease_owner = '" +
                   node + "' AND c.lease_until > " + k_now_ms);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    if (!rows) return out;
    for (int i = 0; i < rows->size(); ++i) {
      const std::string url = rows->text(i, 0);
      out.insert(std::stoi(url.substr(url.rfind('/') + 1)));
    }
    return out;
  }

  // The most request starts at one origin within any second ([t, t + k_second)), among starts in [from, to).
  int max_starts_per_second(Clock::time_point from = {}, Clock::time_point to = Clock::time_point::max()) {
    std::lock_guard lock(m_mutex);
    int most = 0;
    for (const auto& starts : m_starts) {
      size_t first = 0;
      for (size_t i = 0; i < starts.size(); ++i) {
        if (starts[i].at < from || starts[i].at >= to) continue;
        while (starts[first].at < from || starts[i].at - starts[first].at >= k_second) ++first;
        most = std::max(most, static_cast<int>(i - first + 1));
      }
    }
    return most;
  }
  // The windows of 1 s with more than k_rate starts at one origin: origin, then each start (seconds
  // since `t0`, and the node that sent it).
  std::string bursts(Clock::time_point t0) {
    std::lock_guard lock(m_mutex);
    std::string out;
    int shown = 0;
    for (size_t o = 0; o < m_starts.size(); ++o) {
      const auto& starts = m_starts[o];
      size_t first = 0, reported = 0;
      for (size_t i = 0; i < starts.size() && shown < 10; ++i) {
        while (starts[i].at - starts[first].at >= k_second) ++first;
        if (i - first + 1 <= static_cast<size_t>(k_rate) || (reported > 0 && first < reported)) continue;
        out += "  origin " + std::to_string(o) + ":";
        for (size_t j = first; j <= i; ++j) {
          char buf[48];
          std::snprintf(buf, sizeof buf, " %.3f (node %d)", seconds(starts[j].at - t0), starts[j].node);
          out += buf;
        }
        out += "\n";
        reported = i + 1;
        ++shown;
      }
    }
    return out;
  }
  // Consecutive starts at one origin less than `gap` apart (diagnostics).
  std::string close_starts(Clock::time_point t0, Clock::duration gap) {
    std::lock_guard lock(m_mutex);
    std::string out;
    int n = 0;
    for (size_t o = 0; o < m_starts.size(); ++o)
      for (size_t i = 1; i < m_starts[o].size(); ++i)
        if (m_starts[o][i].at - m_starts[o][i - 1].at < gap && n++ < 20) {
          char buf[96];
          std::snprintf(buf, sizeof buf, "  origin %zu: %.3f (node %d) %.3f (node %d)\n", o,
                        seconds(m_starts[o][i - 1].at - t0), m_starts[o][i - 1].node, seconds(m_starts[o][i].at - t0),
                        m_starts[o][i].node);
          out += buf;
        }
    return out + "  " + std::to_string(n) + " in all\n";
  }
  // Hand-overs: consecutive starts at one origin by two different nodes; their number and the shortest
  // time between the two.
  std::pair<int, double> handovers() {
    std::lock_guard lock(m_mutex);
    int n = 0;
    double least = 1e9;
    for (const auto& starts : m_starts)
      for (size_t i = 1; i < starts.size(); ++i)
        if (starts[i].node != starts[i - 1].node) {
          ++n;
          least = std::min(least, seconds(starts[i].at - starts[i - 1].at));
        }
    return {n, least};
  }
  // The shortest time between two consecutive starts at one origin.
  double min_start_gap() {
    std::lock_guard lock(m_mutex);
    double least = 1e9;
    for (const auto& starts : m_starts)
      for (size_t i = 1; i < starts.size(); ++i) least = std::min(least, seconds(starts[i].at - starts[i - 1].at));
    return least;
  }
  size_t max_in_flight() const {
    size_t most = 0;
    for (const auto& site : sites) most = std::max(most, site->server().max_in_flight());
    return most;
  }
  // Fetches by each node since `since`.
  std::array<int, k_nodes> fetches_by_node(Clock::time_point since) {
    std::array<int, k_nodes> out{};
    std::lock_guard lock(m_mutex);
    for (const auto& starts : m_starts)
      for (const auto& f : starts)
        if (f.at >= since && f.node >= 0 && f.node < k_nodes) ++out[f.node];
    return out;
  }

  std::optional<TestDatabase> m_db;
  std::unique_ptr<pg::Connection> m_pg;
  std::vector<std::unique_ptr<NewsSite>> sites;
  std::vector<std::string> urls;
  WebhookReceiver receiver{k_test_secret};
  std::vector<std::unique_ptr<RedlineEnv>> envs;
  std::vector<std::unique_ptr<Process>> nodes;
  std::map<int, int> m_planted;  // article → revisions planted
  std::mutex m_mutex;
  std::map<int, size_t> m_planted_before;     // article → its fetches when its last change was planted
  std::vector<std::vector<Fetch>> m_fetches;  // per article, in order
  std::vector<std::vector<Fetch>> m_starts;   // per origin, in order
};

TEST_F(ClusterScaleTest, ThreeThousandArticlesOnThirtyOriginsStayPoliteThroughAKillAndARejoin) {
  const auto started = Clock::now();
  for (int n = 0; n < k_nodes; ++n) start_node(n);
  const auto stderr_of = [&](int n) { return nodes[n] ? nodes[n]->stderr_text() : std::string(); };

  // Round 1: every article fetched once.
  ASSERT_TRUE(wait_until([&] { return done(1) == k_articles; }, 120s))
      << done(1) << " of " << k_articles << " fetched in round 1; node 0 said:\n"
      << stderr_of(0);
  const auto round1 = Clock::now();
  Clock::time_point first_fetch;
  {
    std::lock_guard lock(m_mutex);
    first_fetch = Clock::time_point::max();
    for (const auto& starts : m_starts) first_fetch = std::min(first_fetch, starts.front().at);
  }

  // Round 2: 5 changes per origin.
  for (int s = 0; s < k_origins; ++s)
    for (int i = 0; i < 5; ++i) plant(s * k_per_origin + i * 20 + 3, 1);
  const int planted2 = planted();
  ASSERT_TRUE(wait_until([&] { return done(2) == k_articles && unfound() == 0; }, 90s))
      << done(2) << " fetched in round 2, " << unfound() << " changes not fetched";
  const auto round2 = Clock::now();
  EXPECT_TRUE(wait_until([&] { return changes_delivered() >= planted2; }, 30s))
      << changes_delivered() << " of " << planted2 << " changes delivered";
  {
    std::lock_guard lock(m_mutex);
    for (int k = 0; k < k_articles; ++k) EXPECT_EQ(m_fetches[k].size(), rounds_of(m_fetches[k])) << "article " << k;
  }
  for (const auto& [id, count] : changed_deliveries()) EXPECT_EQ(count, 1) << id << " delivered " << count << " times";
  EXPECT_EQ(query("SELECT count(*) FROM change"), planted2);

  // Round 3: 10 changes per origin; node 2 killed in the middle of the round, holding deliveries and
  // checks.
  for (int s = 0; s < k_origins; ++s)
    for (int i = 0; i < 10; ++i) plant(s * k_per_origin + i * 10 + 7, 2);
  const int planted3 = planted() - planted2;
  ASSERT_TRUE(wait_until([&] { return done(3) >= k_articles * 2 / 5; }, 60s)) << "round 3 did not start";
  (void)wait_until([&] { return leased_deliveries("node-2") > 0; }, 10s);
  ASSERT_TRUE(nodes[2]->kill().ok());
  const auto killed = Clock::now();
  (void)nodes[2]->wait(5s);
  // Its connection is gone: what it held leased stays so until the leases run out (5 s).
  const std::set<int> leased_at_kill = leased_checks("node-2");
  const int64_t deliveries_at_kill = leased_deliveries("node-2");
  const int round3_before_kill = done(3);
  EXPECT_GT(leased_at_kill.size(), 0u) << "node 2 held no checks when it was killed";

  ASSERT_TRUE(wait_until([&] { return done(3) == k_articles && unfound() == 0; }, 90s))
      << done(3) << " fetched in round 3 after the kill; node 0 said:\n"
      << stderr_of(0);
  const auto round3 = Clock::now();

  // Round 4: node 2 starts again while the round runs.
  ASSERT_TRUE(wait_until([&] { return done(4) >= k_articles / 5; }, 60s)) << "round 4 did not start";
  const auto restarted = Clock::now();
  start_node(2);
  ASSERT_TRUE(wait_until([&] { return done(4) == k_articles; }, 90s))
      << done(4) << " fetched in round 4; node 2 said:\n"
      << stderr_of(2);
  const auto round4 = Clock::now();
  const auto share = fetches_by_node(restarted);
  EXPECT_GT(share[2], 0) << "the restarted node took no work";
  const int joining_burst = max_starts_per_second(restarted, restarted + 20s);

  // Every change stored once and delivered; duplicates only of what node 2 had leased.
  const int all_planted = planted();
  EXPECT_TRUE(wait_until([&] { return changes_delivered() >= all_planted; }, 30s))
      << changes_delivered() << " of " << all_planted << " changes delivered";
  const auto deliveries = changed_deliveries();
  int duplicate_deliveries = 0;
  for (const auto& [id, count] : deliveries) duplicate_deliveries += count - 1;
  EXPECT_EQ(static_cast<int>(deliveries.size()), all_planted);
  EXPECT_LE(duplicate_deliveries, deliveries_at_kill);
  EXPECT_EQ(query("SELECT count(*) FROM change"), all_planted);
  {
    auto rows = m_pg->exec(
        "SELECT a.url, count(v.id) FROM article a LEFT JOIN version v ON v.article_id = a.id GROUP BY a.url");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), k_articles);
    for (int i = 0; i < rows->size(); ++i) {
      const std::string url = rows->text(i, 0);
      const int k = std::stoi(url.substr(url.rfind('/') + 1));
      const auto planted_k = m_planted.count(k) ? m_planted.at(k) : 0;
      EXPECT_EQ(rows->integer(i, 1), 1 + planted_k) << url;
    }
  }

  // Fetched twice in one round: only checks node 2 held when it died.
  int duplicate_fetches = 0;
  {
    std::lock_guard lock(m_mutex);
    for (int k = 0; k < k_articles; ++k) {
      const auto extra = static_cast<int>(m_fetches[k].size() - rounds_of(m_fetches[k]));
      duplicate_fetches += extra;
      if (extra > 0) {
        EXPECT_TRUE(leased_at_kill.count(k)) << "article " << k << " fetched twice in a round";
      }
    }
  }
  EXPECT_LE(duplicate_fetches, static_cast<int>(leased_at_kill.size()));

  // The origins' limits, as the sites saw them.
  const size_t in_flight = max_in_flight();
  const int per_second = max_starts_per_second();
  EXPECT_LE(in_flight, static_cast<size_t>(k_connections));
  EXPECT_LE(per_second, k_rate) << bursts(started) << "starts less than 150 ms apart:\n"
                                << close_starts(started, 150ms);
  EXPECT_LE(joining_burst, k_rate);
  // A node takes an origin over only after the other's leases on it ended, and then waits one spacing
  // (1/rate) from the take-over: two nodes' starts are never closer than that.
  const auto [handed, closest_handover] = handovers();
  EXPECT_GE(closest_handover, k_spacing - seconds(k_stamp_noise));

  std::printf(
      "cluster-scale: %d articles on %d origins, %d nodes, every %lld s, rate %d/s, %d connections per origin\n"
      "  first fetch %.1f s after the start, round 1 done %.1f s; round 2 (%d changes) done %.1f s later; round 3 (%d "
      "changes, node 2 killed with %d of "
      "%d articles fetched) done %.1f s after the kill; round 4 (node 2 restarted) done %.1f s after the restart\n"
      "  at the kill node 2 held %zu checks and %lld deliveries; fetched twice: %d; delivered twice: %d\n"
      "  per origin: at most %zu requests in flight, %d starts in any second (%d in the 20 s after the "
      "restart), shortest gap between starts %.3f s\n"
      "  %d hand-overs (consecutive starts at an origin by two nodes), the closest %.3f s apart\n"
      "  fetches after the restart by node: %d %d %d; whole test %.1f s\n",
      k_articles, k_origins, k_nodes, static_cast<long long>(k_interval.count()), k_rate, k_connections,
      seconds(first_fetch - started), seconds(round1 - started), planted2, seconds(round2 - round1), planted3,
      round3_before_kill, k_articles, seconds(round3 - killed), seconds(round4 - restarted), leased_at_kill.size(),
      static_cast<long long>(deliveries_at_kill), duplicate_fetches, duplicate_deliveries, in_flight, per_second,
      joining_burst, min_start_gap(), handed, closest_handover, share[0], share[1], share[2],
      seconds(Clock::now() - started));

  for (int n = 0; n < k_nodes; ++n) {
    ASSERT_TRUE(nodes[n]->signal(SIGTERM).ok());
    auto status = nodes[n]->wait(30s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 0) << "node " << n << ": " << nodes[n]->stderr_text();
  }
}

}  // namespace
}  // namespace redline::testing
