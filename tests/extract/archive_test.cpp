// Feed-archive captures (see tests/data/revisions/README.md for the format and its variants).
#include "extract/archive.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/time.hpp"
#include "util/file.hpp"

namespace redline {
namespace {

const std::filesystem::path k_corpus = REDLINE_TEST_DATA_DIR "/revisions/dw";

std::string capture(const std::string& header, const std::string& body_tail = "") {
  return "<!--1654512425000-->\n[俄外长出访计划恐受阻](https://www.dw.com/zh/x/a-62043662)\n------\n\n" + header +
         "<img src=\"https://images.weserv.nl/?url=x.jpg\" width=\"100%\"><div><small style=\"color: #999;\">"
         "图为塞尔维亚总统武契奇。</small></div><p>第一段。</p><p>第二段，内容。</p>" +
         body_tail + "\n";
}

Article extract(const std::string& text, const ExtractRules& rules = {}) {
  auto c = parse_archive(text);
  EXPECT_TRUE(c.ok()) << (c ? "" : c.error().message);
  if (!c) return {};
  auto a = extract_archive(*c, rules);
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Article{};
}

TEST(Archive, Detection) {
  EXPECT_TRUE(looks_like_archive("<!--1654512425000-->\n[a](b)\n---\n"));
  EXPECT_FALSE(looks_like_archive("<!DOCTYPE html><html>"));
  EXPECT_FALSE(looks_like_archive("<!-- comment -->"));
  EXPECT_FALSE(parse_archive("<!--123-->\nno link here\n---\n").ok());
  EXPECT_FALSE(parse_archive("<!--123-->\n[a](b)\nnot dashes\n").ok());
}

TEST(Archive, ParsesTheThreeHeaderLines) {
  auto c = parse_archive(capture("<div><i><br>2022-06-06T10:35:27.794Z</i></div>"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(to_epoch_ms(c->captured_at), 1654512425000);
  EXPECT_EQ(c->headline, "俄外长出访计划恐受阻");
  EXPECT_EQ(c->url, "https://www.dw.com/zh/x/a-62043662");
  EXPECT_TRUE(c->html.starts_with("<div><i>"));
}

TEST(Archive, HeaderDivGivesBylineAndDateAndIsNotBody) {
  const auto a = extract(capture("<div><i>William  Yang<br>2022-06-06T10:35:27.794Z</i></div>"));
  EXPECT_EQ(a.headline, "俄外长出访计划恐受阻");
  EXPECT_EQ(a.byline(), "William Yang");
  ASSERT_TRUE(a.published.has_value());
  EXPECT_EQ(format_rfc3339(*a.published), "2022-06-06T10:35:27.794Z");
  EXPECT_EQ(a.canonical_url, "https://www.dw.com/zh/x/a-62043662");
  ASSERT_EQ(a.blocks.size(), 3u) << a.body();
  EXPECT_EQ(a.blocks[0].text, "图为塞尔维亚总统武契奇。");
  EXPECT_EQ(a.blocks[0].kind, BlockKind::caption);
  EXPECT_EQ(a.blocks[1].text, "第一段。");
  EXPECT_EQ(a.blocks[2].text, "第二段，内容。");
}

TEST(Archive, HeaderVariants) {
  EXPECT_EQ(extract(capture("<div><i>null 杜宗熹<br>2024-08-30T04:53:47.107Z</i></div>")).byline(), "杜宗熹");
  const auto empty = extract(capture("<div><i><br>2024-08-30T04:53:47.107Z</i></div>"));
  EXPECT_TRUE(empty.authors.empty());
  EXPECT_TRUE(empty.published.has_value());
  // Gallery-only capture: no header div, the first div is content.
  const auto gallery = extract(
      "<!--1725202024000-->\n[艾未未](https://www.dw.com/zh/y/a-70072918)\n------\n\n"
      "<div><img src=\"x.jpg\"><br><b>三色系列</b>：三种不同的颜色。</div><div><img "
      "src=\"y.jpg\"><br><b>摄像头</b>：画作。</div>\n");
  EXPECT_FALSE(gallery.published.has_value());
  ASSERT_EQ(gallery.blocks.size(), 2u);
  EXPECT_EQ(gallery.blocks[0].text, "三色系列：三种不同的颜色。");
}

TEST(Archive, FeedxFooterStaysUnlessADropTextRuleRemovesIt) {
  const std::string text = capture("<div><i><br>2022-06-06T10:35:27.794Z</i></div>",
                                   "<p>获取更多RSS：</p><p><a href=\"https://feedx.net\">https://feedx.net</a></p>");
  EXPECT_NE(extract(text).body().find("获取更多RSS"), std::string::npos);
  ExtractRules rules;
  rules.drop_text = {"获取更多RSS", "^https://feedx\\.(net|fun|run)"};
  const auto cleaned = extract(text, rules);
  EXPECT_EQ(cleaned.body().find("获取更多RSS"), std::string::npos);
  EXPECT_EQ(cleaned.body().find("feedx"), std::string::npos);
  EXPECT_EQ(cleaned.blocks.size(), 3u);
}

// Every capture of the real corpus parses, has the link's headline, and versions of the no-change
// control chain extract to identical articles.
TEST(Archive, RealCorpus) {
  ASSERT_TRUE(std::filesystem::exists(k_corpus)) << k_corpus;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(k_corpus)) {
    if (entry.path().extension() != ".txt") continue;
    auto text = read_file(entry.path());
    ASSERT_TRUE(text.ok());
    auto c = parse_archive(*text);
    ASSERT_TRUE(c.ok()) << entry.path();
    auto a = extract_archive(*c);
    ASSERT_TRUE(a.ok()) << entry.path();
    EXPECT_EQ(a->headline, c->headline);
    EXPECT_FALSE(a->blocks.empty()) << entry.path();
    EXPECT_EQ(a->body().find("<div>"), std::string::npos);
    ++files;
  }
  EXPECT_EQ(files, 42);
  std::vector<Article> control;
  for (const auto& entry : std::filesystem::directory_iterator(k_corpus / "a-70072918")) {
    auto c = parse_archive(*read_file(entry.path()));
    control.push_back(*extract_archive(*c));
  }
  ASSERT_EQ(control.size(), 2u);
  EXPECT_EQ(control[0], control[1]);
}

}  // namespace
}  // namespace redline
