#include "config/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "config_test_util.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

const ConfigEnvironment k_env{};
const std::string k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

using testing::error_of;
using testing::parse;

TEST(Config, ReadsEverySection) {
  const auto cfg = parse(R"toml(
[store]
path = "db/redline.db"
synchronous = "full"
keep_raw_days = 90
keep_delivered_days = 0
[log]
level = "debug"
[difflog]
path = "/var/log/redline/diff.log"
[http]
timeout = "20s"
per_host_connections = 2
max_body = 1048576
[notify]
classes = ["headline", "body"]
max_age = "12h"
[diff]
ignore = ["Updated \\d+ minutes ago"]

[[watch]]
url = "https://example.com/news/1"
every = "1h30m"

[[watch]]
url = "https://example.com/news/2"

[[webhook]]
name = "ops"
url = "http://127.0.0.1:9000/hook"
secret = ")toml" + k_secret +
                         R"toml("
classes = ["headline"]

[[site]]
match = "dw.com"
id = "/a-(\\d+)"
drop_text = ["获取更多RSS"]
headline = "//h1[@class='headline']"
drop = ["//aside", "//div[@class='related']"]
)toml");
  EXPECT_EQ(cfg.store.path, "/etc/redline/db/redline.db");
  EXPECT_EQ(cfg.store.synchronous, "full");
  EXPECT_EQ(cfg.store.keep_raw_days, 90);
  EXPECT_EQ(cfg.store.keep_delivered_days, 0);
  EXPECT_EQ(cfg.log_level, "debug");
  EXPECT_EQ(cfg.difflog, "/var/log/redline/diff.log");
  EXPECT_EQ(cfg.http.timeout, 20s);
  EXPECT_EQ(cfg.http.per_host_connections, 2);
  EXPECT_EQ(cfg.http.max_body, 1048576u);
  EXPECT_EQ(cfg.notify.classes, (std::vector<std::string>{"headline", "body"}));
  EXPECT_EQ(cfg.notify.max_age, 12h);
  ASSERT_EQ(cfg.ignore.size(), 1u);
  ASSERT_EQ(cfg.watches.size(), 2u);
  EXPECT_EQ(cfg.watches[0].every, 90min);
  EXPECT_EQ(cfg.watches[1].every, 30min);
  ASSERT_EQ(cfg.webhooks.size(), 1u);
  EXPECT_EQ(cfg.webhooks[0].secrets, std::vector<std::string>{k_secret});
  EXPECT_EQ(cfg.webhooks[0].classes, std::vector<std::string>{"headline"});
  ASSERT_EQ(cfg.sites.size(), 1u);
  EXPECT_EQ(cfg.site_for("https://www.dw.com/zh/x/a-123"), &cfg.sites[0]);
  EXPECT_EQ(cfg.site_for("https://example.com/"), nullptr);
  EXPECT_EQ(cfg.sites[0].headline_xpath, "//h1[@class='headline']");
  EXPECT_EQ(cfg.sites[0].drop_xpaths.size(), 2u);
  EXPECT_TRUE(cfg.sites[0].body_xpath.empty());
}

TEST(Config, DefaultsFollowTheEnvironment) {
  auto cfg = parse("");
  EXPECT_EQ(cfg.store.path, "state/redline.db");
  EXPECT_EQ(cfg.difflog, "state/diff.log");
  cfg = parse("", ConfigEnvironment{"/var/lib/redline", "/var/log/redline"});
  EXPECT_EQ(cfg.store.path, "/var/lib/redline/redline.db");
  EXPECT_EQ(cfg.difflog, "/var/log/redline/diff.log");
  EXPECT_EQ(cfg.difflog_files.jsonl_path, "/var/log/redline/diff.jsonl");
  EXPECT_EQ(cfg.difflog_files.max_size, 10u << 20);
  EXPECT_EQ(cfg.difflog_files.max_files, 5);
  EXPECT_EQ(parse("").difflog_files.jsonl_path, "state/diff.jsonl");
}

