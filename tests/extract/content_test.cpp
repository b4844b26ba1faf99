// Body extraction: main content found, chrome and in-article boilerplate left out, block kinds kept.
#include "extract/content.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "extract/extractor.hpp"
#include "util/file.hpp"

namespace redline {
namespace {

std::string paragraph(int i) {
  return "<p>Paragraph " + std::to_string(i) +
         " tells the story in detail, with enough words, commas, and clauses to look like real prose.</p>";
}

std::string chrome(const std::string& article) {
  std::string nav = "<nav><ul>";
  for (int i = 0; i < 30; ++i)
    nav += "<li><a href=\"/s/" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></li>";
  nav += "</ul></nav>";
  return "<html><head><title>Story</title></head><body><header>" + nav + "</header>" +
         "<div class=\"ticker\"><a href=\"/x\">Breaking: markets fall sharply</a></div><main>" + article +
         "<aside class=\"most-read\"><h2>Most read</h2><ol><li><a href=\"/1\">Other story one is long enough</a></li>"
         "<li><a href=\"/2\">Other story two is long enough too</a></li></ol></aside></main>"
         "<footer><p>Copyright 2024 Example Media. All rights reserved.</p><a href=\"/imprint\">Imprint</a></footer>"
         "</body></html>";
}

std::vector<std::string> texts(const Article& a) {
  std::vector<std::string> out;
  for (const auto& b : a.blocks) out.push_back(b.text);
  return out;
}

Article extract(const std::string& html) {
  auto a = extract_page(PageInput{html, "https://example.com/story", ""});
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Article{};
}

// The blocks are paragraph(0) … paragraph(n - 1), in order.
void expect_paragraphs(const Article& a, int n) {
  ASSERT_EQ(a.blocks.size(), static_cast<size_t>(n)) << a.body();
  for (int i = 0; i < n; ++i)
    EXPECT_NE(a.blocks[static_cast<size_t>(i)].text.find("Paragraph " + std::to_string(i)), std::string::npos);
}

TEST(Content, KeepsArticleParagraphsDropsPageChrome) {
  std::string article = "<article><h1>Story</h1>";
  for (int i = 0; i < 6; ++i) article += paragraph(i);
  article += "</article>";
  const auto a = extract(chrome(article));
  expect_paragraphs(a, 6);
  EXPECT_EQ(a.body().find("Section"), std::string::npos);
  EXPECT_EQ(a.body().find("Most read"), std::string::npos);
  EXPECT_EQ(a.body().find("Breaking"), std::string::npos);
  EXPECT_EQ(a.body().find("Copyright"), std::string::npos);
}

// The strict pass removes the story (its class reads like a sidebar), wraps the mixed <div> into
// paragraphs and finds too little; the looser pass must start from the page as parsed (the strict
// pass's edits undone), not from what the strict pass left of it.
TEST(Content, ALooserPassStartsFromThePageAsParsed) {
  std::string article = "<div>Updated on Monday, <b>after the vote</b>.<p>The story so far.</p></div>";
  article += "<div class=\"sidebar-story\">";
  for (int i = 0; i < 6; ++i) article += paragraph(i);
  article += "</div>";
  const auto a = extract(chrome(article));
  expect_paragraphs(a, 6);
  EXPECT_EQ(a.body().find("Section"), std::string::npos);
}

TEST(Content, DropsShareBarsNewsletterBoxesAndRelatedLinksInsideTheArticle) {
  std::string article =
      "<article><div class=\"share-bar\"><a href=\"#\">Share on Facebook</a><a href=\"#\">Tweet</a></div>";
  for (int i = 0; i < 4; ++i) article += paragraph(i);
  article += "<div class=\"newsletter-signup\"><p>Sign up for our newsletter</p><form><input></form></div>";
  article += "<div class=\"related-articles\"><a href=\"/r1\">Related one</a> <a href=\"/r2\">Related two</a></div>";
  for (int i = 4; i < 8; ++i) article += paragraph(i);
  article += "</article>";
  const auto a = extract(chrome(article));
  EXPECT_EQ(a.blocks.size(), 8u) << a.body();
  EXPECT_EQ(a.body().find("Share on"), std::string::npos);
  EXPECT_EQ(a.body().find("newsletter"), std::string::npos);
  EXPECT_EQ(a.body().find("Related"), std::string::npos);
}

TEST(Content, KeepsSubheadingsListsQuotesAndTablesButNotFigcaptions) {
  std::string article = "<article>";
  for (int i = 0; i < 3; ++i) article += paragraph(i);
  article += "<h2>What happens next</h2>";
  article += "<ul><li>First, the council votes again on the plan.</li><li>Second, the mayor signs it.</li></ul>";
  article += "<blockquote><p>We are delighted with this result, said the mayor.</p></blockquote>";
  article += "<figure><img src=\"a.jpg\"><figcaption>The mayor at the meeting.</figcaption></figure>";
  article +=
      "<table><caption>City "
      "budget</caption><tr><th>Year</th><th>Budget</th></tr><tr><td>2024</td><td>1.2m</td></tr></table>";
  for (int i = 3; i < 6; ++i) article += paragraph(i);
  article += "</article>";
  const auto a = extract(chrome(article));
  std::vector<std::pair<BlockKind, std::string>> got;
  for (const auto& b : a.blocks) got.emplace_back(b.kind, b.text);
  auto has = [&](BlockKind k, const std::string& t) {
    return std::find(got.begin(), got.end(), std::make_pair(k, t)) != got.end();
  };
  EXPECT_TRUE(has(BlockKind::heading, "What happens next")) << a.body();
  EXPECT_TRUE(has(BlockKind::list_item, "First, the council votes again on the plan."));
  EXPECT_TRUE(has(BlockKind::quote, "We are delighted with this result, said the mayor."));
  // Figure captions (and the image credits in them) are not article text in a full page.
  EXPECT_EQ(a.body().find("The mayor at the meeting."), std::string::npos);
  EXPECT_TRUE(has(BlockKind::caption, "City budget"));
  EXPECT_TRUE(has(BlockKind::table, "Year | Budget"));
  EXPECT_TRUE(has(BlockKind::table, "2024 | 1.2m"));
}

TEST(Content, TextIsNormalizedAndDivTextBecomesParagraphs) {
  const auto a = extract(chrome(
      "<div class=\"story-body\">First&nbsp;line   of text that is long enough to count as a paragraph here."
      "<br><br>Second\u200b line of text, also long enough to count as a paragraph for the test."
      "<p>" +
      std::string(40, 'x') + " and then a normal paragraph with words.</p>" + paragraph(1) + paragraph(2) + "</div>"));
  const auto t = texts(a);
  ASSERT_GE(t.size(), 3u) << a.body();
  EXPECT_EQ(t[0], "First line of text that is long enough to count as a paragraph here.");
  EXPECT_EQ(t[1], "Second line of text, also long enough to count as a paragraph for the test.");
}

TEST(Content, DropsHiddenScriptsAndStyles) {
  std::string article = "<article><script>var x = 'script text';</script><style>p{}</style>";
  article += "<p style=\"display: none\">Hidden paragraph text that should not appear.</p>";
  for (int i = 0; i < 4; ++i) article += paragraph(i);
  article += "</article>";
  const auto a = extract(chrome(article));
  EXPECT_EQ(a.body().find("script text"), std::string::npos);
  EXPECT_EQ(a.body().find("Hidden"), std::string::npos);
  EXPECT_EQ(a.blocks.size(), 4u);
}

TEST(Content, FragmentKeepsEverything) {
  const auto a = extract("<p>Short one.</p><p>Short two.</p>");
  EXPECT_EQ(texts(a), (std::vector<std::string>{"Short one.", "Short two."}));
}

// The load-test pages of shared/bench/mkpages.py must come out exactly: headline and every
// paragraph, nothing of the page chrome (nav, related box, footer).
TEST(Content, MkpagesPagesExtractExactly) {
  const std::filesystem::path script = REDLINE_SHARED_DIR "/bench/mkpages.py";
  if (!std::filesystem::exists(script)) GTEST_SKIP() << "needs the bench page generator " << script << ", absent";
  const auto dir = std::filesystem::temp_directory_path() / ("redline-mkpages-" + std::to_string(::getpid()));
  const std::string cmd = "python3 " + script.string() + " " + dir.string() + " 20 >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto state = read_file(dir / "state.json");
  ASSERT_TRUE(state.ok());
  const auto arts = nlohmann::json::parse(*state);
  ASSERT_EQ(arts.size(), 20u);
  for (size_t i = 0; i < arts.size(); ++i) {
    auto html = read_file(dir / ("a-" + std::to_string(i) + ".html"));
    ASSERT_TRUE(html.ok());
    auto a = extract_page(PageInput{*html, "https://news.example/a-" + std::to_string(i), ""});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->headline, arts[i]["headline"].get<std::string>());
    EXPECT_EQ(a->byline(), "Staff Writer");
    EXPECT_EQ(a->canonical_url, "https://news.example/a-" + std::to_string(i));
    std::vector<std::string> expected;
    for (const auto& p : arts[i]["paras"]) expected.push_back(p.get<std::string>());
    EXPECT_EQ(texts(*a), expected) << "page a-" << i;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace redline
