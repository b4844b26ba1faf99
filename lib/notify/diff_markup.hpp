// The text word diff of an event ("[-removed-]", "{+added+}", paragraphs separated by blank lines, as
// rendered by diff/) read back into pieces, so that chat messages and e-mails can restyle it (bold and
// strike-through, <ins>/<del>) without notify depending on diff/.
//
// The markers are read greedily: a "[-" opens a removal that ends at the next "-]" (likewise "{+" and
// "+}"); an unterminated marker is kept as plain text. Article text that itself contains these markers
// is therefore restyled imperfectly, never lost.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redline {

struct DiffPiece {
  enum class Kind { same, removed, added };
  Kind kind = Kind::same;
  std::string text;
};

using DiffParagraph = std::vector<DiffPiece>;

// Splits the text diff into paragraphs (on blank lines) of pieces.
std::vector<DiffParagraph> parse_diff_markup(std::string_view diff);

// True when the paragraph holds an added or removed piece.
bool has_changes(const DiffParagraph& paragraph);

// The first `max_paragraphs` changed paragraphs (unchanged ones are dropped); `dropped` is set to the
// number of changed paragraphs left out.
std::vector<DiffParagraph> changed_paragraphs(const std::vector<DiffParagraph>& paragraphs, size_t max_paragraphs,
                                              size_t& dropped);

// The longest prefix of `text` of at most `max_bytes` bytes that ends on a UTF-8 code point boundary,
// with `ellipsis` appended (within the limit) when something was cut.
std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view ellipsis = "…");

// Like truncate_utf8 but counts Unicode code points (Discord's and Mattermost's limits are in characters).
std::string truncate_code_points(std::string_view text, size_t max_chars, std::string_view ellipsis = "…");

// Number of code points in UTF-8 `text` (continuation bytes not counted).
size_t utf8_char_count(std::string_view text);

}  // namespace redline
