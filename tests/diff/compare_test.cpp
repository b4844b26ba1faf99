#include "diff/compare.hpp"

#include <gtest/gtest.h>

#include "diff/align.hpp"
#include "diff_test_util.hpp"

namespace redline {
namespace {

using testing::count_ops;
using testing::expect_body_reproduces;
using testing::make_article;
using testing::side_of;
using Classes = std::vector<std::string>;

const std::string k_p1 = "The council approved the budget on Monday after a long debate.";
const std::string k_p2 = "Opposition members said the plan cuts too deeply into schools.";
const std::string k_p3 = "The mayor defended the decision at a press conference.";
const std::string k_p4 = "A final vote on the tax rate is expected next month.";

TEST(Compare, IdenticalArticlesHaveNoChange) {
  const Article a = make_article("Budget passes", {k_p1, k_p2, k_p3});
  const Change c = compare(a, a);
  EXPECT_FALSE(c.changed());
  EXPECT_TRUE(c.classes.empty());
  EXPECT_TRUE(c.headline_ops.empty());
  EXPECT_TRUE(c.body.empty());
  EXPECT_DOUBLE_EQ(c.stats.similarity, 1.0);
}

TEST(Compare, HeadlineOnly) {
  const Article a = make_article("Budget passes after debate", {k_p1, k_p2});
  const Article b = make_article("Budget passes after long debate", {k_p1, k_p2});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, Classes{"headline"});
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(c.stats.words_added, 1);
  EXPECT_EQ(c.stats.words_removed, 0);
  EXPECT_EQ(count_ops(c.headline_ops, OpKind::ins), 1);
  EXPECT_EQ(side_of(c.headline_ops, false), a.headline);
  EXPECT_EQ(side_of(c.headline_ops, true), b.headline);
}

TEST(Compare, QuoteFixInHeadlineIsMinor) {
  const Article a = make_article("中国防长：“我们一定会不惜一战“", {k_p1});
  const Article b = make_article("中国防长：“我们一定会不惜一战”", {k_p1});
  EXPECT_EQ(compare(a, b).classes, (Classes{"headline", "minor"}));
  const Article c = make_article("土耳其高官证实该国希望加入”金砖“集团", {k_p1});
  const Article d = make_article("土耳其高官证实该国希望加入“金砖”集团", {k_p1});
  EXPECT_EQ(compare(c, d).classes, (Classes{"headline", "minor"}));
}

TEST(Compare, BracketNormalizationInBodyIsMinor) {
  const Article a = make_article("「光年正傳」遭禁映", {"迪士尼動畫「光年正傳」在14國遭禁。", "其他段落不變。"});
  const Article b = make_article("《光年正傳》遭禁映", {"迪士尼動畫《光年正傳》在14國遭禁。", "其他段落不變。"});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, (Classes{"headline", "body", "minor"}));
  EXPECT_EQ(c.stats.paragraphs_changed, 1);
  EXPECT_EQ(c.stats.words_added, 0);
  EXPECT_EQ(c.stats.words_removed, 0);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, ApostropheTypographyIsMinor) {
  const Article a = make_article("It's over", {"They don't agree."});
  const Article b = make_article("It’s over", {"They don’t agree."});
  EXPECT_EQ(compare(a, b).classes, (Classes{"headline", "body", "minor"}));
}