TEST(Config, DiffLogFilesAndRotation) {
  auto cfg =
      parse("[difflog]\npath = \"logs/d.log\"\njsonl_path = \"logs/d.jsonl\"\nmax_size = \"2MB\"\nmax_files = 3\n");
  EXPECT_EQ(cfg.difflog, "/etc/redline/logs/d.log");
  EXPECT_EQ(cfg.difflog_files.jsonl_path, "/etc/redline/logs/d.jsonl");
  EXPECT_EQ(cfg.difflog_files.max_size, 2u << 20);
  EXPECT_EQ(cfg.difflog_files.max_files, 3);
  cfg = parse("[difflog]\njsonl_path = \"\"\nmax_size = 0\n");
  EXPECT_TRUE(cfg.difflog_files.jsonl_path.empty());
  EXPECT_EQ(cfg.difflog_files.max_size, 0u);
  EXPECT_EQ(parse("[difflog]\nmax_size = 123456\n").difflog_files.max_size, 123456u);
  EXPECT_EQ(parse("[difflog]\nmax_size = \"512 KiB\"\n").difflog_files.max_size, 512u << 10);
}

TEST(Config, ChatPresetsEmailAndFilters) {
  const auto cfg = parse(R"toml(
[[feed]]
url = "https://rss.dw.com/top"
name = "dw-top"

[[webhook]]
name = "slack"
url = "https://hooks.slack.com/services/T/B/X"
preset = "slack"
sites = ["dw.com", "nytimes.com"]
feeds = ["dw-top"]

[[webhook]]
name = "room"
url = "https://matrix.example.org"
preset = "matrix"
token = "syt_abc"
room = "!newsroom:example.org"

[[email]]
name = "desk"
smtp_url = "smtps://mail.example.org:465"
from = "redline <redline@example.org>"
to = ["desk@example.org", "ed@example.org"]
username = "redline"
password = "pw"
starttls = "opportunistic"
classes = ["correction", "silent"]
timeout = "20s"
)toml");
  ASSERT_EQ(cfg.webhooks.size(), 2u);
  EXPECT_EQ(cfg.webhooks[0].preset, "slack");
  EXPECT_TRUE(cfg.webhooks[0].secrets.empty());
  EXPECT_EQ(cfg.webhooks[0].sites, (std::vector<std::string>{"dw.com", "nytimes.com"}));
  EXPECT_EQ(cfg.webhooks[0].feeds, (std::vector<std::string>{"dw-top"}));
  EXPECT_EQ(cfg.webhooks[1].token, "syt_abc");
  EXPECT_EQ(cfg.webhooks[1].room, "!newsroom:example.org");
  ASSERT_EQ(cfg.emails.size(), 1u);
  const auto& m = cfg.emails[0];
  EXPECT_EQ(m.smtp_url, "smtps://mail.example.org:465");
  EXPECT_EQ(m.to.size(), 2u);
  EXPECT_EQ(m.starttls, "opportunistic");
  EXPECT_EQ(m.classes, (std::vector<std::string>{"correction", "silent"}));  // facets filter like classes
  EXPECT_EQ(m.timeout, 20s);
  EXPECT_EQ(parse("[[email]]\nname = \"m\"\nsmtp_url = \"smtp://localhost:25\"\nfrom = \"a@b.c\"\nto = \"d@e.f\"\n")
                .emails[0]
                .starttls,
            "always");
}

