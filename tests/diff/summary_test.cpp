// summarize(): one sentence per combination of classes, pinned.
#include <gtest/gtest.h>

#include "diff/summary.hpp"

namespace redline {
namespace {

Change with(std::vector<std::string> classes) {
  Change c;
  c.classes = std::move(classes);
  return c;
}

TEST(Summary, NoChange) { EXPECT_EQ(summarize(Change{}), "No change"); }

TEST(Summary, EachFieldClass) {
  EXPECT_EQ(summarize(with({"headline"})), "Headline reworded");
  Change body = with({"body"});
  body.stats.paragraphs_added = 1;
  body.stats.words_added = 62;
  EXPECT_EQ(summarize(body), "1 paragraph added (+62/\u22120 words)");
  body.stats.paragraphs_changed = 2;
  body.stats.paragraphs_removed = 1;
  body.stats.paragraphs_moved = 3;
  body.stats.words_removed = 7;
  EXPECT_EQ(summarize(body), "1 paragraph added, 2 changed, 1 removed, 3 moved (+62/\u22127 words)");
  EXPECT_EQ(summarize(with({"byline"})), "Byline changed");
  EXPECT_EQ(summarize(with({"dates"})), "Publication date changed");
  EXPECT_EQ(summarize(with({"headline", "byline", "dates"})),
            "Headline reworded; byline changed; publication date changed");
}

TEST(Summary, MinorIsTypography) {
  EXPECT_EQ(summarize(with({"headline", "minor"})), "Typography fixed in the headline");
  EXPECT_EQ(summarize(with({"headline", "body", "minor"})), "Typography fixed in the headline and the body");
  EXPECT_EQ(summarize(with({"headline", "body", "byline", "minor"})),
            "Typography fixed in the headline, the body and the byline");
  EXPECT_EQ(summarize(with({"headline", "minor", "revert"})),
            "Typography fixed in the headline; back to an earlier version");
}

TEST(Summary, EachFacet) {
  Change c = with({"headline", "numbers"});
  c.facts.numbers = {{"12", "15", "Storm kills 15"}};
  EXPECT_EQ(summarize(c), "Headline reworded; number changed: 12 \u2192 15");
  c.facts.numbers.push_back({"3", "4", ""});
  EXPECT_EQ(summarize(c), "Headline reworded; 2 numbers changed: 12 \u2192 15, 3 \u2192 4");
  c.facts.numbers.push_back({"5", "6", ""});
  c.facts.numbers.push_back({"7", "8", ""});
  EXPECT_EQ(summarize(c), "Headline reworded; 4 numbers changed: 12 \u2192 15, 3 \u2192 4 and 2 more");

  Change q = with({"headline", "quotes"});
  q.facts.quotes = {{"a", "b"}};
  EXPECT_EQ(summarize(q), "Headline reworded; quote changed");
  q.facts.quotes.push_back({"c", "d"});
  EXPECT_EQ(summarize(q), "Headline reworded; 2 quotes changed");

  Change n = with({"body", "correction"});
  n.stats.paragraphs_added = 1;
  n.stats.words_added = 12;
  n.facts.corrections = {"Correction: …"};
  EXPECT_EQ(summarize(n), "1 paragraph added (+12/\u22120 words); correction note added");
  n.facts.corrections.push_back("Update: …");
  EXPECT_EQ(summarize(n), "1 paragraph added (+12/\u22120 words); 2 correction notes added");

  Change l = with({"body", "lede", "silent"});
  l.stats.paragraphs_changed = 1;
  l.stats.words_added = 3;
  l.stats.words_removed = 1;
  EXPECT_EQ(summarize(l),
            "1 paragraph changed (+3/\u22121 words); lede changed; silently (no note, modified date unchanged)");
  EXPECT_EQ(summarize(with({"headline", "revert"})), "Headline reworded; back to an earlier version");
}

TEST(Summary, TheIssueExample) {
  Change c = with({"headline", "body", "numbers", "correction"});
  c.stats.paragraphs_added = 1;
  c.stats.words_added = 62;
  c.facts.numbers = {{"12", "15", ""}};
  c.facts.corrections = {"Correction: …"};
  EXPECT_EQ(
      summarize(c),
      "Headline reworded; 1 paragraph added (+62/\u22120 words); number changed: 12 \u2192 15; correction note added");
}

}  // namespace
}  // namespace redline
