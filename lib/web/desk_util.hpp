// Helpers shared by the desk's pages (internal to lib/web).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"
#include "util/url.hpp"  // percent_encode
#include "web/desk.hpp"

namespace redline::web::detail {

// "/a/<key>" with the key encoded as one segment.
std::string article_href(std::string_view key);
std::optional<std::string> param(const Params& query, std::string_view name);

// The article by key or any URL recorded for it; a ready error response otherwise.
struct Found {
  std::optional<ArticleRecord> article;
  std::optional<WebResponse> error;
};
Found find_article(ArticleStore& store, const std::string& key);

// A version number as the API takes it: 1-based, negative counts from the newest; nullptr when out of range.
const VersionRecord* pick_version(const std::vector<VersionRecord>& versions, std::string_view text);

// Class badges.
std::string badges(const std::vector<std::string>& classes);

WebResponse store_failure(const Error& error);

}  // namespace redline::web::detail
