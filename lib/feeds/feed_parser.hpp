// Feed bytes → ParsedFeed: RSS 2.0 (and 0.9x), RSS 1.0/RDF, Atom 1.0 (and 0.3), news and plain
// sitemaps, sitemap indexes (see docs/feeds.md for the fields read). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.hpp"
#include "feeds/feed.hpp"

namespace redline {

// Items past this many are ignored (the sitemap protocol allows 50 000 per file).
inline constexpr size_t k_max_feed_items = 50000;

// Detects the format from the root element and parses it. Tolerates what real feeds get wrong:
// malformed XML (recovered), a BOM, any encoding named in the XML declaration (or else in
// `content_type`), HTML entities in RSS, relative links (resolved against xml:base and `feed_url`).
// No network access, no DTD loading, no entity expansion. Fails with Errc::invalid_input when the
// bytes are not a feed ("not a feed: the root element is <html>, …").
Result<ParsedFeed> parse_feed(std::string_view bytes, std::string_view feed_url, std::string_view content_type = {});

}  // namespace redline
