// /metrics of the real redlined moves with real fetches, checks, changes and deliveries: a news site
// that changes, an origin that answers 503 (an error class, then backoff), a port nobody listens on
// (another error class), a webhook receiver that takes the notifications and one that fails them.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "support/local_http_server.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

// "name{labels}" (as the serializer writes it) -> value, for every sample of the text exposition.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

double value(const std::map<std::string, double>& s, const std::string& key) {
  const auto it = s.find(key);
  return it == s.end() ? -1 : it->second;
}

TEST(ApiMetricsTest, EveryMetricMovesWithRealWork) {
  NewsSite site;
  site.put("/news/floods", {"Floods close the road",
                            "Ann Reporter",
                            {"Heavy rain overnight flooded the river road between the two bridges, officials said.",
                             "The road will stay closed until the water recedes, the town's office said on Monday."}});
  LocalHttpServer failing;  // every answer a 503 without Retry-After: an error, then backoff
  failing.set_fallback([](const ServerRequest&) { return ServerResponse::text(503, "busy"); });
  failing.start();
  std::string refused_url;
  {
    LocalHttpServer gone;  // a port nobody listens on once it is stopped
    gone.start();
    refused_url = gone.url("/news/gone");
    gone.stop();
  }
  WebhookReceiver receiver{k_test_secret};
  WebhookReceiver broken{k_test_secret};
  broken.answer(500);

  RedlineEnv env;
  env.write_config(
      "[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
      "[api]\nlisten = \"127.0.0.1:0\"\n"
      "[[watch]]\nurl = \"" +
      site.url("/news/floods") +
      "\"\nevery = \"1s\"\n"
      "[[watch]]\nurl = \"" +
      failing.url("/news/busy") +
      "\"\nevery = \"1s\"\n"
      "[[watch]]\nurl = \"" +
      refused_url +
      "\"\nevery = \"1s\"\n"
      "[[webhook]]\nname = \"newsroom\"\nurl = \"" +
      receiver.url() + "\"\nsecret = \"" + k_test_secret +
      "\"\n"
      "[[webhook]]\nname = \"broken\"\nurl = \"" +
      broken.url() + "\"\nsecret = \"" + k_test_secret + "\"\n");
  Process daemon(RedlineEnv::redlined_path(), ProcessOptions{{"--config", env.config_path().string()}, {}, "", "", ""});
  ASSERT_TRUE(daemon.start().ok());
  ASSERT_TRUE(daemon.wait_for_output("API listening on", 20s)) << daemon.stderr_text();
  const uint16_t port = port_of(daemon.stderr_text());
  ASSERT_NE(port, 0);
  ASSERT_TRUE(daemon.wait_for_output("first version stored", 30s)) << daemon.stderr_text();

  const auto before = samples(api_get(port, "/metrics").body);
  EXPECT_EQ(value(before, "redline_changes_total{class=\"headline\"}"), -1);

  site.edit("/news/floods", [](SiteArticle& a) { a.headline = "Floods shut the road"; });
  ASSERT_TRUE(daemon.wait_for_output("changed [", 30s)) << daemon.stderr_text();

  // Deliveries are attempted right after the change; wait for both notifiers' first attempts.
  std::map<std::string, double> after;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    after = samples(api_get(port, "/metrics").body);
    const bool ready = value(after, "redline_deliveries_total{notifier=\"newsroom\",result=\"delivered\"}") >= 1 &&
                       value(after, "redline_deliveries_total{notifier=\"broken\",result=\"retried\"}") >= 1 &&
                       value(after, "redline_checks_total{result=\"unchanged\"}") >= 1 &&
                       value(after, "redline_round_duration_seconds_count") >= 1;
    if (ready || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(200ms);
  }
  (void)daemon.terminate();
  daemon.wait(10s);

  // Checks by result: the change, the first version, unchanged checks, and one label per error class.
  EXPECT_EQ(value(after, "redline_checks_total{result=\"first_version\"}"), 1);
  EXPECT_EQ(value(after, "redline_checks_total{result=\"changed\"}"), 1);
  EXPECT_GE(value(after, "redline_checks_total{result=\"unchanged\"}"), 1);
  EXPECT_GE(value(after, "redline_checks_total{result=\"error:http_503\"}"), 1);
  EXPECT_GE(value(after, "redline_checks_total{result=\"error:connect\"}"), 1);
  EXPECT_EQ(value(after, "redline_checks_total{result=\"error\"}"), -1);  // no catch-all label
  EXPECT_EQ(value(after, "redline_versions_stored_total"), 2);
  EXPECT_EQ(value(after, "redline_changes_total{class=\"headline\"}"), 1);
  // Fetches with a response: the news site's pages and the 503s (not the refused connections).
  const double fetches = value(after, "redline_fetch_duration_seconds_count");
  EXPECT_GE(fetches, 3);
  EXPECT_GT(value(after, "redline_fetch_duration_seconds_sum"), 0);
  EXPECT_EQ(value(after, "redline_fetch_duration_seconds_bucket{le=\"+Inf\"}"), fetches);
  EXPECT_GT(value(after, "redline_fetched_bytes_total"), value(before, "redline_fetched_bytes_total"));
  EXPECT_GT(value(after, "redline_fetched_bytes_total"), 1000);
  EXPECT_GT(value(after, "redline_fetch_duration_seconds_count"),
            value(before, "redline_fetch_duration_seconds_count"));
  // Deliveries by notifier and result.
  EXPECT_EQ(value(after, "redline_deliveries_total{notifier=\"newsroom\",result=\"delivered\"}"), 1);
  EXPECT_GE(value(after, "redline_deliveries_total{notifier=\"broken\",result=\"retried\"}"), 1);
  EXPECT_EQ(receiver.received().size(), 1u);
  // The loop's rounds, and the 503 origin and the refused one backing off.
  EXPECT_GE(value(after, "redline_round_duration_seconds_count"), 1);
  EXPECT_GE(value(after, "redline_origins_backing_off"), 1);
  EXPECT_LE(value(after, "redline_origins_backing_off"), 2);
}

}  // namespace
}  // namespace redline::testing
