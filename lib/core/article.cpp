#include "core/article.hpp"

#include <array>

namespace redline {

namespace {
constexpr std::array<std::string_view, 6> k_kind_names = {"paragraph", "heading", "list_item",
                                                          "quote",     "caption", "table"};

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}
}  // namespace

std::string_view to_string(BlockKind kind) { return k_kind_names.at(static_cast<size_t>(kind)); }

std::optional<BlockKind> block_kind_from_string(std::string_view name) {
  for (size_t i = 0; i < k_kind_names.size(); ++i)
    if (k_kind_names[i] == name) return static_cast<BlockKind>(i);
  return std::nullopt;
}

std::string Article::byline() const { return join(authors, ", "); }

std::string Article::body() const {
  std::string out;
  for (const auto& b : blocks) {
    if (!out.empty()) out += '\n';
    out += b.text;
  }
  return out;
}

}  // namespace redline
