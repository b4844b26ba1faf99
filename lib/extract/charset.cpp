#include "extract/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include "util/text.hpp"

namespace redline {

namespace {

constexpr size_t k_meta_scan_bytes = 4096;
constexpr size_t k_detect_sample_bytes = 64 * 1024;

bool is_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
}

// Reads a charset label starting at `pos` (after optional quotes and spaces).
std::string read_label(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '"' || s[pos] == '\'' || s[pos] == '=')) ++pos;
  size_t end = pos;
  while (end < s.size() && is_label_char(s[end])) ++end;
  return ascii_lower(s.substr(pos, end - pos));
}

// Maps a label to the converter browsers actually use for it.
std::string canonical_label(std::string label) {
  label = ascii_lower(trim(label));
  if (label == "gb2312" || label == "gbk" || label == "x-gbk" || label == "gb_2312-80" || label == "cp936" ||
      label == "euc-cn" || label == "csgb2312" || label == "chinese")
    return "gb18030";
  if (label == "big5" || label == "x-x-big5" || label == "cn-big5" || label == "csbig5" || label == "big5-hkscs")
    return "big5-hkscs";
  if (label == "shift_jis" || label == "shift-jis" || label == "sjis" || label == "x-sjis" || label == "ms_kanji" ||
      label == "windows-31j" || label == "cp932" || label == "csshiftjis")
    return "windows-31j";
  if (label == "euc-kr" || label == "ks_c_5601-1987" || label == "cp949" || label == "windows-949")
    return "windows-949";
  if (label == "iso-8859-1" || label == "latin1" || label == "l1" || label == "ascii" || label == "us-ascii" ||
      label == "iso8859-1" || label == "cp1252")
    return "windows-1252";
  if (label == "utf8" || label == "unicode-1-1-utf-8") return "utf-8";
  if (label == "utf-16" || label == "unicode") return "utf-16le";
  return label;
}

bool converter_exists(const std::string& label) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(label.c_str(), &err);
  if (conv) ucnv_close(conv);
  return U_SUCCESS(err) && conv != nullptr;
}

// The end of the run of ASCII bytes that starts at p[i], read eight bytes at a time.
size_t skip_ascii(const unsigned char* p, size_t i, size_t n) {
  for (uint64_t w; i + 8 <= n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080u) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      i = skip_ascii(p, i, s.size());
      continue;
    }
    size_t len = 0;
    if ((b & 0xE0) == 0xC0 && b >= 0xC2)
      len = 2;
    else if ((b & 0xF0) == 0xE0)
      len = 3;
    else if ((b & 0xF8) == 0xF0 && b <= 0xF4)
      len = 4;
    else
      return false;
    if (i + len > s.size()) return true;  // a sequence cut off by truncation still counts
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// BOM-less UTF-16: mostly-ASCII text shows NUL in every other byte.
std::string sniff_utf16(std::string_view s) {
  const size_t n = std::min<size_t>(s.size(), 512) & ~size_t{1};
  if (n < 8) return {};
  size_t even_nul = 0, odd_nul = 0;
  for (size_t i = 0; i < n; i += 2) {
    even_nul += s[i] == '\0';
    odd_nul += s[i + 1] == '\0';
  }
  if (odd_nul * 3 > n && even_nul * 20 < n) return "utf-16le";
  if (even_nul * 3 > n && odd_nul * 20 < n) return "utf-16be";
  return {};
}

std::string detect_with_icu(std::string_view s) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> det(ucsdet_open(&err), &ucsdet_close);
  if (U_FAILURE(err)) return {};
  const auto sample = s.substr(0, k_detect_sample_bytes);
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &err);
  ucsdet_enableInputFilter(det.get(), true);  // ignore markup
  const UCharsetMatch* match = ucsdet_detect(det.get(), &err);
  if (U_FAILURE(err) || !match) return {};
  const char* name = ucsdet_getName(match, &err);
  if (U_FAILURE(err) || !name) return {};
  return canonical_label(name);
}

}  // namespace