TEST(Config, HeadlineTestWindowAndSettle) {
  const auto defaults = parse("");
  EXPECT_EQ(defaults.ab_window, 24h);
  EXPECT_EQ(defaults.ab_settle, 6h);
  const auto cfg = parse("[diff]\nab_window = \"2d\"\nab_settle = \"90m\"\n");
  EXPECT_EQ(cfg.ab_window, 48h);
  EXPECT_EQ(cfg.ab_settle, 90min);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[diff]\nab_window = \"soon\"\n", ":2: diff.ab_window must be a duration such as"},
      {"[diff]\n\nab_settle = 3600\n", ":3: diff.ab_settle must be a duration such as"},
      {"[diff]\nab_settle = \"0s\"\n", ":2: diff.ab_settle must be at least 1s"},
      {"[diff]\nab_windows = \"1h\"\n",
       ":2: unknown key \"ab_windows\" in diff; expected one of: ab_settle, ab_window"},
  };
  for (const auto& [text, expected] : cases) {
    const auto message = error_of(text);
    EXPECT_NE(message.find(expected), std::string::npos) << "config:\n" << text << "\nmessage: " << message;
  }
}

TEST(Config, RejectsBadNotifiers) {
  const std::string hook = "[[webhook]]\nname = \"a\"\nurl = \"https://h.example/\"\n";
  const std::string mail =
      "[[email]]\nname = \"m\"\nsmtp_url = \"smtp://localhost\"\nfrom = \"a@b.c\"\nto = \"d@e.f\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {hook + "preset = \"telegram\"\n", ":4: webhook.preset is \"telegram\", expected standard, slack"},
      {hook + "preset = \"matrix\"\ntoken = \"t\"\n", "with preset \"matrix\" needs token"},
      {hook + "preset = \"slack\"\ntoken = \"t\"\n", ":5: webhook.token is only used by the matrix and ntfy"},
      {hook + "preset = \"slack\"\nsites = \"dw.com\"\n", ":5: webhook.sites must be an array of strings"},
      {mail + "starttls = \"maybe\"\n", ":6: email.starttls is \"maybe\", expected always, opportunistic or never"},
      {"[[email]]\nname = \"m\"\nsmtp_url = \"http://x\"\nfrom = \"a@b.c\"\nto = \"d@e.f\"\n",
       ":3: email.smtp_url is \"http://x\", expected smtp://"},
      {"[[email]]\nname = \"m\"\nsmtp_url = \"smtp://x\"\nfrom = \"a@b.c\"\n", "email.to is required"},
      {mail + "password = \"p\"\n", ":6: email.password needs a username"},
      {hook + "secret = \"" + k_secret + "\"\n" + mail.substr(0, mail.find("name")) + "name = \"a\"\n",
       "email.name \"a\" is used twice"},
      {"[difflog]\nmax_size = \"big\"\n", ":2: difflog.max_size must be a size"},
      // 12 digits shifted by 30 do not fit in 64 bits: refused, not wrapped to a small size.
      {"[difflog]\nmax_size = \"999999999999GB\"\n", ":2: difflog.max_size must be a size"},
      {"[difflog]\nmax_files = -1\n", ":2: difflog.max_files is -1, expected 0..1000"},
  };
  for (const auto& [text, expected] : cases) {
    const auto message = error_of(text);
    EXPECT_NE(message.find(expected), std::string::npos) << "config:\n" << text << "\nmessage: " << message;
  }
}

TEST(Config, RetentionDefaultsKeepRawForeverAndDeliveredRowsThirtyDays) {
  const auto cfg = parse("[log]\nlevel = \"info\"\n");
  EXPECT_EQ(cfg.store.keep_raw_days, 0);
  EXPECT_EQ(cfg.store.keep_delivered_days, 30);
  EXPECT_EQ(error_of("[store]\nkeep_raw_days = -1\n"),
            "/etc/redline/redline.toml:2: store.keep_raw_days is -1, expected 0..365000");
}

