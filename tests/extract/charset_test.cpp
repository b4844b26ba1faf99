#include "extract/charset.hpp"

#include <gtest/gtest.h>

#include "extract/extractor.hpp"

namespace redline {
namespace {

constexpr std::string_view k_gbk_zhongwen = "\xD6\xD0\xCE\xC4";  // 中文
constexpr std::string_view k_gbk_long =
    "\xB1\xB1\xBE\xA9\xCA\xD0\xBD\xF1\xCC\xEC\xB7\xA2\xB2\xBC\xC1\xCB\xD0\xC2\xB5\xC4\xBD\xBB\xCD\xA8\xB9\xDC\xC0\xED"
    "\xB9\xE6\xB6\xA8\xA3\xAC\xD2\xAA\xC7\xF3\xCB\xF9\xD3\xD0\xB3\xB5\xC1\xBE\xD4\xDA\xB8\xDF\xB7\xE5\xCA\xB1\xB6\xCE"
    "\xCF\xDE\xD0\xD0\xA1\xA3\xCA\xD0\xC3\xF1\xB6\xD4\xB4\xCB\xB7\xB4\xD3\xA6\xB2\xBB\xD2\xBB\xA3\xAC\xD3\xD0\xC8\xCB"
    "\xD6\xA7\xB3\xD6\xD2\xB2\xD3\xD0\xC8\xCB\xB7\xB4\xB6\xD4\xA1\xA3\xD7\xA8\xBC\xD2\xB1\xED\xCA\xBE\xD5\xE2\xCF\xEE"
    "\xD5\xFE\xB2\xDF\xBD\xAB\xD3\xD0\xD6\xFA\xD3\xDA\xBB\xBA\xBD\xE2\xB3\xC7\xCA\xD0\xBD\xBB\xCD\xA8\xD3\xB5\xB6\xC2"
    "\xCE\xCA\xCC\xE2\xA1\xA3";
constexpr std::string_view k_gbk_long_utf8 =
    "北京市今天发布了新的交通管理规定，要求所有车辆在高峰时段限行。市民对此反应不一，有人支持也有人反对。"
    "专家表示这项政策将有助于缓解城市交通拥堵问题。";
constexpr std::string_view k_cp1251_long =
    "\xCF\xF0\xE0\xE2\xE8\xF2\xE5\xEB\xFC\xF1\xF2\xE2\xEE\x20\xEE\xE1\xFA\xFF\xE2\xE8\xEB\xEE\x20\xEE\x20\xED\xEE\xE2"
    "\xFB\xF5\x20\xEC\xE5\xF0\xE0\xF5\x20\xEF\xEE\xE4\xE4\xE5\xF0\xE6\xEA\xE8\x20\xFD\xEA\xEE\xED\xEE\xEC\xE8\xEA\xE8"
    "\x2E\x20\xCC\xE8\xED\xE8\xF1\xF2\xF0\x20\xF4\xE8\xED\xE0\xED\xF1\xEE\xE2\x20\xE7\xE0\xFF\xE2\xE8\xEB\x2C\x20\xF7"
    "\xF2\xEE\x20\xEF\xF0\xEE\xE3\xF0\xE0\xEC\xEC\xE0\x20\xE1\xF3\xE4\xE5\xF2\x20\xF0\xE5\xE0\xEB\xE8\xE7\xEE\xE2\xE0"
    "\xED\xE0\x20\xE2\x20\xF2\xE5\xF7\xE5\xED\xE8\xE5\x20\xE3\xEE\xE4\xE0\x2E";
constexpr std::string_view k_cp1251_long_utf8 =
    "Правительство объявило о новых мерах поддержки экономики. Министр финансов заявил, что программа будет "
    "реализована в течение года.";

std::string utf16le(std::u16string_view s, bool bom) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (char16_t c : s) {
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

std::string utf16be(std::u16string_view s) {
  std::string out = "\xFE\xFF";
  for (char16_t c : s) {
    out += static_cast<char>(c >> 8);
    out += static_cast<char>(c & 0xFF);
  }
  return out;
}

TEST(Charset, ContentTypeParameter) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=GBK"), "gbk");
  EXPECT_EQ(charset_from_content_type("text/html;charset=\"Shift_JIS\""), "shift_jis");
  EXPECT_EQ(charset_from_content_type("text/html"), "");
}

TEST(Charset, MetaCharsetAndHttpEquiv) {
  EXPECT_EQ(charset_from_meta("<html><head><meta charset=\"big5\"></head>"), "big5");
  EXPECT_EQ(charset_from_meta("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"),
            "windows-1251");
  EXPECT_EQ(charset_from_meta("<meta name=\"x\" content=\"y\">"), "");
}

TEST(Charset, GbkFromHeader) {
  EXPECT_EQ(decode_to_utf8(k_gbk_zhongwen, "text/html; charset=gbk"), "中文");
  // gb2312 labels are decoded with the GBK/GB18030 superset, as browsers do.
  EXPECT_EQ(decode_to_utf8(k_gbk_long, "text/html; charset=gb2312"), k_gbk_long_utf8);
}

TEST(Charset, Big5AndShiftJisFromMeta) {
  EXPECT_EQ(decode_to_utf8(std::string("<meta charset=big5>") + "\xA4\xA4\xA4\xE5", ""), "<meta charset=big5>中文");
  EXPECT_EQ(decode_to_utf8(std::string("<meta charset=shift_jis>") + "\x93\xFA\x96\x7B\x8C\xEA", ""),
            "<meta charset=shift_jis>日本語");
}

TEST(Charset, Windows1251FromHttpEquiv) {
  const std::string page =
      std::string("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>") +
      std::string(k_cp1251_long) + "</p>";
  const std::string utf8 = decode_to_utf8(page, "");
  EXPECT_NE(utf8.find(k_cp1251_long_utf8), std::string::npos) << utf8;
}

TEST(Charset, Utf16WithAndWithoutBom) {
  const std::u16string text = u"<p>Grüße 中文</p>";
  EXPECT_EQ(decode_to_utf8(utf16le(text, true), ""), "<p>Grüße 中文</p>");
  EXPECT_EQ(decode_to_utf8(utf16be(text), ""), "<p>Grüße 中文</p>");
  EXPECT_EQ(detect_charset(utf16le(u"<html><body><p>plain ascii text here</p>", false), ""), "utf-16le");
  EXPECT_EQ(decode_to_utf8(utf16le(u"<html><body><p>plain ascii text here</p>", false), ""),
            "<html><body><p>plain ascii text here</p>");
}

TEST(Charset, BomWinsOverHeaderAndHeaderOverMeta) {
  EXPECT_EQ(detect_charset("\xEF\xBB\xBF<meta charset=gbk>", "text/html; charset=big5"), "utf-8");
  EXPECT_EQ(detect_charset("<meta charset=gbk>", "text/html; charset=big5"), "big5-hkscs");
  // A UTF-16 label in ASCII-compatible bytes is a lie; browsers use UTF-8.
  EXPECT_EQ(detect_charset("<meta charset=utf-16><p>x</p>", ""), "utf-8");
}

TEST(Charset, DetectsUnlabelledLegacyText) {
  EXPECT_EQ(decode_to_utf8(std::string("<p>") + std::string(k_gbk_long) + "</p>", ""),
            "<p>" + std::string(k_gbk_long_utf8) + "</p>");
  EXPECT_EQ(decode_to_utf8(std::string("<p>") + std::string(k_cp1251_long) + "</p>", ""),
            "<p>" + std::string(k_cp1251_long_utf8) + "</p>");
}

TEST(Charset, UnknownLabelFallsBackAndInvalidBytesBecomeReplacement) {
  EXPECT_EQ(decode_to_utf8("abc", "text/html; charset=no-such-charset"), "abc");
  EXPECT_FALSE(convert_to_utf8("abc", "no-such-charset").ok());
  EXPECT_EQ(decode_to_utf8("a\xFF\xFE\xFD", "text/html; charset=utf-8"), "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decode_to_utf8(std::string("a\0b", 3), "text/html; charset=utf-8"),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(Charset, ExtractPageDecodesLegacyPages) {
  const std::string page = std::string("<html><head><meta charset=\"gbk\"><title>") + std::string(k_gbk_zhongwen) +
                           "</title></head><body><article><p>" + std::string(k_gbk_long) +
                           "</p></article></body></html>";
  auto article = extract_page(PageInput{page, "", ""});
  ASSERT_TRUE(article.ok());
  EXPECT_EQ(article->headline, "中文");
  ASSERT_EQ(article->blocks.size(), 1u);
  EXPECT_EQ(article->blocks[0].text, k_gbk_long_utf8);
}

}  // namespace
}  // namespace redline
