// JSON pieces shared by the CLI's --json outputs.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "core/article.hpp"
#include "core/time.hpp"

namespace redline::cli {

// RFC 3339 string, or null.
nlohmann::json json_time(const std::optional<Timestamp>& t);
// [{"kind", "text"}, …] of the article's body blocks.
nlohmann::json json_blocks(const Article& article);

}  // namespace redline::cli