TEST(Config, PostgresStoreAndNode) {
  const auto cfg = parse(
      "[store]\nurl = \"postgresql://redline@db.internal:5432/redline?sslmode=verify-full\"\n"
      "[node]\nname = \"node-2\"\nlease = \"45s\"\n");
  EXPECT_EQ(cfg.store.url, "postgresql://redline@db.internal:5432/redline?sslmode=verify-full");
  EXPECT_EQ(cfg.node.name, "node-2");
  EXPECT_EQ(cfg.node.lease, std::chrono::seconds(45));
  const auto defaults = parse("");
  EXPECT_TRUE(defaults.store.url.empty());
  EXPECT_FALSE(defaults.node.name.empty());  // the host name
  EXPECT_EQ(defaults.node.lease, std::chrono::seconds(30));
}

TEST(Config, SecretRotationAcceptsAnArray) {
  const auto cfg = parse("[[webhook]]\nname = \"a\"\nurl = \"https://h.example/\"\nsecret = [\"" + k_secret +
                         "\", \"whsec_" + std::string(32, 'A') + "\"]\n");
  EXPECT_EQ(cfg.webhooks[0].secrets.size(), 2u);
}

TEST(Config, ErrorsNameFileLineAndExpectation) {
  EXPECT_EQ(error_of("[store]\npath = \"x\"\ncolour = \"red\"\n"),
            "/etc/redline/redline.toml:3: unknown key \"colour\" in store; expected one of: keep_delivered_days, "
            "keep_raw_days, path, synchronous, url");
  EXPECT_EQ(
      error_of("\n\n[[watch]]\nurl = \"https://a.example/\"\nevery = \"soon\"\n"),
      "/etc/redline/redline.toml:5: watch.every must be a duration such as \"30s\", \"15m\", \"1h30m\" or \"2d\"");
  EXPECT_EQ(error_of("[[watch]]\nurl = 42\n"), "/etc/redline/redline.toml:2: watch.url must be a string");
  EXPECT_EQ(error_of("[[watch]]\nevery = \"1h\"\n"), "/etc/redline/redline.toml:1: watch.url is required");
}

TEST(Config, RejectsBadValues) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[[watch]]\nurl = \"ftp://a.example/\"\n", ":2: watch.url: \"ftp://a.example/\" is not an http"},
      {"[[watch]]\nurl = \"https://a.example/\"\nevery = \"500ms\"\n", ":3: watch.every must be a duration"},
      {"[[watch]]\nurl = \"https://a.example/\"\nevery = \"0s\"\n", ":3: watch.every must be at least 1s"},
      {"[[watch]]\nurl = \"https://a.example/\"\n[[watch]]\nurl = \"https://a.example/\"\n",
       ":4: watch.url \"https://a.example/\" is listed twice"},
      {"[log]\nlevel = \"loud\"\n", ":2: log.level is \"loud\""},
      {"[http]\nper_host_connections = 0\n", ":2: http.per_host_connections is 0, expected 1..1000"},
      {"[notify]\nclasses = [\"everything\"]\n", ":2: notify.classes has unknown class \"everything\""},
      {"[[webhook]]\nname = \"a\"\nurl = \"https://h.example/\"\nsecret = \"hunter2\"\n",
       ":4: webhook.secret must be \"whsec_\""},
      {"[[webhook]]\nname = \"a\"\nurl = \"https://h.example/\"\n", ":1: webhook.secret is required"},
      {"[[site]]\nmatch = \"dw.com\"\nid = \"/a-\\\\d+\"\n", ":3: site.id must contain a capture group"},
      {"[[site]]\nmatch = \"dw.com\"\ndrop_text = [\"(\"]\n", ":3: site.drop_text has an invalid regular expression"},
      {"store = 5\n", ":1: store must be a table"},
      {"[[site]]\nmatch = \"a.com\"\nbody = \"//div[\"\n", ":3: site.body is not a valid XPath expression"},
      {"[[site]]\nmatch = \"a.com\"\ndrop = [\"//aside\", \"))\"]\n", ":3: site.drop has an invalid XPath expression"},
      {"[store\n", ":1: "},
      {"[[watch]]\nurl = \"https://a.example/\"\nevry = \"1h\"\n", ":3: unknown key \"evry\" in watch"},
      {"wtach = 1\n", ":1: unknown key \"wtach\" in the top level"},
      {"[store]\npath = \"x.db\"\nurl = \"postgresql://r@db/redline\"\n",
       ":3: store.url and store.path are both set: url selects PostgreSQL, path SQLite; keep one"},
      {"[store]\nurl = \"mysql://r@db/redline\"\n", ":2: store.url is \"mysql://r@db/redline\", expected a PostgreSQL"},
      {"[node]\nname = \"\"\n", ":2: node.name must not be empty"},
      {"[node]\nlease = \"1s\"\n", ":2: node.lease must be at least 2s"},
  };
  for (const auto& [text, expected] : cases) {
    const auto message = error_of(text);
    EXPECT_NE(message.find(expected), std::string::npos) << "config:\n" << text << "\nmessage: " << message;
    EXPECT_EQ(message.rfind("/etc/redline/redline.toml:", 0), 0u) << message;
  }
}

