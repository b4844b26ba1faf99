#include "util/text.hpp"

#include <gtest/gtest.h>
#include <unicode/unistr.h>

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
  // One U+FFFD per maximal subpart, as ICU repairs text (the diff's tokenizer uses ICU's repair, so
  // offsets agree): a cut-off sequence is one, an overlong or surrogate one byte each.
  EXPECT_EQ(make_valid_utf8("\xE4\xB8"), "\xEF\xBF\xBD");
  EXPECT_EQ(make_valid_utf8("\xF0\x9F\x98x"), "\xEF\xBF\xBDx");
  EXPECT_EQ(make_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(make_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(make_valid_utf8("\xE9\x30\xB4"),
            "\xEF\xBF\xBD"
            "0\xEF\xBF\xBD");
  std::string repaired;
  for (const std::string_view bad : {"\xE4\xB8", "\xF0\x9F\x98x", "\xC0\xAF", "\xED\xA0\x80", "a\xFF\xFE\xE9\x30"}) {
    repaired.clear();
    EXPECT_EQ(make_valid_utf8(bad),
              icu::UnicodeString::fromUTF8(icu::StringPiece(bad.data(), static_cast<int32_t>(bad.size())))
                  .toUTF8String(repaired));
  }
}

TEST(Text, FoldCaseIsUnicodeFullFolding) {
  EXPECT_EQ(fold_case("ÄHNLICHE Beiträge"), "ähnliche beiträge");
  EXPECT_EQ(fold_case("ŻÓŁW GĘŚ"), "żółw gęś");
  EXPECT_EQ(fold_case("Straße STRASSE"), "strasse strasse");
  EXPECT_EQ(fold_case("ΣΟΦΊΑ 德国之声"), "σοφία 德国之声");
  EXPECT_EQ(fold_case("a\xFF"), "a\xEF\xBF\xBD");
  EXPECT_EQ(fold_case(""), "");
}

TEST(Text, BlankMeansOnlyWhitespaceOrInvisible) {
  EXPECT_TRUE(is_blank(" \xE2\x80\x8B\n"));
  EXPECT_FALSE(is_blank(" x "));
}

}  // namespace
}  // namespace redline
