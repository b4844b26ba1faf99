// Differences that are not changes: whitespace, Unicode forms, invisible characters, ignored text.
#include <gtest/gtest.h>

#include "diff/compare.hpp"
#include "diff_test_util.hpp"

namespace redline {
namespace {

using testing::expect_body_reproduces;
using testing::make_article;

// compare() and fingerprint() must agree: no change ⇔ equal fingerprints.
void expect_no_change(const Article& a, const Article& b, const CompareOptions& options = {}) {
  const Change c = compare(a, b, options);
  EXPECT_FALSE(c.changed()) << "classes: " << (c.classes.empty() ? "" : c.classes.front());
  EXPECT_EQ(fingerprint(a, options), fingerprint(b, options));
}

void expect_change(const Article& a, const Article& b, const CompareOptions& options = {}) {
  EXPECT_TRUE(compare(a, b, options).changed());
  EXPECT_NE(fingerprint(a, options), fingerprint(b, options));
}

TEST(Noise, WhitespaceOnly) {
  expect_no_change(make_article("Storm  hits coast", {"Winds of 100 km/h.", "More later."}),
                   make_article(" Storm hits\u00A0coast ", {"Winds  of 100\tkm/h.", "More later.\u3000"}));
}

TEST(Noise, WhitespaceBetweenChineseWordsIsNotAChange) {
  expect_no_change(make_article("中國插旗太平洋受挫  專家稱", {"第一段。"}),
                   make_article("中國插旗太平洋受挫 專家稱", {"第一段。"}));
}

TEST(Noise, NfcVersusNfd) {
  expect_no_change(make_article("Caf\u00E9 reopens", {"The caf\u00E9 in M\u00FCnchen reopened."}),
                   make_article("Cafe\u0301 reopens", {"The cafe\u0301 in Mu\u0308nchen reopened."}));
}

TEST(Noise, ZeroWidthAndSoftHyphen) {
  expect_no_change(make_article("Cooperation", {"Talks on cooperation continue."}),
                   make_article("Co\u00ADoperation\u200B", {"Talks\u200B on co\u200Doperation\uFEFF continue."}));
}

TEST(Noise, FullWidthFormsAreTheSameWord) {
  expect_no_change(make_article("ABC 123", {"x"}), make_article("ＡＢＣ １２３", {"x"}));
}

TEST(Noise, IgnorePatternRemovesVolatileText) {
  const Article a = make_article("Storm hits coast", {"Winds of 100 km/h. Updated 5 minutes ago", "More later."});
  const Article b = make_article("Storm hits coast", {"Winds of 100 km/h. Updated 17 minutes ago", "More later."});
  expect_change(a, b);
  CompareOptions options;
  options.ignore = {"Updated \\d+ minutes ago"};
  expect_no_change(a, b, options);
}

TEST(Noise, ParagraphEmptyAfterIgnoreTakesNoPart) {
  CompareOptions options;
  options.ignore = {"^Share this article$"};
  const Article a = make_article("Storm", {"Winds.", "More later."});
  const Article b = make_article("Storm", {"Winds.", "Share this article", "More later."});
  expect_no_change(a, b, options);
  expect_change(a, b);
}

TEST(Noise, EmptyBlocksTakeNoPart) {
  expect_no_change(make_article("Storm", {"Winds.", "More later."}),
                   make_article("Storm", {"Winds.", "", " \u200B ", "More later."}));
}

TEST(Noise, NoiseInsideAChangedParagraphIsNotCounted) {
  const Article a = make_article("Storm", {"Winds  of 100 km/h hit the caf\u00E9."});
  const Article b = make_article("Storm", {"Winds of 120 km/h hit the cafe\u0301."});
  const Change c = compare(a, b);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"body", "numbers", "lede"}));
  EXPECT_EQ(c.stats.words_added, 1);
  EXPECT_EQ(c.stats.words_removed, 1);
  ASSERT_EQ(c.body.size(), 1u);
  int noise = 0;
  for (const auto& op : c.body[0].ops) noise += op.noise ? 1 : 0;
  EXPECT_EQ(noise, 4);  // the double space and the NFD é, each as a del + ins pair
  expect_body_reproduces(c, a, b);
}

TEST(Noise, FingerprintIgnoresModifiedAndBlockKindButNotPublished) {
  Article a = make_article("Storm", {"Winds.", "More later."});
  Article b = a;
  b.modified = from_epoch_ms(1'700'000'000'000);
  b.blocks[0].kind = BlockKind::heading;
  expect_no_change(a, b);
  b.published = from_epoch_ms(1'700'000'000'000);
  expect_change(a, b);
}

TEST(Noise, FingerprintSeparatesFields) {
  // The same words moved between headline and body are a change.
  expect_change(make_article("Storm hits", {"coast"}), make_article("Storm", {"hits coast"}));
  expect_change(make_article("Storm", {"ab"}), make_article("Storm", {"a b"}));
  EXPECT_EQ(fingerprint(make_article("x", {"y"})).size(), 64u);
}

TEST(Noise, ParagraphBoundariesAloneAreNotAChange) {
  // A run-in subheading split off into its own block, or two blocks merged: same words, same order.
  expect_no_change(make_article("Storm", {"「特別激動，饞死了」 為了防疫，北京要求餐飲禁止內用。", "Next."}),
                   make_article("Storm", {"「特別激動，饞死了」", "為了防疫，北京要求餐飲禁止內用。", "Next."}));
  expect_no_change(make_article("Storm", {"Winds of 100 km/h.", "Trees fell."}),
                   make_article("Storm", {"Winds of 100 km/h. Trees fell."}));
  // With another edit, the split is still shown (as a changed and an added paragraph).
  const Change c = compare(make_article("Storm", {"Winds of 100 km/h. Trees fell."}),
                           make_article("Storm", {"Winds of 120 km/h.", "Trees fell."}));
  EXPECT_TRUE(c.has_class("body"));
  EXPECT_EQ(c.stats.paragraphs_changed + c.stats.paragraphs_added, 2);
}

TEST(Noise, ValidateOptions) {
  EXPECT_TRUE(validate_compare_options(CompareOptions{{"Updated \\d+ minutes ago"}}).ok());
  const auto bad = validate_compare_options(CompareOptions{{"ok", "[unclosed"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::config);
}

// Fingerprints are stored with every version and compared with those of later checks: their form
// must not change by accident (a change of form makes every article compare once more).
TEST(Noise, TheFingerprintKeepsItsForm) {
  EXPECT_EQ(fingerprint(make_article("Floods close", {"The road, closed.", "Ferry runs"})),
            "59f0b3cd6bd0dcd581f5b25ff0a272686ae6a7a858449440cb156758f70b80c5");
}

}  // namespace
}  // namespace redline
