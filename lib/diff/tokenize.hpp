// Word tokenization for the diff: ICU's word BreakIterator (UAX #29 with dictionary segmentation,
// so Chinese, Japanese and Thai split into words), plus the normalization used for comparison.
//
// A Tokenizer turns one stored text into tokens that cover it completely and in order:
//   - word:  letters, numbers, ideographs, symbols ("$", "+", emoji);
//   - punct: punctuation only (every code point in a Unicode P* category: quotes, brackets, dashes…);
//   - space: whitespace, invisible characters (zero-width spaces/joiners, soft hyphen, BOM, bidi marks)
//            and text matched by an `ignore` pattern. Space tokens are kept for rendering but are never
//            compared.
// Each word/punct token carries a comparison key: its text in NFKC with invisible characters removed.
// Offsets are in Unicode code points of the text given to tokenize().
//
// Thread safety: a Tokenizer holds ICU iterators and is NOT thread-safe; use one per thread (compare()
// makes its own). The free functions are pure and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace redline {

enum class TokenKind { word, punct, space };

struct Token {
  TokenKind kind = TokenKind::word;
  int begin = 0;     // code points into the tokenized text
  int end = 0;       // one past the last code point
  std::string text;  // the stored text of the token (UTF-8)
  std::string key;   // comparison key (NFKC); empty for space tokens
};

class Tokenizer {
 public:
  // `ignore`: ICU regular expressions (ECMAScript-compatible for the usual constructs: classes, \d, \s,
  // quantifiers, alternation, groups). Text they match is treated as space. Invalid patterns are skipped;
  // check them first with validate_ignore_patterns().
  explicit Tokenizer(const std::vector<std::string>& ignore = {});
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  std::vector<Token> tokenize(std::string_view text);

 private:
  struct Icu;  // the ICU objects, kept out of this header
  std::unique_ptr<Icu> m_icu;
};

// Errc::config naming the first pattern that does not compile.
Status validate_ignore_patterns(const std::vector<std::string>& patterns);

// Folds typographic variants of a key to one form (curly/straight quotes and apostrophes, dashes,
// ellipsis, full-width and CJK quotes/brackets) so "don't" and "don’t" compare equal. Used to decide
// the `minor` class, never to hide a change.
std::string typographic_fold(std::string_view key);

// Number of Unicode code points in valid UTF-8 `text`.
int count_code_points(std::string_view text);

}  // namespace redline
