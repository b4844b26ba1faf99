// The real redlined against abusive servers on 127.0.0.1, all watched in the same `--once` round with
// well-behaved pages: each abusive server ends in its classified error, the good pages are stored, the
// daemon's memory stays far below the abusive payloads, and no origin ever sees more than one request
// in flight. A second test shows conditional GETs turning into 304s on the second round.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "integration/redline_env.hpp"
#include "support/local_http_server.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr size_t k_gib = size_t{1} << 30;

std::string article_page(const std::string& headline) {
  return "<!DOCTYPE html><html><head><title>" + headline + "</title></head><body><article><h1>" + headline +
         "</h1><p class=\"byline\">By Ann Reporter</p>"
         "<p>The harbour authority said on Monday that the old pier would close for repairs next month.</p>"
         "<p>Engineers found cracks in two of the supporting columns during a routine inspection.</p>"
         "<p>Ferries will use the new terminal on the north side of the bay while the work goes on.</p>"
         "</article></body></html>";
}

// Arrival times per path, recorded on a server's thread.
class Arrivals {
 public:
  void note(const std::string& path) {
    std::lock_guard lock(m_mutex);
    m_times[path].push_back(std::chrono::steady_clock::now());
  }
  std::vector<SteadyTime> of(const std::string& path) const {
    std::lock_guard lock(m_mutex);
    auto it = m_times.find(path);
    return it == m_times.end() ? std::vector<SteadyTime>{} : it->second;
  }

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::vector<SteadyTime>> m_times;
};

// Peak RSS of the largest child this process has waited for, in KiB.
long children_peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;
}

class AbusiveServersTest : public ::testing::Test {
 protected:
  // Starts `server` and returns it, so each abusive behaviour gets an origin (port) of its own.
  LocalHttpServer& serve(const std::string& name) {
    auto& slot = m_servers[name];
    slot = std::make_unique<LocalHttpServer>();
    return *slot;
  }
  LocalHttpServer& server(const std::string& name) { return *m_servers.at(name); }

  std::string watch(const std::string& url) {
    m_urls.push_back(url);
    return "[[watch]]\nurl = \"" + url + "\"\n";
  }

  // url → last_error ("" when the last check succeeded) and version count, from `redline list --json`.
  std::map<std::string, std::pair<std::string, int>> articles() const {
    const auto r = env.cli({"list", "--json"});
    EXPECT_EQ(r.status.code, 0) << r.err;
    std::map<std::string, std::pair<std::string, int>> out;
    for (const auto& a : json::parse(r.out))
      out[a["url"].get<std::string>()] = {a["last_error"].is_null() ? "" : a["last_error"].get<std::string>(),
                                          a["versions"].get<int>()};
    return out;
  }

  RedlineEnv env;
  std::map<std::string, std::unique_ptr<LocalHttpServer>> m_servers;
  std::vector<std::string> m_urls;
};

