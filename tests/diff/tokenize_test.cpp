#include "diff/tokenize.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

namespace redline {
namespace {

std::vector<std::string> texts_of(const Tokens& tokens, bool skip_space = true) {
  std::vector<std::string> out;
  for (const auto& t : tokens)
    if (!skip_space || t.kind != TokenKind::space) out.push_back(std::string(t.text));
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Every tokenization must cover its input exactly, in order, with no empty token.
void expect_covers(const Tokens& tokens, const std::string& text) {
  std::string joined;
  for (const auto& t : tokens) {
    EXPECT_FALSE(t.text.empty());
    EXPECT_EQ(t.key.empty(), t.kind == TokenKind::space) << t.text;
    joined += t.text;
  }
  EXPECT_EQ(joined, text);
}

TEST(Tokenize, EnglishWordsPunctuationAndSpaces) {
  Tokenizer tokenizer;
  const std::string text = "Hello, world! It's 3.5 km — “quoted”.";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  EXPECT_EQ(texts_of(tokens),
            (std::vector<std::string>{"Hello", ",", "world", "!", "It's", "3.5", "km", "—", "“", "quoted", "”", "."}));
  for (const auto& t : tokens) {
    if (t.text == "," || t.text == "—" || t.text == "“" || t.text == "." || t.text == "!") {
      EXPECT_EQ(t.kind, TokenKind::punct) << t.text;
    }
    if (t.text == "Hello" || t.text == "3.5") {
      EXPECT_EQ(t.kind, TokenKind::word) << t.text;
    }
    if (t.text == " ") {
      EXPECT_EQ(t.kind, TokenKind::space);
    }
  }
}

TEST(Tokenize, SymbolsAreWordsNotPunctuation) {
  Tokenizer tokenizer;
  for (const auto& t : tokenizer.tokenize("costs $5 + 10%"))
    if (t.text == "$" || t.text == "+") {
      EXPECT_EQ(t.kind, TokenKind::word) << t.text;
    }
}

TEST(Tokenize, SimplifiedChineseByDictionaryWords) {
  Tokenizer tokenizer;
  const std::string text = "我们一定会不惜一战，中华人民共和国。";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  const auto words = texts_of(tokens);
  EXPECT_TRUE(contains(words, "我们"));
  EXPECT_TRUE(contains(words, "一定"));
  EXPECT_TRUE(contains(words, "，"));
  EXPECT_LT(words.size(), static_cast<size_t>(count_code_points(text)) / 2 + 2);  // words, not characters
  EXPECT_EQ(tokens.back().kind, TokenKind::punct);                                // 。
}

TEST(Tokenize, TraditionalChinese) {
  Tokenizer tokenizer;
  const std::string text = "中國插旗太平洋受挫 為什麼?";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  const auto words = texts_of(tokens);
  EXPECT_TRUE(contains(words, "太平洋"));
  EXPECT_TRUE(contains(words, "中國"));
  EXPECT_EQ(tokens.back().text, "?");
  EXPECT_EQ(tokens.back().kind, TokenKind::punct);
}

TEST(Tokenize, Japanese) {
  Tokenizer tokenizer;
  const std::string text = "日本語の文章を単語に分割します。";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  const auto words = texts_of(tokens);
  EXPECT_TRUE(contains(words, "日本語"));
  EXPECT_TRUE(contains(words, "文章"));
  EXPECT_TRUE(contains(words, "の"));
}

TEST(Tokenize, ThaiWithoutSpaces) {
  Tokenizer tokenizer;
  const std::string text = "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  const auto words = texts_of(tokens);
  EXPECT_TRUE(contains(words, "ภาษา"));
  EXPECT_TRUE(contains(words, "ไทย"));
  EXPECT_GE(words.size(), 5u);
}

TEST(Tokenize, InvisibleCharactersDoNotSplitWords) {
  Tokenizer tokenizer;
  const std::string text = "co\u200Boperate now\u00AD";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].text, "co\u200Boperate");
  EXPECT_EQ(tokens[0].key, "cooperate");
  EXPECT_EQ(tokens.back().kind, TokenKind::space);  // the soft hyphen
}

TEST(Tokenize, KeysAreNfkc) {
  Tokenizer tokenizer;
  const auto nfd = tokenizer.tokenize("Cafe\u0301");
  const auto nfc = tokenizer.tokenize("Caf\u00E9");
  ASSERT_EQ(nfd.size(), 1u);
  ASSERT_EQ(nfc.size(), 1u);
  EXPECT_EQ(nfd[0].key, nfc[0].key);
  EXPECT_NE(nfd[0].text, nfc[0].text);
  const auto wide = tokenizer.tokenize("ｆｕｌｌ");
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0].key, "full");
}

TEST(Tokenize, IgnorePatternsBecomeSpace) {
  Tokenizer tokenizer({"[Uu]pdated \\d+ minutes? ago"});
  const std::string text = "Storm hits coast. Updated 5 minutes ago";
  const auto tokens = tokenizer.tokenize(text);
  expect_covers(tokens, text);
  EXPECT_EQ(texts_of(tokens), (std::vector<std::string>{"Storm", "hits", "coast", "."}));
  EXPECT_EQ(tokens.back().kind, TokenKind::space);
  EXPECT_EQ(tokens.back().text, " Updated 5 minutes ago");
}

