// HTML → Article. Thread-safe: one call parses one document and keeps no state between calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"

namespace redline {

// Per-site extraction rules (the [[site]] table of the config). Regexes use ECMAScript syntax.
struct ExtractRules {
  std::vector<std::string> drop_text;  // a block whose text matches one of these (search) is discarded
  std::string headline_xpath;          // optional overrides; empty = generic extraction
  std::string body_xpath;
  std::string byline_xpath;
  std::vector<std::string> drop_xpaths;  // nodes removed before extraction
};

struct PageInput {
  std::string_view bytes;    // the response body, in any charset
  std::string url;           // the page's URL (for resolving canonical links), may be empty
  std::string content_type;  // the Content-Type header, may be empty (charset hint)
};

// Extracts headline, byline, dates, canonical URL, language and body blocks from a full page or a
// fragment (a full-text feed item). Fails only when the input has no parsable HTML at all.
Result<Article> extract_page(const PageInput& page, const ExtractRules& rules = {});

}  // namespace redline
