// HTML escaping, shared by diff/'s HTML renderer and notify/'s chat and e-mail formats and the feed-archive writer.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redline {

// Escapes & < > " ' as HTML character references, for text and attribute values.
std::string escape_html(std::string_view text);

// The character a numeric reference "&#code;" stands for, as HTML (and feed readers) decode it: 128–159
// are windows-1252's characters (&#150; is the en dash), and 0, surrogates (D800–DFFF) and numbers past
// U+10FFFF are U+FFFD, so the result is always a Unicode scalar value that encodes as valid UTF-8.
char32_t html_character_reference(unsigned long code);

}  // namespace redline
