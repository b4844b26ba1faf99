#include "diff/render.hpp"

#include <gtest/gtest.h>

#include "diff/compare.hpp"
#include "diff_test_util.hpp"

namespace redline {
namespace {

using testing::make_article;

struct Rendered : ::testing::Test {
  Article a = make_article(
      "Budget passes after debate",
      {"The council approved the budget on Monday.", "Schools lose 5 % <of> funding & more.",
       "Unchanged context paragraph.", "Far away paragraph one.", "Far away paragraph two.", "Last paragraph."});
  Article b = make_article("Budget passes after long debate",
                           {"The council approved the budget on Tuesday.", "Schools lose 5 % <of> funding & more.",
                            "Unchanged context paragraph.", "Far away paragraph one.", "Far away paragraph two.",
                            "Last paragraph.", "A new <script>alert(1)</script> paragraph."});
  Change c = compare(a, b);
};

TEST_F(Rendered, TextIsAWordDiffWithHeadlineFirst) {
  const std::string text = render(c, a, b, DiffFormat::text);
  EXPECT_EQ(text.rfind("# Budget passes after {+long +}debate\n", 0), 0u) << text;
  EXPECT_NE(text.find("The council approved the budget on [-Monday-]{+Tuesday+}."), std::string::npos) << text;
  EXPECT_NE(text.find("{+A new <script>alert(1)</script> paragraph.+}"), std::string::npos) << text;
  EXPECT_NE(text.find("@@ ¶1 @@"), std::string::npos);
  EXPECT_NE(text.find("@@ ¶6 @@\nLast paragraph.\n{+A new"), std::string::npos) << text;
  // Context: one unchanged paragraph around each change, not the whole article.
  EXPECT_NE(text.find("Schools lose"), std::string::npos);
  EXPECT_NE(text.find("Last paragraph."), std::string::npos);
  EXPECT_EQ(text.find("Far away paragraph one."), std::string::npos);
  EXPECT_EQ(text.find("\x1b"), std::string::npos);
}

TEST_F(Rendered, TextOfNoChange) {
  const Change none = compare(a, a);
  EXPECT_EQ(render(none, a, a, DiffFormat::text), "# Budget passes after debate\n(no change)\n");
}

TEST_F(Rendered, AnsiColoursDeletionsAndInsertions) {
  const std::string ansi = render(c, a, b, DiffFormat::ansi);
  EXPECT_NE(ansi.find("\x1b[31mMonday\x1b[m\x1b[32mTuesday\x1b[m"), std::string::npos) << ansi;
  EXPECT_EQ(ansi.find("[-"), std::string::npos);
}

TEST_F(Rendered, HtmlIsSelfContainedAndEscaped) {
  const std::string html = render(c, a, b, DiffFormat::html);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("<del>Monday</del><ins>Tuesday</ins>"), std::string::npos) << html;
  EXPECT_NE(html.find("Schools lose 5 % &lt;of&gt; funding &amp; more."), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // nothing loaded from elsewhere
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("Far away paragraph one."), std::string::npos);  // the whole article is shown
}

TEST_F(Rendered, HtmlEscapesHeadlineOps) {
  const Article x = make_article("Tom & Jerry", {"p"});
  const Article y = make_article("Tom & <b>Jerry</b>", {"p"});
  const std::string html = render(compare(x, y), x, y, DiffFormat::html);
  EXPECT_NE(html.find("<title>Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;</title>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST_F(Rendered, JsonHasClassesStatsAndOffsets) {
  const nlohmann::json j = nlohmann::json::parse(render(c, a, b, DiffFormat::json));
  EXPECT_EQ(j["classes"], (nlohmann::json{"headline", "body", "lede"}));
  EXPECT_EQ(j["summary"], c.summary);
  EXPECT_FALSE(c.summary.empty());
  EXPECT_TRUE(j["facts"]["numbers"].is_array());
  EXPECT_TRUE(j["facts"]["quotes"].is_array());
  EXPECT_TRUE(j["facts"]["corrections"].is_array());
  for (const char* key : {"words_added", "words_removed", "paragraphs_added", "paragraphs_removed",
                          "paragraphs_changed", "paragraphs_moved", "similarity"})
    EXPECT_TRUE(j["stats"].contains(key)) << key;
  EXPECT_EQ(j["stats"]["paragraphs_added"], 1);
  EXPECT_EQ(j["stats"]["paragraphs_changed"], 1);
  const auto& ops = j["body"][0]["ops"];
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[1]["op"], "del");
  EXPECT_EQ(ops[1]["text"], "Monday");
  EXPECT_EQ(ops[1]["old"], 35);  // code points of the stored paragraph
  EXPECT_EQ(ops[2]["op"], "ins");
  EXPECT_EQ(ops[2]["new"], 35);
}

TEST(RenderJson, OffsetsAreCodePoints) {
  const Article a = make_article("标题", {"中国防长：我们一定会不惜一战。"});
  const Article b = make_article("标题", {"中国防长：我们一定会战。"});
  const nlohmann::json j = to_json(compare(a, b));
  const auto& ops = j["body"][0]["ops"];
  ASSERT_GE(ops.size(), 2u);
  EXPECT_EQ(ops[0]["text"], "中国防长：我们一定会");
  EXPECT_EQ(ops[1]["op"], "del");
  EXPECT_EQ(ops[1]["old"], 10);
}

TEST(RenderJson, RoundTrip) {
  Article a = make_article("Budget", {"One two three.", "Moved here.", "Four five."});
  Article b = make_article("Budget!", {"One 2 three.", "Four five.", "Moved here.", "New."});
  a.published = from_epoch_ms(1'700'000'000'000);
  a.authors = {"A"};
  const Change c = compare(a, b);
  const auto back = change_from_json(nlohmann::json::parse(to_json(c).dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, c);
  EXPECT_FALSE(change_from_json(nlohmann::json{{"classes", 1}}).ok());
  EXPECT_FALSE(change_from_json(nlohmann::json::parse(R"({"classes":[],"stats":{}})")).ok());
}

TEST(RenderJson, FormatNames) {
  EXPECT_EQ(diff_format_from_string("text"), DiffFormat::text);
  EXPECT_EQ(diff_format_from_string("ansi"), DiffFormat::ansi);
  EXPECT_EQ(diff_format_from_string("html"), DiffFormat::html);
  EXPECT_EQ(diff_format_from_string("json"), DiffFormat::json);
  EXPECT_FALSE(diff_format_from_string("xml").has_value());
}

}  // namespace
}  // namespace redline