// Finding 2's mechanism for [diff] ignore (ICU): a pattern that backtracks without end gives up within
// its time limit, drops nothing from that text, keeps working on others, and is logged once.
TEST(Tokenize, Finding02_PathologicalIgnorePatternGivesUpLoggedOnce) {
  const auto previous = spdlog::default_logger();
  const auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("tokenize-test", sink));
  Tokenizer tokenizer({"(a+)+$", "ago"});
  const std::string hostile = std::string(40, 'a') + "b ago";
  for (int round = 0; round < 3; ++round) {
    const auto tokens = tokenizer.tokenize(hostile);
    EXPECT_EQ(texts_of(tokens), (std::vector<std::string>{std::string(40, 'a') + "b"}));
  }
  EXPECT_EQ(texts_of(tokenizer.tokenize("x aaa")), (std::vector<std::string>{"x"}));
  const auto lines = sink->last_formatted();
  spdlog::set_default_logger(previous);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("ignore pattern \"(a+)+$\" gave up"), std::string::npos) << lines[0];
}

TEST(Tokenize, InvalidPatternsAreReported) {
  EXPECT_TRUE(validate_ignore_patterns({"ok \\d+", "[a-z]+"}).ok());
  const auto status = validate_ignore_patterns({"fine", "(unclosed"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::config);
  EXPECT_NE(status.error().message.find("(unclosed"), std::string::npos);
  Tokenizer skipping({"(unclosed"});  // skipped, not fatal
  EXPECT_EQ(texts_of(skipping.tokenize("(unclosed")).size(), 2u);
}

TEST(Tokenize, MalformedUtf8BecomesReplacementCharacters) {
  Tokenizer tokenizer;
  const auto tokens = tokenizer.tokenize(
      "caf\xC3 b\xFF"
      "ar \xE4\xB8");
  expect_covers(tokens, "caf\uFFFD b\uFFFDar \uFFFD");
}

TEST(Tokenize, TokensOutliveTheirTokenizerAndAMove) {
  Tokens moved;
  {
    Tokenizer tokenizer;
    std::string temporary = "Ｈｅｌｌｏ world, ｗｏｒｌｄ";
    Tokens tokens = tokenizer.tokenize_copy(temporary);
    temporary.assign(temporary.size(), 'x');
    moved = std::move(tokens);
  }
  expect_covers(moved, "Ｈｅｌｌｏ world, ｗｏｒｌｄ");
  EXPECT_EQ(moved[0].key, "Hello");  // a key of its own (NFKC), owned by the Tokens
  EXPECT_EQ(moved.back().key, "world");
}

TEST(Tokenize, EmptyAndBlankText) {
  Tokenizer tokenizer;
  EXPECT_TRUE(tokenizer.tokenize("").empty());
  const auto blank = tokenizer.tokenize(" \u3000\u200B ");
  ASSERT_EQ(blank.size(), 1u);
  EXPECT_EQ(blank[0].kind, TokenKind::space);
}

TEST(Tokenize, TypographicFold) {
  EXPECT_EQ(typographic_fold("don’t"), "don't");
  EXPECT_EQ(typographic_fold("「光年」"), typographic_fold("《光年》"));
  EXPECT_EQ(typographic_fold("a–b…"), "a-b...");
  EXPECT_NE(typographic_fold("cat"), typographic_fold("cut"));
}

TEST(Tokenize, CountCodePoints) {
  EXPECT_EQ(count_code_points(""), 0);
  EXPECT_EQ(count_code_points("abc"), 3);
  EXPECT_EQ(count_code_points("中文"), 2);
  EXPECT_EQ(count_code_points("😀x"), 2);
}

// All-ASCII text takes a fast path; it must cut and classify exactly as ICU's word iterator does.
// An ignore pattern that matches nothing sends the same text through ICU, for comparison.
TEST(Tokenize, AsciiFastPathAgreesWithIcu) {
  Tokenizer fast;
  Tokenizer icu({"\\x{E000}"});
  // Every ASCII character class, then one weighted towards the joins (letters and digits around
  // '.', '\'', ',', ';', '@', '_').
  const std::string alphabets[] = {"abZ09_.',;: \t\n\r\v-\"$+!?()/&#%@*<=>[]^`{|}~\\",
                                   "aaabbZ11190..'',,;;@@__::  \r\n-"};
  std::mt19937 rng(29);
  for (int round = 0; round < 40000; ++round) {
    const std::string& alphabet = alphabets[round % 2];
    std::string text;
    const size_t length = rng() % 24;
    for (size_t i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    if (round == 0) text = "Mr. O'Neill said on Monday: \"It's 3,500.25 (U.S.) dollars -- e-mail a@b.org\".";
    const auto a = fast.tokenize(text);
    const auto b = icu.tokenize(text);
    ASSERT_EQ(a.size(), b.size()) << "[" << text << "]";
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].kind, b[i].kind) << "[" << text << "] token " << i << " [" << b[i].text << "]";
      ASSERT_EQ(a[i].text, b[i].text) << "[" << text << "] token " << i;
      ASSERT_EQ(a[i].key, b[i].key) << "[" << text << "] token " << i;
    }
  }
}

}  // namespace
}  // namespace redline
