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
}

}  // namespace
}  // namespace redline
