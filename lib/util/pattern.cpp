#include "util/pattern.hpp"

#include <re2/re2.h>

namespace redline {

namespace {

// RE2 bounds the memory of a compiled program; 8 MiB is RE2's own default and more than any rule needs.
constexpr int64_t k_max_program_memory = 8 << 20;

re2::StringPiece capped(std::string_view text) {
  text = text.substr(0, k_max_pattern_input);
  return {text.data(), text.size()};
}

}  // namespace

Pattern::Pattern(std::string source) : m_source(std::move(source)) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(k_max_program_memory);
  auto re = std::make_shared<const RE2>(m_source, options);
  if (re->ok())
    m_re = std::move(re);
  else
    m_error = re->error();
}

int Pattern::groups() const { return m_re ? m_re->NumberOfCapturingGroups() : 0; }

bool Pattern::search(std::string_view text) const { return m_re && RE2::PartialMatch(capped(text), *m_re); }

std::optional<std::string> Pattern::first_group(std::string_view text) const {
  if (!m_re || m_re->NumberOfCapturingGroups() < 1) return std::nullopt;
  re2::StringPiece group;
  if (!RE2::PartialMatch(capped(text), *m_re, &group) || group.empty()) return std::nullopt;
  return std::string(group.data(), group.size());
}

}  // namespace redline
