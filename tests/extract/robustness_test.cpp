// Pathological inputs: the extractor never crashes and stays within its documented limits.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "extract/archive.hpp"
#include "extract/extractor.hpp"
#include "util/text.hpp"

namespace redline {
namespace {

// Every block holds valid, normalized, non-empty UTF-8.
void expect_well_formed(const Article& a) {
  for (const auto& b : a.blocks) {
    EXPECT_FALSE(b.text.empty());
    EXPECT_EQ(make_valid_utf8(b.text), b.text);
    EXPECT_EQ(normalize_space(b.text), b.text);
  }
  EXPECT_EQ(make_valid_utf8(a.headline), a.headline);
}

const std::string k_para = "<p>A sentence of the article, with a comma, and enough words to be a paragraph.</p>";

TEST(Robustness, EmptyAndBlankInputFail) {
  EXPECT_FALSE(extract_page(PageInput{"", "", ""}).ok());
  EXPECT_FALSE(extract_page(PageInput{" \n\t ", "", ""}).ok());
  EXPECT_EQ(extract_page(PageInput{"", "", ""}).error().code, Errc::invalid_input);
}

TEST(Robustness, TruncatedPage) {
  std::string page = "<html><head><title>T</title></head><body><article>";
  for (int i = 0; i < 20; ++i) page += k_para;
  page += "</article></body></html>";
  for (size_t cut : {size_t{10}, page.size() / 3, page.size() / 2, page.size() - 20}) {
    auto a = extract_page(PageInput{std::string_view(page).substr(0, cut), "", ""});
    ASSERT_TRUE(a.ok()) << cut;
  }
  auto half = extract_page(PageInput{std::string_view(page).substr(0, page.size() / 2), "", ""});
  EXPECT_GE(half->blocks.size(), 8u);
}

TEST(Robustness, InvalidUtf8BecomesReplacementCharacters) {
  const std::string page = "<html><meta charset=utf-8><body><p>bad \xC3\x28 bytes \xFF here</p></body></html>";
  auto a = extract_page(PageInput{page, "", ""});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->blocks.size(), 1u);
  EXPECT_EQ(a->blocks[0].text, "bad \xEF\xBF\xBD( bytes \xEF\xBF\xBD here");
}

TEST(Robustness, HundredThousandNestedDivs) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  page += k_para;
  for (int i = 0; i < 100000; ++i) page += "</div>";
  page += "</body></html>";
  const auto start = std::chrono::steady_clock::now();
  auto a = extract_page(PageInput{page, "", ""});
  EXPECT_TRUE(a.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(Robustness, HugePageIsCappedAtTheDocumentedLimit) {
  std::string page = "<html><body><article>";
  while (page.size() < k_max_page_bytes + (1u << 20)) page += k_para;
  page += "<p>THE END beyond the limit.</p></article></body></html>";
  auto a = extract_page(PageInput{page, "", ""});
  ASSERT_TRUE(a.ok());
  EXPECT_GT(a->blocks.size(), 1000u);
  EXPECT_EQ(a->body().find("THE END"), std::string::npos);
}

TEST(Robustness, FiftyMegabytePageIsCappedWithAWarning) {
  std::string page = "<html><body><article>";
  page.reserve(50u << 20);
  while (page.size() < (50u << 20)) page += k_para;
  page += "<p>THE END beyond the limit.</p></article></body></html>";
  ExtractWarnings warnings;
  auto a = extract_page(PageInput{page, "", ""}, {}, warnings);
  ASSERT_TRUE(a.ok());
  expect_well_formed(*a);
  EXPECT_EQ(a->body().find("THE END"), std::string::npos);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "page cut at " + std::to_string(k_max_page_bytes) + " of " + std::to_string(page.size()) + " bytes");
}

std::string utf16le_without_bom(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

TEST(Robustness, Utf16WithoutBomDeclaredAsUtf8) {
  const std::string page = utf16le_without_bom(
      "<html><head><meta charset=utf-8></head><body><article><p>Plain words of the article, with a comma, "
      "and enough of them to count.</p></article></body></html>");
  for (const char* type : {"", "text/html; charset=utf-8", "text/html; charset=iso-8859-1"}) {
    auto a = extract_page(PageInput{page, "", type});
    ASSERT_TRUE(a.ok()) << type;
    expect_well_formed(*a);
    EXPECT_EQ(a->body(), "Plain words of the article, with a comma, and enough of them to count.") << type;
  }
}

TEST(Robustness, MisdeclaredAndTruncatedCharsets) {
  // windows-1252 bytes declared as UTF-8, UTF-8 declared as Shift_JIS, GBK cut inside a character.
  const std::string pages[] = {
      "<html><head><meta charset=utf-8></head><body><p>Gr\xFC\xDF"
      "e aus K\xF6ln, sch\xF6n.</p></body></html>",
      "<html><head><meta charset=shift_jis></head><body><p>Gr\xC3\xBC\xC3\x9F"
      "e "
      "\xE4\xB8\xAD\xE6\x96\x87</p></body></html>",
      "<html><head><meta charset=gbk></head><body><p>\xD6\xD0\xCE\xC4\xD6"};
  for (const auto& page : pages) {
    for (const char* type : {"", "text/html; charset=utf-8", "text/html; charset=utf-16", "text/html; charset=bogus"}) {
      auto a = extract_page(PageInput{page, "", type});
      ASSERT_TRUE(a.ok()) << type;
      expect_well_formed(*a);
      EXPECT_FALSE(a->blocks.empty()) << type;
    }
  }
  // The declared charset is used when the bytes allow it: the first page really is windows-1252 text
  // with a UTF-8 label, so its bad bytes become U+FFFD rather than a guess.
  auto a = extract_page(PageInput{pages[0], "", ""});
  ASSERT_TRUE(a.ok());
  EXPECT_NE(a->body().find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(Robustness, RandomBytesAndTagSoup) {
  std::mt19937 rng(42);
  const std::string pieces[] = {"<div>",
                                "</div>",
                                "<p>",
                                "</p>",
                                "<table><tr><td>",
                                "<script>",
                                "<!--",
                                "-->",
                                "<![CDATA[",
                                "&amp;",
                                "&#xD800;",
                                "\xE4\xB8\xAD",
                                "\xFF",
                                "text, words ",
                                "<br>",
                                "<a href='#'>",
                                "</a>",
                                "<h1>",
                                "<li>",
                                "<meta charset=gbk>",
                                "\0"};
  for (int round = 0; round < 200; ++round) {
    std::string page;
    const int n = static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      if (rng() % 5 == 0)
        page += static_cast<char>(rng() % 256);
      else
        page += pieces[rng() % std::size(pieces)];
    }
    auto a = extract_page(PageInput{page, "http://x/", rng() % 2 ? "text/html; charset=big5" : ""});
    if (a) expect_well_formed(*a);  // or a clean error; ASan/UBSan builds check memory too
    if (auto c = parse_archive("<!--1-->\n[h](u)\n---\n" + page)) {
      auto b = extract_archive(*c);
      ASSERT_TRUE(b.ok());
      expect_well_formed(*b);
    }
  }
}

}  // namespace
}  // namespace redline