TEST(Config, ShippedExampleIsValid) {
  const auto cfg = load_config(std::string(REDLINE_SOURCE_DIR) + "/config/redline.toml", k_env);
  ASSERT_EQ(cfg.feeds.size(), 1u);
  EXPECT_EQ(cfg.feeds[0].url, "https://rss.dw.com/rdf/rss-chi-all");
  EXPECT_NE(cfg.site_for(cfg.feeds[0].url), nullptr) << "the feed's site has its [[site]] rule";
  EXPECT_NE(cfg.site_for("https://www.dw.com/zh/a-61992878"), nullptr);
}

// The packaged /etc/redline/redline.toml (generated from the example at build time) watches nothing
// until edited, keeps the daemon's state where the unit's StateDirectory/LogsDirectory are, and says so.
TEST(Config, PackagedConffileIsValidAndInert) {
  const std::string path = std::string(REDLINE_BINARY_DIR) + "/config/redline.toml";
  const auto cfg = load_config(path, k_env);
  EXPECT_TRUE(cfg.feeds.empty());
  EXPECT_TRUE(cfg.watches.empty());
  EXPECT_EQ(cfg.store.path, "/var/lib/redline/redline.db");
  EXPECT_EQ(cfg.difflog, "/var/log/redline/diff.log");
  EXPECT_NE(cfg.site_for("https://www.dw.com/zh/a-61992878"), nullptr);
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_NE(first.find("watches nothing until"), std::string::npos) << first;
}

TEST(Config, Feeds) {
  const auto cfg = parse(R"toml(
[[feed]]
url = "https://feeds.bbci.co.uk/news/rss.xml"

[[feed]]
url = "https://feedx.net/rss/dw.xml"
name = "dw-fulltext"
every = "30m"
mode = "content"
max_age = "7d"
schedule = "news"
)toml");
  ASSERT_EQ(cfg.feeds.size(), 2u);
  const FeedConfig& bbc = cfg.feeds[0];
  EXPECT_EQ(bbc.url, "https://feeds.bbci.co.uk/news/rss.xml");
  EXPECT_EQ(bbc.name, "feeds.bbci.co.uk") << "the host by default";
  EXPECT_EQ(bbc.every, 10min);
  EXPECT_EQ(bbc.mode, "link");
  EXPECT_EQ(bbc.max_age, 48h);
  EXPECT_EQ(bbc.schedule, "news");
  EXPECT_EQ(bbc.line, 2);
  const FeedConfig& dw = cfg.feeds[1];
  EXPECT_EQ(dw.name, "dw-fulltext");
  EXPECT_EQ(dw.every, 30min);
  EXPECT_EQ(dw.mode, "content");
  EXPECT_EQ(dw.max_age, 7 * 24h);
}

