#include "util/text.hpp"

#include <unicode/ucasemap.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace redline {

bool is_unicode_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_invisible(char32_t c) {
  return c == 0x00AD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
         c == 0xFEFF || c == 0x180E;
}

char32_t next_code_point(std::string_view s, size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  // ICU's decoder: an ill-formed sequence becomes one U+FFFD per maximal subpart, as ICU's own
  // conversions (UnicodeString::fromUTF8, which the tokenizer uses) repair it.
  const auto* p = reinterpret_cast<const uint8_t*>(s.data() + pos);
  const auto length = static_cast<int32_t>(std::min<size_t>(s.size() - pos, 4));
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT_OR_FFFD(p, i, length, c);
  pos += static_cast<size_t>(i);
  return static_cast<char32_t>(c);
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string normalize_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t pos = 0;
  while (pos < text.size()) {
    if (const auto b = static_cast<unsigned char>(text[pos]); b < 0x80) {  // ASCII: no decoding
      if (is_unicode_space(b)) {
        pending_space = !out.empty();
        ++pos;
        continue;
      }
      size_t end = pos + 1;
      while (end < text.size() && static_cast<unsigned char>(text[end]) > ' ' &&
             static_cast<unsigned char>(text[end]) < 0x80)
        ++end;
      if (pending_space) out += ' ';
      pending_space = false;
      out.append(text.substr(pos, end - pos));
      pos = end;
      continue;
    }
    const char32_t cp = next_code_point(text, pos);
    if (is_invisible(cp)) continue;
    if (is_unicode_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    append_utf8(out, cp);
  }
  return out;
}

bool is_blank(std::string_view text) { return normalize_space(text).empty(); }

std::string make_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) append_utf8(out, next_code_point(text, pos));
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string fold_case(std::string_view text) {
  // The map has no locale (root folding) and is only read after it is made: one for all threads.
  static const std::unique_ptr<UCaseMap, decltype(&ucasemap_close)> map = [] {
    UErrorCode status = U_ZERO_ERROR;
    return std::unique_ptr<UCaseMap, decltype(&ucasemap_close)>(ucasemap_open("", U_FOLD_CASE_DEFAULT, &status),
                                                                &ucasemap_close);
  }();
  const std::string valid = make_valid_utf8(text);
  if (!map) return ascii_lower(valid);
  std::string out(valid.size() + valid.size() / 2 + 8, '\0');  // folding rarely grows text (ß → ss)
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    const int32_t length = ucasemap_utf8FoldCase(map.get(), out.data(), static_cast<int32_t>(out.size()), valid.data(),
                                                 static_cast<int32_t>(valid.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.resize(static_cast<size_t>(length));
      continue;
    }
    if (U_FAILURE(status)) return ascii_lower(valid);
    out.resize(static_cast<size_t>(length));
    return out;
  }
  return ascii_lower(valid);
}

std::string_view trim(std::string_view text) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!text.empty() && ws(text.front())) text.remove_prefix(1);
  while (!text.empty() && ws(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace redline
