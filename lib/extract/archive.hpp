// Feed-archive captures: "<!--epoch ms-->", "[headline](url)", a line of dashes, then an HTML body
// whose first <div><i>author<br>date</i></div> holds the byline and date (see docs/extraction.md).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/article.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "extract/extractor.hpp"

namespace redline {

struct ArchiveCapture {
  Timestamp captured_at{};
  std::string headline;
  std::string url;
  std::string html;  // the body fragment
};

// True when `text` starts like a feed-archive capture.
bool looks_like_archive(std::string_view text);
Result<ArchiveCapture> parse_archive(std::string_view text);
// Extracts the fragment; the headline comes from the markdown link, byline and date from the header div.
// Rule problems go to `warnings` (see extract_page). A header author of "null" (or "null NAME") is
// dropped (NAME kept); an empty author gives no authors; no header div gives no date.
Result<Article> extract_archive(const ArchiveCapture& capture, const ExtractRules& rules, ExtractWarnings& warnings);
Result<Article> extract_archive(const ArchiveCapture& capture, const ExtractRules& rules = {});

}  // namespace redline
