// What a parsed feed is made of: items (RSS 2.0, RSS 1.0/RDF, Atom, sitemaps) and, for a sitemap
// index, the child sitemaps to fetch. Plain value types; see docs/feeds.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace redline {

enum class FeedFormat { rss2, rss1, atom, sitemap, sitemap_index };
std::string_view to_string(FeedFormat format);

// One entry of a feed or one <url> of a sitemap. Text fields are UTF-8 and whitespace-normalized
// (title, authors); HTML fields are HTML as published (relative links not rewritten).
struct FeedItem {
  std::string id;     // <guid>, Atom <id>, rdf:about, else the link; never empty
  std::string link;   // absolute (resolved against xml:base and the feed URL); may be empty for odd items
  std::string title;  // plain text (HTML entities and tags in RSS titles decoded)
  std::optional<Timestamp> published;  // pubDate, dc:date, Atom published, news:publication_date
  std::optional<Timestamp> updated;    // Atom updated, dcterms:modified, sitemap lastmod
  std::vector<std::string> authors;    // dc:creator, <author>, Atom author/name (the feed's when the entry has none)
  std::string content_html;            // full text: content:encoded or Atom <content>; empty when absent
  std::string summary;                 // RSS <description>, Atom <summary> (HTML)

  // The newest of published and updated, or nullopt when the item has no date.
  std::optional<Timestamp> date() const;
  // content_html when present, else summary.
  const std::string& best_html() const;
};

// A child of a sitemap index.
struct SitemapRef {
  std::string url;  // absolute
  std::optional<Timestamp> lastmod;
};

struct ParsedFeed {
  FeedFormat format = FeedFormat::rss2;
  std::string title;                 // channel/feed title; empty for sitemaps
  std::string link;                  // the site's home page, when the feed names one
  std::string language;              // as declared (<language>, xml:lang, dc:language); may be empty
  std::vector<FeedItem> items;       // in document order
  std::vector<SitemapRef> sitemaps;  // sitemap_index only, in document order
};

}  // namespace redline
