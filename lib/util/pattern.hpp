// Regular expressions for rules applied to text from outside (URLs, page text): RE2, which runs in time
// linear in its input with no recursion, so no URL or paragraph can hang or crash the process.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace redline {

// The longest input a Pattern is run on; the rest of a longer input is not looked at. Callers that can
// refuse longer inputs (URLs: k_max_url_length) do so before they get here.
inline constexpr size_t k_max_pattern_input = 64 * 1024;

// A compiled RE2 pattern, cheap to copy (the compiled program is shared and immutable, so one Pattern may
// be used by several threads at once). A pattern that does not compile is kept with its error: it
// matches nothing, and the config reports the error before any such pattern is used.
class Pattern {
 public:
  Pattern() = default;
  Pattern(std::string source);  // NOLINT(google-explicit-constructor): rules are written as strings
  Pattern(const char* source) : Pattern(std::string(source)) {}  // NOLINT(google-explicit-constructor)

  const std::string& source() const { return m_source; }
  bool empty() const { return m_source.empty(); }
  // Empty when the pattern compiled; otherwise RE2's reason ("missing ): (unclosed").
  const std::string& error() const { return m_error; }
  bool ok() const { return m_re != nullptr; }
  // The number of capture groups (0 for a pattern that did not compile).
  int groups() const;

  // Whether the pattern matches somewhere in `text` (a search, not a full match).
  bool search(std::string_view text) const;
  // The text of the first capture group of the first match, when there is one and it is not empty.
  std::optional<std::string> first_group(std::string_view text) const;

 private:
  std::string m_source;
  std::string m_error;
  std::shared_ptr<const re2::RE2> m_re;
};

}  // namespace redline
