#include "util/text.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Text, CollapsesAllKindsOfWhitespace) {
  EXPECT_EQ(normalize_space("  a \t\n b\xC2\xA0"
                            "c\xE3\x80\x80"
                            "d  "),
            "a b c d");
}

TEST(Text, DropsInvisibleCharacters) {
  EXPECT_EQ(normalize_space("zero\xE2\x80\x8Bwidth soft\xC2\xADhyphen \xEF\xBB\xBF"), "zerowidth softhyphen");
}

TEST(Text, KeepsChineseAsIs) { EXPECT_EQ(normalize_space(" 德国之声 中文网 "), "德国之声 中文网"); }

TEST(Text, ReplacesInvalidUtf8) {
  EXPECT_EQ(make_valid_utf8("a\xFF"
                            "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(make_valid_utf8("\xE4\xB8"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(make_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(Text, BlankMeansOnlyWhitespaceOrInvisible) {
  EXPECT_TRUE(is_blank(" \xE2\x80\x8B\n"));
  EXPECT_FALSE(is_blank(" x "));
}

}  // namespace
}  // namespace redline