TEST(Compare, WordEditIsNotMinor) {
  const Article a = make_article("Budget passes", {k_p1, k_p2});
  Article b = a;
  b.blocks[1].text = "Opposition members said the plan cuts too deeply into hospitals.";
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, Classes{"body"});
  ASSERT_EQ(c.body.size(), 2u);
  EXPECT_EQ(c.body[0].fate, ParagraphFate::same);
  EXPECT_EQ(c.body[1].fate, ParagraphFate::changed);
  EXPECT_EQ(count_ops(c.body[1].ops, OpKind::del), 1);
  EXPECT_EQ(count_ops(c.body[1].ops, OpKind::ins), 1);
  EXPECT_EQ(c.stats.words_added, 1);
  EXPECT_EQ(c.stats.words_removed, 1);
  EXPECT_EQ(c.stats.paragraphs_changed, 1);
  EXPECT_GT(c.stats.similarity, 0.9);
  EXPECT_LT(c.stats.similarity, 1.0);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, AddedAndRemovedParagraphs) {
  const Article a = make_article("Budget", {k_p1, k_p2, k_p3});
  const Article b = make_article("Budget", {k_p1, k_p3, k_p4});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, Classes{"body"});
  EXPECT_EQ(c.stats.paragraphs_added, 1);
  EXPECT_EQ(c.stats.paragraphs_removed, 1);
  EXPECT_EQ(c.stats.paragraphs_changed, 0);
  ASSERT_EQ(c.body.size(), 4u);
  EXPECT_EQ(c.body[1].fate, ParagraphFate::removed);
  EXPECT_EQ(c.body[1].old_index, 1);
  EXPECT_EQ(c.body[3].fate, ParagraphFate::added);
  EXPECT_EQ(c.body[3].new_index, 2);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, MovedParagraph) {
  const Article a = make_article("Budget", {k_p1, k_p2, k_p3, k_p4});
  const Article b = make_article("Budget", {k_p2, k_p3, k_p4, k_p1});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, (Classes{"body", "lede"}));  // the first paragraph is another one now
  EXPECT_EQ(c.stats.paragraphs_moved, 1);
  EXPECT_EQ(c.stats.paragraphs_added, 0);
  EXPECT_EQ(c.stats.paragraphs_removed, 0);
  EXPECT_EQ(c.stats.words_added, 0);
  ASSERT_EQ(c.body.size(), 4u);
  EXPECT_EQ(c.body[3].fate, ParagraphFate::moved);
  EXPECT_EQ(c.body[3].old_index, 0);
  EXPECT_EQ(c.body[3].new_index, 3);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, EditedParagraphsArePairedBySimilarity) {
  const Article a = make_article("Budget", {k_p1, k_p2, k_p3});
  const Article b =
      make_article("Budget", {"The council approved the budget on Tuesday after a long debate.", k_p4,
                              "Opposition members said the plan cuts far too deeply into schools.", k_p3});
  const Change c = compare(a, b);
  ASSERT_EQ(c.body.size(), 4u);
  EXPECT_EQ(c.body[0].fate, ParagraphFate::changed);
  EXPECT_EQ(c.body[1].fate, ParagraphFate::added);
  EXPECT_EQ(c.body[2].fate, ParagraphFate::changed);
  EXPECT_EQ(c.body[2].old_index, 1);
  EXPECT_EQ(c.body[2].new_index, 2);
  EXPECT_EQ(c.body[3].fate, ParagraphFate::same);
  EXPECT_EQ(c.stats.paragraphs_changed, 2);
  EXPECT_EQ(c.stats.paragraphs_added, 1);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, RewrittenParagraphIsReplacedNotDiffed) {
  const Article a = make_article("Budget", {k_p1, k_p2});
  const Article b = make_article("Budget", {k_p1, "Unrelated sentence about weather in another city."});
  const Change c = compare(a, b);
  EXPECT_EQ(c.stats.paragraphs_changed, 0);
  EXPECT_EQ(c.stats.paragraphs_removed, 1);
  EXPECT_EQ(c.stats.paragraphs_added, 1);
  expect_body_reproduces(c, a, b);
}

TEST(Compare, BlockKindOrModifiedAloneIsNoChange) {
  Article a = make_article("Budget", {k_p1, k_p2});
  Article b = a;
  b.blocks[1].kind = BlockKind::heading;
  b.modified = from_epoch_ms(1'700'000'000'000);
  EXPECT_FALSE(compare(a, b).changed());
}

TEST(Compare, PublishedDateChange) {
  Article a = make_article("Budget", {k_p1});
  Article b = a;
  a.published = from_epoch_ms(1'700'000'000'000);
  b.published = from_epoch_ms(1'700'003'600'000);
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, Classes{"dates"});
  EXPECT_EQ(c.published_old, a.published);
  EXPECT_EQ(c.published_new, b.published);
}

TEST(Compare, DatesPlusPunctuationIsNotMinor) {
  Article a = make_article("Budget passes", {k_p1});
  Article b = make_article("Budget passes!", {k_p1});
  b.published = from_epoch_ms(1'700'000'000'000);
  EXPECT_EQ(compare(a, b).classes, (Classes{"headline", "dates"}));
}

TEST(Compare, BylineChange) {
  Article a = make_article("Budget", {k_p1});
  Article b = a;
  a.authors = {"Jane Roe"};
  b.authors = {"Jane Roe", "John Doe"};
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, Classes{"byline"});
  EXPECT_EQ(side_of(c.byline_ops, true), "Jane Roe, John Doe");
}

TEST(Compare, StrayPunctuationParagraphRemovedIsMinor) {
  const Article a = make_article("标题", {"第一段。", "。", "第二段。"});
  const Article b = make_article("标题", {"第一段。", "第二段。"});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, (Classes{"body", "minor"}));
  EXPECT_EQ(c.stats.paragraphs_removed, 1);
}

