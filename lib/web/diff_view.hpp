// The diff of two versions as HTML for the desk: inline (one text with <del>/<ins>), side by side
// (old and new columns, paragraphs aligned), or changed paragraphs only with one paragraph of
// context. Every text is escaped; each deletion or insertion is an element of class "edit" (the
// script's n/p keys walk them), and each paragraph names its fate in words (added, removed,
// changed, moved from ¶N), so nothing depends on colour. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/article.hpp"
#include "diff/change.hpp"

namespace redline::web {

enum class DiffView { inline_view, side, changes };
std::optional<DiffView> diff_view_from_string(std::string_view name);
std::string_view to_string(DiffView view);

// The headline of `change` with its word edits ("" ops: the new headline as it is).
std::string headline_html(const Change& change, const Article& new_version);

// The body (and byline) of the diff in `view`.
std::string diff_body_html(const Change& change, const Article& old_version, const Article& new_version, DiffView view);

}  // namespace redline::web
