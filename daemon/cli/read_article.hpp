// Reading a saved page for `extract` and `compare`: .html, .html.gz, feed-archive .txt or "-" (stdin),
// with the [[site]] rules of the configuration when one is given.
#pragma once

#include <string>

#include "config/config.hpp"
#include "core/article.hpp"
#include "core/result.hpp"
#include "extract/extractor.hpp"

namespace redline::cli {

// Extracts `file`. The page's URL is `url` when given, else the capture's URL (feed archives), else
// the page's own canonical URL; the [[site]] of `config` (may be null) that matches it supplies the
// rules. Warnings (a rule that matched nothing) are appended to `warnings`.
Result<Article> read_article(const std::string& file, const std::string& url, const Config* config,
                             ExtractWarnings& warnings);

}  // namespace redline::cli
