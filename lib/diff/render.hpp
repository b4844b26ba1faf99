// Renderers of a Change: text (git --word-diff style), ansi (colour), html (self-contained page), json.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/article.hpp"
#include "core/result.hpp"
#include "diff/change.hpp"

namespace redline {

enum class DiffFormat { text, ansi, html, json };
std::optional<DiffFormat> diff_format_from_string(std::string_view name);

// Renders `change` between `old_version` and `new_version` (the change must come from compare() on them).
std::string render(const Change& change, const Article& old_version, const Article& new_version, DiffFormat format);

// The body of the html page: <header> (classes, stats, link) and <article> with <del>/<ins>, every
// text escaped; for embedding (Atom content, the web UI).
std::string render_html_fragment(const Change& change, const Article& old_version, const Article& new_version);

// The JSON form (schema in docs/diff-format.md): {"classes", "summary", "stats", "facts", "headline", "byline",
// "body"}.
nlohmann::json to_json(const Change& change);
// Its "stats" member alone.
nlohmann::json to_json(const ChangeStats& stats);
// Its "facts" member alone: {"numbers": [{"old","new","context"}], "quotes": [{"old","new"}], "corrections": [text]}.
nlohmann::json to_json(const ChangeFacts& facts);

// The inverse of to_json(): change_from_json(to_json(c)) == c. Errc::invalid_input when `json`
// does not follow the schema.
Result<Change> change_from_json(const nlohmann::json& json);

}  // namespace redline
