#include "monitor/identity.hpp"

#include <gtest/gtest.h>

#include "monitor/notifications.hpp"

namespace redline {
namespace {

Config config_with_dw_rule() {
  return parse_config("[[site]]\nmatch = \"dw.com\"\nid = '/a-(\\d+)'\n", "/x/redline.toml", {});
}

TEST(Identity, SiteIdRuleKeepsTheArticleAcrossSlugChanges) {
  const auto cfg = config_with_dw_rule();
  const auto a = article_key(cfg, "https://www.dw.com/zh/%E4%BF%84%E5%A4%96%E9%95%BF/a-62043662");
  const auto b = article_key(cfg, "https://www.dw.com/zh/%E5%B7%B4%E5%B0%94%E5%B9%B2/a-62043662?utm_source=x");
  EXPECT_EQ(a, "dw.com:62043662");
  EXPECT_EQ(a, b);
}

TEST(Identity, OtherwiseTheCanonicalUrl) {
  const auto cfg = config_with_dw_rule();
  EXPECT_EQ(article_key(cfg, "HTTPS://Example.com:443/news/1?utm_campaign=a&id=3#comments"),
            "https://example.com/news/1?id=3");
  // A DW URL without an id falls back to its URL.
  EXPECT_EQ(article_key(cfg, "https://www.dw.com/zh/s-9058"), "https://www.dw.com/zh/s-9058");
}

TEST(Notifications, MinorChangesAreQuietUnlessAskedFor) {
  const std::vector<std::string> defaults{"headline", "body", "byline"};
  EXPECT_TRUE(classes_notify({"headline"}, defaults));
  EXPECT_TRUE(classes_notify({"body", "revert"}, defaults));
  EXPECT_FALSE(classes_notify({"headline", "minor"}, defaults));
  EXPECT_FALSE(classes_notify({"dates"}, defaults));
  EXPECT_TRUE(classes_notify({"headline", "minor"}, {"headline", "minor"}));
  EXPECT_FALSE(classes_notify({}, defaults));
  // A desk that subscribes to facets hears of those only.
  const std::vector<std::string> desk{"correction", "silent"};
  EXPECT_TRUE(classes_notify({"body", "correction"}, desk));
  EXPECT_TRUE(classes_notify({"headline", "silent", "numbers"}, desk));
  EXPECT_FALSE(classes_notify({"headline", "body", "numbers", "lede"}, desk));
}

TEST(Notifications, SitesAndFeedsFilterPerNotifier) {
  const auto cfg = parse_config(R"toml(
[[feed]]
url = "https://rss.dw.com/top"
name = "dw-top"

[[webhook]]
name = "all"
url = "https://h.example/all"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[webhook]]
name = "dw"
url = "https://h.example/dw"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
sites = ["dw.com"]

[[email]]
name = "feed-desk"
smtp_url = "smtp://localhost:25"
from = "redline@example.org"
to = "desk@example.org"
feeds = ["dw-top"]
classes = ["body"]
)toml",
                                "/x/redline.toml", {});
  const auto names = [&](const std::vector<std::string>& classes, const EventOrigin& origin) {
    std::vector<std::string> out;
    for (const auto& row : plan_outbox(cfg, classes, origin, "evt_x", 7, "{}", from_epoch_ms(0))) {
      EXPECT_EQ(row.event_id, "evt_x");
      EXPECT_EQ(row.article_id, 7);
      out.push_back(row.notifier);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({"body"}, {"https://www.dw.com/en/a-1", ""}), (V{"all", "dw", "difflog"}));
  EXPECT_EQ(names({"body"}, {"https://www.dw.com/en/a-1", "dw-top"}), (V{"all", "dw", "feed-desk", "difflog"}));
  EXPECT_EQ(names({"body"}, {"https://notdw.com/a", "other"}), (V{"all", "difflog"}));
  EXPECT_EQ(names({"headline"}, {"https://dw.com/a", "dw-top"}), (V{"all", "dw", "difflog"}));  // classes still apply
  EXPECT_EQ(names({"minor"}, {"https://dw.com/a", "dw-top"}), (V{"difflog"}));
}

TEST(Notifications, OriginMatching) {
  EXPECT_TRUE(origin_matches({"https://a.example/x", ""}, {}, {}));
  EXPECT_TRUE(origin_matches({"https://www.a.example/x", ""}, {"a.example"}, {}));
  EXPECT_FALSE(origin_matches({"https://a.example.org/x", ""}, {"a.example"}, {}));
  EXPECT_FALSE(origin_matches({"https://a.example/x", ""}, {}, {"f"}));  // no feed info: a feeds filter never matches
  EXPECT_TRUE(origin_matches({"https://a.example/x", "f"}, {"a.example"}, {"g", "f"}));
  EXPECT_FALSE(origin_matches({"https://b.example/x", "f"}, {"a.example"}, {"f"}));
}

}  // namespace
}  // namespace redline
