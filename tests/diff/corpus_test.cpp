// The 22 consecutive-version transitions of the DW revision corpus (tests/data/revisions/dw,
// its README has the table of what changed). Each expectation below was written from reading the pair
// (headline, and a paragraph-by-paragraph diff of the HTML) before the diff engine was run on it.
// Facets (issue 16) were added where the pair truly has them, checked by reading each lede and quote:
// `lede` where the first paragraph's words changed, `quotes` where the words inside a quotation did.
// None has `numbers` (the headline fixes are word fixes; the "statistic sentence" fix changed words,
// not its numbers) and none `correction`. DW pages carry no modified date, so none is `silent`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "diff_test_util.hpp"
#include "extract/archive.hpp"
#include "util/file.hpp"

namespace redline {
namespace {

namespace fs = std::filesystem;
using Classes = std::vector<std::string>;

struct Expected {
  const char* article;
  const char* old_epoch;
  const char* new_epoch;
  Classes classes;
  int added = 0;  // paragraphs
  int removed = 0;
  int changed = 0;
  int moved = 0;
  // For changed paragraphs: at most this many del ops and ins ops each (a word fix, not a rewrite);
  // -1 when the paragraph edits are real rewrites and not checked.
  int max_ops_per_changed = -1;
  const char* why;
};

const std::vector<Expected>& expectations() {
  static const std::vector<Expected> k_table = {
      {"a-61992878", "1654069625000", "1654071424000", {"headline"}, 0, 0, 0, 0, -1, "headline only"},
      {"a-62037205",
       "1654478225000",
       "1654512425000",
       {"headline"},
       0,
       0,
       0,
       0,
       -1,
       "东海→日本海; the copyright line's <em> wrapper is markup, not text"},
      {"a-62040219",
       "1654492624000",
       "1654512424000",
       {"headline", "body"},
       1,
       0,
       2,
       0,
       -1,
       "不能內用→不能堂内接待客人; the run-in subheading split off as its own paragraph (added), its old "
       "paragraph loses the lead-in (changed)"},
      {"a-62043662",
       "1654512425000",
       "1654516025000",
       {"headline", "body"},
       0,
       1,
       2,
       0,
       2,
       "被马其顿→北马其顿; the stray 。 paragraph removed and the 。 put back at the end of its paragraph; "
       "feedx footer dropped by the rule"},
      {"a-62043662",
       "1654516025000",
       "1654523224000",
       {"headline", "body", "lede"},
       1,
       0,
       2,
       1,
       2,
       "飞跃→飞越 in two paragraphs; Russian reaction paragraph added; the image caption moved"},
      {"a-62043880",
       "1654512425000",
       "1654523224000",
       {"headline", "body"},
       0,
       0,
       2,
       0,
       2,
       "clause order swapped (数天来 moved); 今晚→周一晚"},
      {"a-62043880",
       "1654523224000",
       "1654528624000",
       {"headline", "body", "lede"},
       0,
       0,
       1,
       0,
       1,
       "last sentence of the lead deleted"},
      {"a-62047862",
       "1654575424000",
       "1654577224000",
       {"headline", "body", "lede"},
       0,
       0,
       1,
       0,
       1,
       "倖免於難→驚險過關"},
      {"a-62064461",
       "1654692423000",
       "1654739224000",
       {"headline", "body"},
       0,
       0,
       2,
       0,
       3,
       "冲撞→衝撞 in the headline; attribution reworded; a comma added; feedx footer added and dropped"},
      {"a-62105792",
       "1655034424000",
       "1655043424000",
       {"headline", "minor"},
       0,
       0,
       0,
       0,
       -1,
       "closing quote fixed in the headline"},
      {"a-62109091", "1655084823000", "1655090226000", {"headline"}, 0, 0, 0, 0, -1, "headline only"},
      {"a-62120601",
       "1655185623000",
       "1655189224000",
       {"headline", "body", "minor"},
       0,
       0,
       12,
       0,
       -1,
       "「」→《》 in the headline and 12 body paragraphs (the caption keeps 「巴斯光年」)"},
      {"a-70038267",
       "1724489223000",
       "1724505423000",
       {"headline", "body", "lede"},
       4,
       2,
       1,
       0,
       -1,
       "lead image caption replaced; lead shortened; search paragraph rewritten as arrest paragraph; "
       "follow-up and Scholz paragraphs added"},
      {"a-70039385",
       "1724498225000",
       "1724507224000",
       {"headline", "body", "lede"},
       7,
       2,
       2,
       0,
       -1,
       "location added to the lead; two paragraphs replaced by two new ones; 小镇→小城; four paragraphs and a "
       "subheading added"},
      {"a-70045986", "1724651224000", "1724656625000", {"headline"}, 0, 0, 0, 0, -1, "headline only"},
      {"a-70072918", "1725202024000", "1725949024000", {}, 0, 0, 0, 0, -1, "identical recapture"},
      {"a-70086777",
       "1724995024000",
       "1724996824000",
       {"headline", "body"},
       0,
       0,
       1,
       0,
       3,
       "statistic sentence corrected; feedx footer removed and dropped"},
      {"a-70111745",
       "1725781624000",
       "1725790625000",
       {"headline"},
       0,
       0,
       0,
       0,
       -1,
       "headline; the feedx footer that disappeared is not a change once dropped"},
      {"a-70131509",
       "1725452224000",
       "1725454025000",
       {"headline", "minor"},
       0,
       0,
       0,
       0,
       -1,
       "”金砖“→“金砖” quote fix"},
      {"a-70241396",
       "1726582624000",
       "1726584423000",
       {"headline", "body", "lede"},
       0,
       0,
       3,
       0,
       1,
       "汪文涛→王文涛 in the caption and two paragraphs: three small word operations"},
      {"a-70283291",
       "1726836424000",
       "1726840024000",
       {"headline", "body"},
       2,
       1,
       2,
       0,
       -1,
       "two loan paragraphs inserted; three closing paragraphs rewritten into two"},
      {"a-70295048",
       "1727012823000",
       "1727014622000",
       {"headline", "body", "quotes", "lede"},
       0,
       0,
       1,
       0,
       1,
       "duplicated 南中国、 removed from the quote"},
  };
  return k_table;
}

fs::path corpus_dir() {
  if (const char* env = std::getenv("REDLINE_DW_CORPUS"); env && *env) return env;
  return REDLINE_TEST_DATA_DIR "/revisions/dw";
}

// The [[site]] rule a DW watch would carry: the feedx promotional footer is not part of the article.
ExtractRules dw_rules() {
  ExtractRules rules;
  rules.drop_text = {"获取更多RSS", "^\\s*https?://feedx\\.[a-z]+/?\\s*$"};
  return rules;
}

Article load(const std::string& article, const std::string& epoch) {
  const auto text = read_file(corpus_dir() / article / (epoch + ".txt"));
  EXPECT_TRUE(text.ok()) << article << "/" << epoch;
  if (!text.ok()) return {};
  const auto capture = parse_archive(*text);
  EXPECT_TRUE(capture.ok()) << capture.error().message;
  if (!capture.ok()) return {};
  auto parsed = extract_archive(*capture, dw_rules());
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? std::move(*parsed) : Article{};
}

class DwCorpus : public ::testing::TestWithParam<size_t> {};

TEST_P(DwCorpus, ClassesAndCounts) {
  ASSERT_TRUE(fs::exists(corpus_dir())) << corpus_dir();
  const Expected& e = expectations()[GetParam()];
  SCOPED_TRACE(std::string(e.article) + " " + e.old_epoch + "→" + e.new_epoch + ": " + e.why);
  const Article old_a = load(e.article, e.old_epoch);
  const Article new_a = load(e.article, e.new_epoch);
  ASSERT_FALSE(old_a.blocks.empty() && old_a.headline.empty());
  const Change c = compare(old_a, new_a);

  EXPECT_EQ(c.classes, e.classes) << render(c, old_a, new_a, DiffFormat::text);
  EXPECT_EQ(c.stats.paragraphs_added, e.added);
  EXPECT_EQ(c.stats.paragraphs_removed, e.removed);
  EXPECT_EQ(c.stats.paragraphs_changed, e.changed);
  EXPECT_EQ(c.stats.paragraphs_moved, e.moved);
  EXPECT_FALSE(c.fell_back);
  if (!c.has_class("body")) {
    EXPECT_TRUE(c.body.empty());
  }
  if (e.max_ops_per_changed >= 0) {
    for (const auto& p : c.body) {
      if (p.fate != ParagraphFate::changed) continue;
      EXPECT_LE(testing::count_ops(p.ops, OpKind::del), e.max_ops_per_changed) << "paragraph " << p.new_index;
      EXPECT_LE(testing::count_ops(p.ops, OpKind::ins), e.max_ops_per_changed) << "paragraph " << p.new_index;
    }
  }
  testing::expect_body_reproduces(c, old_a, new_a);
  EXPECT_EQ(fingerprint(old_a) == fingerprint(new_a), !c.changed());
  // No modified date on either side: redline cannot tell whether readers were told, so never `silent`.
  EXPECT_FALSE(old_a.modified || new_a.modified);
  EXPECT_FALSE(c.has_class("silent"));
  EXPECT_EQ(c.summary.empty(), !c.changed());
}

INSTANTIATE_TEST_SUITE_P(Transitions, DwCorpus, ::testing::Range<size_t>(0, 22), [](const auto& param_info) {
  const Expected& e = expectations()[param_info.param];
  std::string name = std::string(e.article).substr(2) + "_" + std::to_string(param_info.param);
  return name;
});

// Named checks from the brief, on top of the table.
TEST(DwCorpusDetails, NameFixIsThreeSmallWordOperations) {
  ASSERT_TRUE(fs::exists(corpus_dir())) << corpus_dir();
  const Article a = load("a-70241396", "1726582624000");
  const Article b = load("a-70241396", "1726584423000");
  const Change c = compare(a, b);
  int changed = 0;
  for (const auto& p : c.body) {
    if (p.fate != ParagraphFate::changed) continue;
    ++changed;
    EXPECT_EQ(testing::count_ops(p.ops, OpKind::del), 1);
    EXPECT_EQ(testing::count_ops(p.ops, OpKind::ins), 1);
    for (const auto& op : p.ops) {
      if (op.kind == OpKind::ins) {
        EXPECT_NE(op.text.find("王"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(changed, 3);
  EXPECT_LE(c.stats.words_removed, 6);
}

TEST(DwCorpusDetails, FooterWithoutRuleIsAChange) {
  ASSERT_TRUE(fs::exists(corpus_dir())) << corpus_dir();
  // Without the drop_text rule the footer shows up; with it (the table above) it does not.
  const auto read = [](const char* epoch) {
    const auto text = read_file(corpus_dir() / "a-70111745" / (std::string(epoch) + ".txt"));
    return *extract_archive(*parse_archive(*text));
  };
  const Change c = compare(read("1725781624000"), read("1725790625000"));
  EXPECT_TRUE(c.has_class("body"));
  EXPECT_GE(c.stats.paragraphs_removed, 1);
}

TEST(DwCorpusDetails, NoChangeRecaptureHasNoChangeAndEqualFingerprints) {
  ASSERT_TRUE(fs::exists(corpus_dir())) << corpus_dir();
  const Article a = load("a-70072918", "1725202024000");
  const Article b = load("a-70072918", "1725949024000");
  EXPECT_FALSE(compare(a, b).changed());
  EXPECT_EQ(fingerprint(a), fingerprint(b));
}

}  // namespace
}  // namespace redline
