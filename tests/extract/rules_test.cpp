// Per-site rules: drop_text regexes, XPath overrides and drops, and the warnings for rules that
// do not compile or match nothing.
#include <gtest/gtest.h>

#include "extract/extractor.hpp"

namespace redline {
namespace {

const std::string k_page = R"(<html><head><title>Generic title</title></head><body>
<div id="top"><h1 class="hl">Real headline</h1><span class="who">By Ann Author</span></div>
<div id="story">
<p>First paragraph of the story, long enough to be content for the extractor to keep.</p>
<p>Advertisement</p>
<p>Second paragraph of the story, also long enough to be content for the extractor.</p>
<div class="promo-box"><p>Read our other great story about something else entirely here.</p></div>
</div>
<div id="other"><p>Text outside of the story block that a body_xpath leaves out, long and wordy.</p></div>
</body></html>)";

Article run(const ExtractRules& rules, ExtractWarnings& warnings) {
  auto a = extract_page(PageInput{k_page, "", ""}, rules, warnings);
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Article{};
}

TEST(Rules, DropTextRemovesMatchingBlocks) {
  ExtractRules rules;
  rules.body_xpath = "//div[@id='story']";
  rules.drop_text = {"^Advertisement$"};
  ExtractWarnings w;
  const auto a = run(rules, w);
  EXPECT_EQ(a.body().find("Advertisement"), std::string::npos);
  EXPECT_NE(a.body().find("First paragraph"), std::string::npos);
  EXPECT_TRUE(w.empty());
}

TEST(Rules, XPathOverridesForHeadlineBylineAndBody) {
  ExtractRules rules;
  rules.headline_xpath = "//h1[@class='hl']";
  rules.byline_xpath = "//span[@class='who']";
  rules.body_xpath = "//div[@id='story']";
  rules.drop_xpaths = {"//div[contains(@class,'promo')]"};
  ExtractWarnings w;
  const auto a = run(rules, w);
  EXPECT_EQ(a.headline, "Real headline");
  EXPECT_EQ(a.byline(), "Ann Author");
  ASSERT_EQ(a.blocks.size(), 3u) << a.body();
  EXPECT_EQ(a.blocks[1].text, "Advertisement");
  EXPECT_EQ(a.body().find("outside"), std::string::npos);
  EXPECT_EQ(a.body().find("other great story"), std::string::npos);
  EXPECT_TRUE(w.empty()) << w.front();
}

TEST(Rules, RulesThatMatchNothingAreReportedAndGenericExtractionIsUsed) {
  ExtractRules rules;
  rules.headline_xpath = "//h1[@class='missing']";
  rules.body_xpath = "//article";
  rules.drop_xpaths = {"//div[@class='gone']"};
  ExtractWarnings w;
  const auto a = run(rules, w);
  EXPECT_EQ(a.headline, "Real headline");  // the generic <h1> fallback
  EXPECT_NE(a.body().find("First paragraph"), std::string::npos);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "drop_xpath matched nothing: //div[@class='gone']");
  EXPECT_EQ(w[1], "headline_xpath matched nothing: //h1[@class='missing']");
  EXPECT_EQ(w[2], "body_xpath matched nothing: //article");
}

TEST(Rules, InvalidXPathAndRegexAreReportedNotFatal) {
  ExtractRules rules;
  rules.body_xpath = "//div[@id=";
  rules.drop_text = {"(unclosed"};
  ExtractWarnings w;
  const auto a = run(rules, w);
  EXPECT_FALSE(a.blocks.empty());
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "body_xpath is not a valid XPath: //div[@id=");
  EXPECT_EQ(w[1], "drop_text is not a valid regex: (unclosed");
}

}  // namespace
}  // namespace redline