TEST(Compare, MovedAndEditedTogether) {
  const Article a = make_article("Budget", {k_p1, k_p2, k_p3, k_p4});
  const Article b = make_article("Budget", {k_p4, k_p1, "The mayor defended the decision at a news conference.", k_p2});
  const Change c = compare(a, b);
  EXPECT_TRUE(c.has_class("body"));
  expect_body_reproduces(c, a, b);
}

// The cost cap: an ordinary edit in a long paragraph is word-diffed, a shuffled one falls back.
std::vector<std::string> numbered_words(int n) {
  std::vector<std::string> words;
  for (int i = 0; i < n; ++i) words.push_back("w" + std::to_string(i * 7919 % 100003));
  return words;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

TEST(CompareCostCap, OrdinaryEditInLongParagraphIsNotCapped) {
  auto words = numbered_words(6000);
  const std::string old_text = join(words);
  for (size_t i = 50; i < words.size(); i += 100) words[i] = "edited";  // 1 % of the words
  const Article a = make_article("Long", {old_text});
  const Article b = make_article("Long", {join(words)});
  const Change c = compare(a, b);
  EXPECT_FALSE(c.fell_back);
  EXPECT_EQ(c.stats.paragraphs_changed, 1);
  EXPECT_EQ(c.stats.words_added, 60);
  EXPECT_EQ(c.stats.words_removed, 60);
  expect_body_reproduces(c, a, b);
}

TEST(CompareCostCap, ShuffledLongParagraphFallsBackToReplacement) {
  auto words = numbered_words(20000);
  const std::string old_text = join(words);
  // Reverse blocks of 3 words: every word stays (similarity 1) but the edit script is huge.
  for (size_t i = 0; i + 3 <= words.size(); i += 3) std::swap(words[i], words[i + 2]);
  const Article a = make_article("Long", {old_text});
  const Article b = make_article("Long", {join(words)});
  const Change c = compare(a, b);
  EXPECT_TRUE(c.fell_back);
  ASSERT_EQ(c.body.size(), 1u);
  EXPECT_EQ(c.body[0].fate, ParagraphFate::changed);
  EXPECT_EQ(c.body[0].ops.size(), 2u);
  EXPECT_FALSE(c.has_class("minor"));
  expect_body_reproduces(c, a, b);
}

TEST(CompareCostCap, EstimateGrowsWithEditDistance) {
  std::vector<int> a(1000);
  for (int i = 0; i < 1000; ++i) a[static_cast<size_t>(i)] = i;
  std::vector<int> one_edit = a;
  one_edit[500] = -1;
  std::vector<int> reversed(a.rbegin(), a.rend());
  EXPECT_LT(diff_detail::estimate_alignment_cost(a, one_edit), 100);
  EXPECT_GT(diff_detail::estimate_alignment_cost(a, reversed), 500'000);
  EXPECT_EQ(diff_detail::estimate_alignment_cost(a, a), 0);
}

TEST(CompareAlign, BudgetIsChargedAndRespected) {
  std::vector<int> a{1, 2, 3, 4, 5};
  std::vector<int> b{1, 2, 9, 4, 5};
  diff_detail::CostBudget budget{1000, 1000};
  const auto pairs = diff_detail::align(a, b, budget);
  ASSERT_TRUE(pairs.has_value());
  EXPECT_EQ(*pairs, (std::vector<std::pair<int, int>>{{0, 0}, {1, 1}, {3, 3}, {4, 4}}));
  EXPECT_LT(budget.remaining, 1000);
  diff_detail::CostBudget empty{0, 1000};
  EXPECT_FALSE(diff_detail::align(a, b, empty).has_value());
  EXPECT_TRUE(diff_detail::align(a, a, empty).has_value());  // identical: nothing to pay
}

TEST(CompareAlign, PairingKeepsOrderAndThreshold) {
  const std::vector<int> x{1, 2, 3, 4};
  const std::vector<int> y{1, 2, 3, 5};
  const std::vector<int> z{7, 8, 9};
  const auto pairs = diff_detail::pair_by_similarity({&x, &z}, {&z, &y}, 0.5);
  // x~y (0.75) and z~z (1.0) cross; order allows only one of them: the heavier.
  EXPECT_EQ(pairs, (std::vector<std::pair<int, int>>{{1, 0}}));
  EXPECT_TRUE(diff_detail::pair_by_similarity({&x}, {&z}, 0.5).empty());
  EXPECT_DOUBLE_EQ(diff_detail::dice_similarity(x, y), 0.75);
}

}  // namespace
}  // namespace redline
