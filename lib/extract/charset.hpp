// Charset detection and conversion to UTF-8 for fetched pages. Pure functions; thread-safe
// (each call opens its own ICU converter).
//
// Order of evidence (WHATWG "encoding sniffing", simplified):
//   1. a byte-order mark (UTF-8, UTF-16LE/BE) — it wins over any label;
//   2. the charset parameter of the HTTP Content-Type header, unless it names an ASCII-compatible
//      charset and the bytes are BOM-less UTF-16 (NUL in every other byte), or names UTF-16 and the
//      first 512 bytes hold no NUL (markup in UTF-16 always does): servers mislabel pages;
//   3. <meta charset=…> or <meta http-equiv="Content-Type" content="…charset=…"> in the first
//      4096 bytes (a UTF-16 label there is ignored, as browsers do: the bytes are ASCII-compatible);
//   4. detection: NUL-byte patterns for BOM-less UTF-16, valid UTF-8, then ICU's charset detector
//      (ucsdet), falling back to windows-1252.
// Labels follow browser practice: gb2312/gbk → GB18030, iso-8859-1/ascii → windows-1252,
// big5 → Big5-HKSCS, shift_jis → windows-31j, euc-kr → windows-949.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace redline {

// The charset parameter of a Content-Type value, lower-cased; empty when absent.
std::string charset_from_content_type(std::string_view content_type);

// The charset named by a <meta> element in the first 4096 bytes, lower-cased; empty when none.
std::string charset_from_meta(std::string_view bytes);

// The charset label to decode `bytes` with (never empty; see the order above).
std::string detect_charset(std::string_view bytes, std::string_view content_type);

// Converts `bytes` from `charset` to UTF-8. Undecodable bytes become U+FFFD. Fails only when ICU
// knows no converter for the label.
Result<std::string> convert_to_utf8(std::string_view bytes, std::string_view charset);

// detect_charset + convert_to_utf8, with a leading BOM removed and NUL characters replaced by
// U+FFFD. Never fails: an unknown label falls back to detection, then to windows-1252.
std::string decode_to_utf8(std::string_view bytes, std::string_view content_type);

}  // namespace redline
