#include "cli/json_output.hpp"

namespace redline::cli {

nlohmann::json json_time(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json json_blocks(const Article& article) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : article.blocks) blocks.push_back({{"kind", std::string(to_string(b.kind))}, {"text", b.text}});
  return blocks;
}

}  // namespace redline::cli
