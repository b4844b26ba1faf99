// Recognizers the facets are built from (diff/facets.hpp): numbers and quotations inside a text,
// correction/update notes, and visible "updated" lines. Plain text in, positions out; multilingual
// (en, de, fr, es, it, pt, nl, pl, ru, zh, ja, ar). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redline::diff_detail {

// A number as written in `text`: digits of any decimal script (ASCII, full-width, Arabic-Indic),
// with the group and decimal separators between them ("3,5", "1 000", "１２", "٣٫٥").
// `key` is the number with its digits in ASCII and its spaces unified: equal keys are the same number.
struct NumberSpan {
  size_t begin = 0;  // byte offsets into the text
  size_t end = 0;
  std::string key;
};
std::vector<NumberSpan> find_numbers(std::string_view text);

// The text between a pair of quotation marks: “…”, „…“, „…”, "…", «…», »…«, ‹…›, 「…」, 『…』.
// `key` is its letters and digits, lower-cased: a quote re-wrapped, re-punctuated or given other
// marks has the same key.
struct QuoteSpan {
  size_t begin = 0;  // byte offsets of the inner text (marks excluded)
  size_t end = 0;
  std::string key;
};
std::vector<QuoteSpan> find_quotes(std::string_view text);

// Letters and digits of `text`, lower-cased: what two notes or two paragraphs must share to be the
// same text when whitespace and punctuation do not count.
std::string letters_key(std::string_view text);
// letters_key(a) == letters_key(b), without building the keys (stops at the first difference).
bool same_letters(std::string_view a, std::string_view b);
// letters_key(text) is not empty.
bool has_letters(std::string_view text);

// A block that is a correction, clarification, editor's note or update note, by its opening words
// ("Correction:", "An earlier version of this article…", "Korrektur:", "Rectificatif", "更正：", "訂正"…).
bool is_correction_note(std::string_view text);

// A visible "updated" line: an update label followed by nothing but a date or time ("Updated 5 minutes
// ago", "Aktualisiert am 3. Mai 2024, 14:05 Uhr", "更新：2024年5月3日"). It tells readers the page
// changed; it is not a note, and its numbers are not the article's.
bool is_updated_line(std::string_view text);

// About `radius` code points of `text` on each side of [begin, end), cut at spaces, "…" where cut.
std::string context_around(std::string_view text, size_t begin, size_t end, int radius = 40);

}  // namespace redline::diff_detail