std::string charset_from_content_type(std::string_view content_type) {
  const std::string lower = ascii_lower(content_type);
  const size_t pos = lower.find("charset");
  if (pos == std::string::npos) return {};
  return read_label(lower, pos + 7);
}

std::string charset_from_meta(std::string_view bytes) {
  const std::string head = ascii_lower(bytes.substr(0, k_meta_scan_bytes));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    const size_t end = head.find('>', pos);
    const std::string_view tag =
        std::string_view(head).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos += 5;
    const size_t cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    std::string label = read_label(tag, cs + 7);
    if (!label.empty()) return label;
  }
  return {};
}

std::string detect_charset(std::string_view bytes, std::string_view content_type) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return "utf-8";
  if (bytes.starts_with("\xFF\xFE")) return "utf-16le";
  if (bytes.starts_with("\xFE\xFF")) return "utf-16be";
  const std::string utf16 = sniff_utf16(bytes);
  if (std::string label = charset_from_content_type(content_type); !label.empty()) {
    label = canonical_label(label);
    // NUL in every other byte cannot be an ASCII-compatible charset, and markup in UTF-16 has NUL
    // bytes: a header that contradicts the bytes is wrong.
    const bool says_utf16 = label.starts_with("utf-16");
    const bool has_nul = bytes.substr(0, 512).find('\0') != std::string_view::npos;
    if (converter_exists(label) && (says_utf16 ? has_nul : utf16.empty())) return label;
  }
  if (!utf16.empty()) return utf16;
  if (std::string label = charset_from_meta(bytes); !label.empty()) {
    label = canonical_label(label);
    if (label.starts_with("utf-16")) return "utf-8";
    if (converter_exists(label)) return label;
  }
  if (is_valid_utf8(bytes.substr(0, k_detect_sample_bytes * 4))) return "utf-8";
  if (std::string label = detect_with_icu(bytes); !label.empty() && converter_exists(label)) return label;
  return "windows-1252";
}

// Well-formed UTF-8 by the Unicode table (no overlongs, surrogates or truncated sequences): such
// text needs no repair, and checking is much cheaper than rebuilding it code point by code point.
bool is_well_formed_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      i = skip_ascii(p, i, n);
      continue;
    }
    const unsigned char b = p[i];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

Result<std::string> convert_to_utf8(std::string_view bytes, std::string_view charset) {
  const std::string label = canonical_label(std::string(charset));
  if (label == "utf-8") return is_well_formed_utf8(bytes) ? std::string(bytes) : make_valid_utf8(bytes);
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(label.c_str(), &err), &ucnv_close);
  if (U_FAILURE(err) || !conv) return make_error(Errc::invalid_input, "unknown charset: " + label);
  if (bytes.empty()) return std::string{};
  // Worst case: every input byte becomes a 3-byte U+FFFD; every 2 bytes of UTF-16 at most 4 bytes.
  std::string out(bytes.size() * 3 + 16, '\0');
  err = U_ZERO_ERROR;
  const int32_t n = ucnv_toAlgorithmic(UCNV_UTF8, conv.get(), out.data(), static_cast<int32_t>(out.size()),
                                       bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err)) return make_error(Errc::invalid_input, "cannot convert from " + label);
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string decode_to_utf8(std::string_view bytes, std::string_view content_type) {
  std::string label = detect_charset(bytes, content_type);
  auto converted = convert_to_utf8(bytes, label);
  std::string text = converted ? std::move(*converted) : make_valid_utf8(bytes);
  if (std::string_view(text).starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  if (text.find('\0') != std::string::npos) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
      if (c == '\0')
        clean += "\xEF\xBF\xBD";
      else
        clean += c;
    }
    text = std::move(clean);
  }
  return text;
}

}  // namespace redline
