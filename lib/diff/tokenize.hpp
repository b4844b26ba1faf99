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
// Tokens are views (16 bytes each, not strings): of the text given to tokenize(), which must outlive
// them, or of storage owned by the Tokens (keys that differ from the text, repaired UTF-8). A diff of
// 50 000 words holds about 200 000 tokens, so their size is most of the diff's memory.
//
// Thread safety: a Tokenizer holds ICU iterators and is NOT thread-safe; use one per thread (compare()
// makes its own). The free functions are pure and thread-safe.
#pragma once

#include <forward_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace redline {

enum class TokenKind { word, punct, space };

struct Token {
  std::string_view text;  // the stored text of the token (UTF-8)
  std::string_view key;   // comparison key (NFKC); empty for space tokens
  TokenKind kind = TokenKind::word;
};

// The tokens of one text, in order. Movable, not copyable (a copy's views would point into the
// original's storage).
class Tokens {
 public:
  Tokens() = default;
  Tokens(Tokens&&) noexcept = default;
  Tokens& operator=(Tokens&&) noexcept = default;
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  const Token& operator[](size_t i) const { return m_list[i]; }
  size_t size() const { return m_list.size(); }
  bool empty() const { return m_list.empty(); }
  const Token& back() const { return m_list.back(); }
  std::vector<Token>::const_iterator begin() const { return m_list.begin(); }
  std::vector<Token>::const_iterator end() const { return m_list.end(); }

 private:
  friend class Tokenizer;
  std::string_view own(std::string text) { return m_owned.emplace_front(std::move(text)); }

  std::vector<Token> m_list;
  std::forward_list<std::string> m_owned;  // nodes never move, so views of them stay valid
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

  // Tokens of `text`, which must outlive them.
  Tokens tokenize(std::string_view text);
  // Tokens of a copy of `text` that they own (for a temporary text).
  Tokens tokenize_copy(std::string text);

 private:
  void tokenize_into(std::string_view text, Tokens& tokens);

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
