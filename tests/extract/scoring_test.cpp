#include "extract/scoring.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "util/text.hpp"

namespace redline {
namespace {

// text_weight as documented, one code point at a time: whitespace weighs 0, CJK 2, the rest 1.
size_t reference_weight(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    const char32_t c = next_code_point(s, i);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x3000) continue;
    const bool cjk = (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
                     (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
    n += cjk ? 2 : 1;
  }
  return n;
}

TEST(Scoring, TextWeightCountsEightAsciiBytesAtATimeLikeOneByOne) {
  EXPECT_EQ(text_weight(""), 0u);
  EXPECT_EQ(text_weight("a b\tc\nd\re  "), 5u);
  EXPECT_EQ(text_weight("中文 text"), 8u);
  const std::string pieces[] = {"a",    "Z", " ",  "\t",     "\n",     "\r",   "!",
                                "\x7f", "é", "中", "\u3000", "\u00A0", "🙂", "x y "};
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t length = rng() % 40;
    for (size_t k = 0; k < length; ++k) text += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(text_weight(text), reference_weight(text)) << "[" << text << "]";
  }
}

}  // namespace
}  // namespace redline
