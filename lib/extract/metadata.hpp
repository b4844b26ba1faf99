// Page metadata: headline, authors, dates, canonical URL, language and site name, from JSON-LD,
// OpenGraph/Twitter/Dublin Core <meta> tags and the markup (<h1>, <title>, <time>, rel=author).
// Pure functions over a parsed tree; thread-safe per tree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/article.hpp"
#include "extract/dom.hpp"

namespace redline {

// What the page's JSON-LD says about the article (the first object whose @type is an article
// type: NewsArticle, Article, ReportageNews, BlogPosting, …, searched through arrays, @graph and
// mainEntity).
struct JsonLdArticle {
  std::string headline;
  std::vector<std::string> authors;
  std::string date_published;
  std::string date_modified;
  std::string url;
  std::string language;
  std::string publisher;
  std::string article_body;  // plain text, used to steer body extraction
};

std::optional<JsonLdArticle> find_jsonld_article(xmlDoc* doc);

// Fills every metadata field of `article` (not `blocks`). `page_url` resolves relative links.
void extract_metadata(xmlDoc* doc, const std::string& page_url, const std::optional<JsonLdArticle>& jsonld,
                      Article& article);

// Parses a date as found in metadata: RFC 3339 / ISO 8601 (via parse_rfc3339), plus common variants
// ("2024-06-01T12:00:00+0800", "2024/06/01 12:00", "20240601").
std::optional<Timestamp> parse_meta_date(std::string_view text);

// Cleans a byline: drops "By"/"Von"/"Par"/"Por"/"作者：", a literal "null", e-mail addresses and
// URLs; normalizes space. Empty when nothing is left.
std::string clean_author(std::string_view text);

}  // namespace redline
