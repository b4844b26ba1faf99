// The extraction pipeline shared by extract_page() and extract_archive(): parse UTF-8 HTML, apply
// drop_xpaths, read metadata, apply the optional hook, find the body, apply the xpath overrides and
// drop_text. Internal to lib/extract. Thread-safe: each call owns its tree.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/article.hpp"
#include "core/result.hpp"
#include "extract/dom.hpp"
#include "extract/extractor.hpp"

namespace redline {

struct DocumentOptions {
  bool fragment = false;  // no page chrome: every block of the body is content
  // Runs after metadata and before body extraction; may edit the tree and the article.
  std::function<void(xmlDoc*, Article&)> before_body;
};

Result<Article> extract_document(std::string_view utf8, const std::string& url, const ExtractRules& rules,
                                 ExtractWarnings& warnings, const DocumentOptions& options);

}  // namespace redline
