// HTML → Article. Thread-safe: one call parses one document and keeps no state between calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"
#include "util/pattern.hpp"

namespace redline {

// Per-site extraction rules (the [[site]] table of the config). Regexes are RE2 (linear time).
struct ExtractRules {
  std::vector<Pattern> drop_text;  // a block whose text matches one of these (search) is discarded
  std::string headline_xpath;      // optional overrides; empty = generic extraction
  std::string body_xpath;
  std::string byline_xpath;
  std::vector<std::string> drop_xpaths;  // nodes removed before extraction
};

struct PageInput {
  std::string_view bytes;    // the response body, in any charset
  std::string url;           // the page's URL (for resolving canonical links), may be empty
  std::string content_type;  // the Content-Type header, may be empty (charset hint)
};

// Pages longer than this are cut (the rest is ignored, as if the download had been truncated) and a
// warning says so.
inline constexpr size_t k_max_page_bytes = 8u << 20;
// drop_text regexes are only tested against blocks up to this many bytes: boilerplate lines are short,
// and a rule meant for them must not drop a long paragraph that happens to contain its words.
inline constexpr size_t k_max_drop_text_block = 2000;

// Notes about the rules that do not stop extraction, one line each: an XPath or regex that does not
// compile, a rule that matched nothing ("body_xpath matched nothing: //div[@id='x']").
using ExtractWarnings = std::vector<std::string>;

// Extracts headline, byline, dates, canonical URL, language and body blocks from a full page or a
// fragment (a full-text feed item: no <html>/<body> in the input). Fails only when the input has no
// parsable HTML at all (empty or blank input). Rule problems are appended to `warnings`.
Result<Article> extract_page(const PageInput& page, const ExtractRules& rules, ExtractWarnings& warnings);
// Same, discarding the warnings.
Result<Article> extract_page(const PageInput& page, const ExtractRules& rules = {});

}  // namespace redline
