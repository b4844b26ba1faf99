// mode = "content": a full-text feed item as an Article version. Pure; thread-safe.
#pragma once

#include <string_view>

#include "core/article.hpp"
#include "core/result.hpp"
#include "extract/extractor.hpp"
#include "feeds/feed.hpp"

namespace redline {

// Extracts the item's HTML (content_html, else summary) as a fragment, the way feed-archive captures
// are extracted (extract_archive): a leading <div><i>author<br>date</i></div> header, as feedx.net
// writes it, gives byline and date and is removed from the body. Then:
//   headline  = the item's title (unless rules.headline_xpath is set);
//   authors   = the item's authors, else the header's;
//   published = the header's date (the article's own date, which stays put while aggregators re-date
//               the item), else the item's published;
//   modified  = the item's updated; canonical_url = the item's link (its id when it has no link);
//   language  = `feed_language` when the content does not declare one.
// Rule problems are appended to `warnings`. Fails only when the item has neither text nor title.
Result<Article> feed_item_article(const FeedItem& item, std::string_view feed_language, const ExtractRules& rules,
                                  ExtractWarnings& warnings);
Result<Article> feed_item_article(const FeedItem& item, std::string_view feed_language = {},
                                  const ExtractRules& rules = {});

}  // namespace redline