TEST(Config, RejectsBadFeeds) {
  EXPECT_EQ(error_of("[[feed]]\nevery = \"1h\"\n"), "/etc/redline/redline.toml:1: feed.url is required");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"ftp://x.example/rss\"\n"),
            "/etc/redline/redline.toml:2: feed.url: \"ftp://x.example/rss\" is not an http:// or https:// URL");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\nmode = \"full\"\n"),
            "/etc/redline/redline.toml:3: feed.mode is \"full\", expected \"link\" (follow each item's link) or "
            "\"content\" (store each item's text)");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\nmax_age = \"two days\"\n"),
            "/etc/redline/redline.toml:3: feed.max_age must be a duration such as \"30s\", \"15m\", \"1h30m\" or "
            "\"2d\"");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\nevery = 10\n"),
            "/etc/redline/redline.toml:3: feed.every must be a duration such as \"30s\", \"15m\", \"1h30m\" or "
            "\"2d\"");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\nschedule = \" \"\n"),
            "/etc/redline/redline.toml:3: feed.schedule is \" \", expected \"news\" or a duration such as \"30m\"");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\n[[feed]]\nurl = \"https://x.example/rss\"\n"),
            "/etc/redline/redline.toml:4: feed.url \"https://x.example/rss\" is listed twice");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://x.example/rss\"\ninterval = \"1h\"\n"),
            "/etc/redline/redline.toml:3: unknown key \"interval\" in feed; expected one of: every, max_age, mode, "
            "name, schedule, url");
  EXPECT_EQ(error_of("feed = \"https://x.example/rss\"\n"),
            "/etc/redline/redline.toml:1: feed must be written as [[feed]] tables");
}

TEST(Config, MissingFileIsAClearError) { EXPECT_THROW(load_config("/nonexistent/redline.toml", k_env), ConfigError); }

}  // namespace
TEST(Config, Schedule) {
  const Config c = parse(
      "[schedule]\njitter = 0.2\ncatch_up = \"5m\"\nnews = [{ until = \"2h\", every = \"10m\" }, { until = \"1d\", "
      "every = \"2h\" }]\n[[watch]]\nurl = \"https://x.example/a\"\nschedule = \"news\"\n");
  EXPECT_DOUBLE_EQ(c.schedule.jitter, 0.2);
  EXPECT_EQ(c.schedule.catch_up, Duration(std::chrono::minutes(5)));
  ASSERT_EQ(c.schedule.news.size(), 2u);
  EXPECT_EQ(c.schedule.news[1].until, Duration(std::chrono::hours(24)));
  EXPECT_EQ(c.schedule.news[1].every, Duration(std::chrono::hours(2)));
  EXPECT_TRUE(c.watches[0].news);
}

TEST(Config, RejectsBadSchedules) {
  EXPECT_EQ(error_of("[schedule]\njitter = 0.9\n"),
            "/etc/redline/redline.toml:2: schedule.jitter is 0.9, expected 0..0.5");
  EXPECT_EQ(error_of("[schedule]\nnews = [{ until = \"1d\", every = \"1h\" }, { until = \"3h\", every = \"15m\" }]\n"),
            "/etc/redline/redline.toml:2: schedule.news tiers must be in increasing order of `until`");
  EXPECT_EQ(error_of("[schedule]\nnews = [{ until = \"1d\" }]\n"),
            "/etc/redline/redline.toml:2: schedule.news tiers need both `until` and `every`");
  EXPECT_EQ(error_of("[[watch]]\nurl = \"https://x.example/a\"\nevery = \"5m\"\nschedule = \"news\"\n"),
            "/etc/redline/redline.toml:4: watch.schedule and watch.every exclude each other; give one");
  EXPECT_EQ(error_of("[[watch]]\nurl = \"https://x.example/a\"\nschedule = \"hourly\"\n"),
            "/etc/redline/redline.toml:3: watch.schedule is \"hourly\", expected \"news\"");
}

}  // namespace redline
