// [http] politeness keys, [[site]] per-host overrides, and how the daemon maps them onto the client.
#include <gtest/gtest.h>

#include "app/http_options.hpp"
#include "config/config.hpp"
#include "config_test_util.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

using testing::error_of;
using testing::parse;

TEST(HttpConfig, PoliteDefaults) {
  const Config cfg = parse("");
  EXPECT_EQ(cfg.http.per_host_connections, 4);
  EXPECT_DOUBLE_EQ(cfg.http.per_host_rate, 1.0);
  EXPECT_EQ(cfg.http.backoff_max, 1h);

  const CurlClientOptions options = app::curl_options(cfg);
  EXPECT_EQ(options.politeness.defaults.connections, 4);
  EXPECT_DOUBLE_EQ(options.politeness.defaults.rate, 1.0);
  EXPECT_EQ(options.politeness.backoff_initial, 30s);
  EXPECT_EQ(options.politeness.backoff_max, 1h);
  EXPECT_TRUE(options.politeness.honour_retry_after);
  EXPECT_TRUE(options.politeness.overrides.empty());
}

TEST(HttpConfig, ReadsRateBackoffAndSiteOverrides) {
  const Config cfg = parse(R"toml(
[http]
per_host_connections = 2
per_host_rate = 0.5
backoff_max = "10m"
user_agent = "test-agent"

[[site]]
match = "wire.example"
per_host_connections = 8
per_host_rate = 0

[[site]]
match = "slow.example"
per_host_rate = 2

[[site]]
match = "plain.example"
)toml");
  EXPECT_EQ(cfg.http.per_host_connections, 2);
  EXPECT_DOUBLE_EQ(cfg.http.per_host_rate, 0.5);
  EXPECT_EQ(cfg.http.backoff_max, 10min);
  ASSERT_EQ(cfg.sites.size(), 3u);
  EXPECT_EQ(cfg.sites[0].per_host_connections, 8);
  EXPECT_EQ(cfg.sites[0].per_host_rate, 0.0);
  EXPECT_FALSE(cfg.sites[1].per_host_connections.has_value());
  EXPECT_EQ(cfg.sites[1].per_host_rate, 2.0);
  EXPECT_FALSE(cfg.sites[2].per_host_rate.has_value());

  const CurlClientOptions options = app::curl_options(cfg);
  EXPECT_EQ(options.user_agent, "test-agent");
  EXPECT_EQ(options.politeness.defaults.connections, 2);
  EXPECT_DOUBLE_EQ(options.politeness.defaults.rate, 0.5);
  EXPECT_EQ(options.politeness.backoff_max, 10min);
  // Only sites that override something become overrides; missing values fall back to [http].
  ASSERT_EQ(options.politeness.overrides.size(), 2u);
  EXPECT_EQ(options.politeness.overrides[0].host_suffix, "wire.example");
  EXPECT_EQ(options.politeness.overrides[0].limits.connections, 8);
  EXPECT_DOUBLE_EQ(options.politeness.overrides[0].limits.rate, 0.0);
  EXPECT_EQ(options.politeness.overrides[1].host_suffix, "slow.example");
  EXPECT_EQ(options.politeness.overrides[1].limits.connections, 2);
  EXPECT_DOUBLE_EQ(options.politeness.overrides[1].limits.rate, 2.0);

  // A short backoff_max also caps the first pause.
  const CurlClientOptions brief = app::curl_options(parse("[http]\nbackoff_max = \"5s\"\n"));
  EXPECT_EQ(brief.politeness.backoff_initial, 5s);
  EXPECT_EQ(brief.politeness.backoff_max, 5s);
}

TEST(HttpConfig, WebhookClientHasNoOriginPoliteness) {
  const Config cfg = parse("[http]\nuser_agent = \"test-agent\"\nper_host_rate = 0.1\n");
  const CurlClientOptions options = app::webhook_curl_options(cfg);
  EXPECT_EQ(options.user_agent, "test-agent");
  EXPECT_EQ(options.politeness.defaults.connections, 0);
  EXPECT_DOUBLE_EQ(options.politeness.defaults.rate, 0.0);
  EXPECT_EQ(options.politeness.backoff_initial, Duration(0));
  EXPECT_FALSE(options.politeness.honour_retry_after);
}

TEST(HttpConfig, RejectsBadValuesWithFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[http]\nper_host_rate = -1\n", ":2: http.per_host_rate is -1, expected 0..1000"},
      {"[http]\nper_host_rate = 5000.5\n", ":2: http.per_host_rate is 5000.5, expected 0..1000"},
      {"[http]\nper_host_rate = \"fast\"\n", ":2: http.per_host_rate must be a number"},
      {"[http]\nper_host_rate = nan\n", ":2: http.per_host_rate is nan, expected 0..1000"},
      {"[http]\nbackoff_max = \"forever\"\n", ":2: http.backoff_max must be a duration"},
      {"[[site]]\nmatch = \"a.example\"\nper_host_connections = 0\n",
       ":3: site.per_host_connections is 0, expected 1..1000"},
      {"[[site]]\nmatch = \"a.example\"\nper_host_rate = true\n", ":3: site.per_host_rate must be a number"},
      {"[[site]]\nmatch = \"a.example\"\nper_host_rat = 1\n", ":3: unknown key \"per_host_rat\" in site"},
  };
  for (const auto& [text, expected] : cases) {
    const auto message = error_of(text);
    EXPECT_NE(message.find(expected), std::string::npos) << "config:\n" << text << "\nmessage: " << message;
    EXPECT_EQ(message.rfind("/etc/redline/redline.toml:", 0), 0u) << message;
  }
}

}  // namespace
}  // namespace redline