TEST_F(AbusiveServersTest, EachAbuseIsClassifiedWithBoundedMemoryWhileGoodPagesSucceed) {
  // Compress the gzip bomb (1 GiB of zeros → about 1 MiB) before the round, not inside its timeout.
  (void)ServerResponse::gzip_bomb(k_gib);
  Arrivals arrivals;

  serve("huge").route("/length", [](const ServerRequest&) { return ServerResponse::huge(k_gib, true); });
  server("huge").route("/chunked", [](const ServerRequest&) { return ServerResponse::huge(k_gib, false); });
  serve("bomb").route("/bomb", [](const ServerRequest&) { return ServerResponse::gzip_bomb(k_gib); });
  serve("trickle").route("/drip", [](const ServerRequest&) {
    return ServerResponse::trickle(std::string(100000, 'x'), 1);  // 1 byte/s
  });
  serve("loop").route("/loop", [](const ServerRequest&) { return ServerResponse::redirect("/loop"); });
  serve("endless").route("/endless", [](const ServerRequest&) { return ServerResponse::endless_chunked(); });
  serve("reset").route("/reset", [](const ServerRequest&) { return ServerResponse::reset(); });
  serve("image").route("/photo", [](const ServerRequest&) { return ServerResponse::huge(k_gib, false, "image/png"); });
  serve("down").route("/down", [](const ServerRequest&) { return ServerResponse::text(503, "maintenance"); });
  // Two watches behind a short Retry-After: the second is held until it has passed, then succeeds.
  std::atomic<int> limited_calls{0};
  serve("limited").route_prefix("/ra/", [&arrivals, &limited_calls](const ServerRequest& req) {
    arrivals.note("limited");
    if (limited_calls++ == 0) return ServerResponse::text(429, "slow down").with_header("Retry-After", "2");
    return ServerResponse::html(article_page("Second try " + req.path));
  });
  // Two watches behind a long Retry-After: the second is deferred without a request.
  serve("closed").route_prefix("/busy/", [](const ServerRequest&) {
    return ServerResponse::text(503, "come back in an hour").with_header("Retry-After", "3600");
  });
  // Well-behaved, but slow enough that a second request in flight would show.
  serve("good").route_prefix("/story/", [](const ServerRequest& req) {
    return ServerResponse::html(article_page("Story " + req.path)).with_delay(150ms);
  });
  for (auto& [name, s] : m_servers) s->start();

  std::string config =
      "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
      "[http]\ntimeout = \"4s\"\nconnect_timeout = \"2s\"\nmax_body = 2097152\n"
      "per_host_connections = 1\nper_host_rate = 20\n";
  for (int i = 0; i < 6; ++i) config += watch(server("good").url("/story/" + std::to_string(i)));
  const std::map<std::string, std::string> expected = {
      {server("huge").url("/length"), "too-large: Content-Length"},
      {server("huge").url("/chunked"), "too-large: response body exceeds"},
      {server("bomb").url("/bomb"), "too-large: response body exceeds"},
      {server("trickle").url("/drip"), "timeout: "},
      {server("loop").url("/loop"), "redirects: "},
      {server("endless").url("/endless"), "too-large: response body exceeds"},
      {server("reset").url("/reset"), "reset: "},
      {server("image").url("/photo"), "not-html: refused Content-Type image/png"},
      {server("down").url("/down"), "http 503"},
      {server("limited").url("/ra/1"), "http 429"},
      {server("closed").url("/busy/1"), "http 503"},
      {server("closed").url("/busy/2"), "deferred: "},
  };
  for (const auto& [url, error] : expected) config += watch(url);
  config += watch(server("limited").url("/ra/2"));
  env.write_config(config);

  // The daemon's own footprint (large under ASan): a round of the good pages alone, in another store.
  {
    RedlineEnv quiet;
    std::string good = "[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n";
    for (int i = 0; i < 6; ++i)
      good += "[[watch]]\nurl = \"" + server("good").url("/story/" + std::to_string(i)) + "\"\n";
    quiet.write_config(good);
    ASSERT_EQ(quiet.run_once().status.code, 0);
    server("good").reset_counts();
  }
  const long baseline_kib = children_peak_rss_kib();

  const auto started = std::chrono::steady_clock::now();
  const auto r = env.run_once();
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status.code, 0) << r.err;
  EXPECT_LT(took, 45s) << "the trickle and the Retry-After wait should be the longest parts";

  const auto stored = articles();
  ASSERT_EQ(stored.size(), m_urls.size()) << r.err;
  for (const auto& [url, error] : expected) {
    ASSERT_TRUE(stored.count(url)) << url;
    const std::string& got = stored.at(url).first;
    EXPECT_EQ(got.rfind(error, 0), 0u) << url << " failed with \"" << got << "\", expected \"" << error << "…\"";
    EXPECT_EQ(stored.at(url).second, 0) << url;
  }
  for (int i = 0; i < 6; ++i) {
    const std::string url = server("good").url("/story/" + std::to_string(i));
    EXPECT_EQ(stored.at(url), (std::pair<std::string, int>{"", 1})) << url;
  }
  EXPECT_EQ(stored.at(server("limited").url("/ra/2")), (std::pair<std::string, int>{"", 1}));

  // Retry-After: 2 on the first answer: the server saw nothing more from us before it had passed.
  const auto limited = arrivals.of("limited");
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_GE(limited[1] - limited[0], 1900ms);
  // Retry-After: 3600: the second watch was deferred, not sent.
  EXPECT_EQ(server("closed").request_count(), 1u);
  EXPECT_NE(stored.at(server("closed").url("/busy/2")).first.find("Retry-After: 3600"), std::string::npos);

  // Per-host limit 1: no server ever had two of our requests in flight.
  for (const auto& [name, s] : m_servers) EXPECT_LE(s->max_in_flight(), 1u) << name;
  EXPECT_EQ(server("good").request_count(), 6u);
  EXPECT_EQ(server("loop").request_count(), 2u) << "the loop is stopped at its first repeat";

  // Bounded memory: the daemon's peak RSS stays far below the 1 GiB bodies it was offered. The peak over
  // all children so far bounds this round's from above; the quiet round's is the footprint to compare with.
  const long peak_kib = children_peak_rss_kib();
  RecordProperty("redlined_baseline_rss_kib", static_cast<int>(baseline_kib));
  RecordProperty("redlined_peak_rss_kib", static_cast<int>(peak_kib));
  EXPECT_GT(baseline_kib, 0);
  // The 1 GiB bodies are what the absolute bound must catch; the line below (the growth over a quiet round)
  // is the tight one. Under ASan the quiet footprint holds the allocator's quarantine of freed memory
  // (up to 256 MiB), so it follows how much the daemon allocates, not what it keeps: 130 MiB, then 180-190
  // with the API server, 216 MiB on 2026-12-06; the bound there is half the body instead.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long k_peak_bound_kib = 512 * 1024;
