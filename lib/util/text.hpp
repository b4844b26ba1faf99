// Text normalization on UTF-8 strings. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redline {

// Collapses every run of Unicode whitespace (including NBSP and ideographic space) to one
// ASCII space, trims both ends, and drops invisible characters (zero-width spaces and joiners,
// soft hyphens, BOM, bidi marks). Invalid UTF-8 bytes become U+FFFD.
std::string normalize_space(std::string_view text);

// True when `text` holds nothing but whitespace and invisible characters.
bool is_blank(std::string_view text);

// Replaces invalid UTF-8 sequences with U+FFFD (one per maximal subpart, as ICU does).
std::string make_valid_utf8(std::string_view text);

// Decodes the UTF-8 code point at `pos` and advances past it; an ill-formed sequence gives one
// U+FFFD for its maximal subpart (ICU's U8_NEXT_OR_FFFD, the decoder every module uses).
// Requires pos < text.size().
char32_t next_code_point(std::string_view text, size_t& pos);

// True for characters that are never visible in an article: zero-width spaces and joiners, soft
// hyphen, BOM, bidi marks.
bool is_invisible(char32_t c);

// True for the whitespace normalize_space collapses (Unicode White_Space, NBSP and ideographic
// space included).
bool is_unicode_space(char32_t c);

// Appends the UTF-8 encoding of `cp`.
void append_utf8(std::string& out, char32_t cp);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view text);

// Unicode full case folding (ICU's ucasemap_utf8FoldCase): "Ähnliche" → "ähnliche", "ŻYCIE" →
// "życie", "Straße" → "strasse". Invalid UTF-8 becomes U+FFFD first.
std::string fold_case(std::string_view text);

// Trims ASCII whitespace at both ends.
std::string_view trim(std::string_view text);

}  // namespace redline
