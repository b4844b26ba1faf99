// Helpers for the libFuzzer targets: one input split into the parts a target needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace redline::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first NUL byte (seeds write two parts as "A\0B"); without one, in the middle.
inline std::pair<std::string_view, std::string_view> split2(std::string_view in) {
  const size_t nul = in.find('\0');
  if (nul != std::string_view::npos) return {in.substr(0, nul), in.substr(nul + 1)};
  return {in.substr(0, in.size() / 2), in.substr(in.size() / 2)};
}

// Splits at every blank line ("\n\n"), as paragraphs.
inline std::vector<std::string_view> paragraphs(std::string_view in) {
  std::vector<std::string_view> out;
  while (!in.empty()) {
    const size_t end = in.find("\n\n");
    out.push_back(in.substr(0, end));
    if (end == std::string_view::npos) break;
    in.remove_prefix(end + 2);
  }
  return out;
}

}  // namespace redline::fuzz