#else
  constexpr long k_peak_bound_kib = 256 * 1024;
#endif
  EXPECT_LT(peak_kib, k_peak_bound_kib) << "redlined peaked at " << peak_kib / 1024 << " MiB";
  EXPECT_LT(peak_kib - baseline_kib, 64 * 1024)
      << "the abusive round took " << (peak_kib - baseline_kib) / 1024 << " MiB more than a quiet one";

  // Each failure is logged (once: one round, one line per watch).
  for (const auto& [url, error] : expected)
    EXPECT_NE(r.err.find(url + ": check failed: " + error), std::string::npos) << url << "\n" << r.err;
}

TEST_F(AbusiveServersTest, ConditionalGetsGet304sOnTheSecondRound) {
  std::atomic<int> conditional{0}, not_modified{0};
  Arrivals arrivals;
  serve("validators").route_prefix("/news/", [&](const ServerRequest& req) {
    arrivals.note("all");
    const std::string etag = "\"v1" + req.path + "\"";
    const std::string modified = "Mon, 02 Jun 2025 10:00:00 GMT";
    const bool has_validators = !req.header("if-none-match").empty() || !req.header("if-modified-since").empty();
    if (has_validators) ++conditional;
    if (req.header("if-none-match") == etag && req.header("if-modified-since") == modified) {
      ++not_modified;
      return ServerResponse::text(304, "").with_header("ETag", etag);
    }
    return ServerResponse::html(article_page("Story " + req.path))
        .with_header("ETag", etag)
        .with_header("Last-Modified", modified);
  });
  server("validators").start();
  std::string config = "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n";
  for (int i = 0; i < 3; ++i) config += watch(server("validators").url("/news/" + std::to_string(i)));
  env.write_config(config);  // [http] defaults: 4 in flight and 1 request/s per origin

  auto r = env.run_once();
  ASSERT_EQ(r.status.code, 0) << r.err;
  EXPECT_EQ(conditional.load(), 0) << "nothing stored yet, so nothing to validate against";
  // The polite default rate: one request per second to the origin.
  const auto first_round = arrivals.of("all");
  ASSERT_EQ(first_round.size(), 3u);
  EXPECT_GE(first_round[2] - first_round[0], 1800ms);

  r = env.run_once();
  ASSERT_EQ(r.status.code, 0) << r.err;
  EXPECT_EQ(conditional.load(), 3);
  EXPECT_EQ(not_modified.load(), 3);
  for (const auto& [url, state] : articles()) EXPECT_EQ(state, (std::pair<std::string, int>{"", 1})) << url;
}

}  // namespace
}  // namespace redline::testing
