#include "feeds/feed_article.hpp"

#include "extract/archive.hpp"
#include "util/text.hpp"

namespace redline {

Result<Article> feed_item_article(const FeedItem& item, std::string_view feed_language, const ExtractRules& rules,
                                  ExtractWarnings& warnings) {
  if (is_blank(item.best_html()) && item.title.empty())
    return make_error(Errc::invalid_input, "feed item " + item.id + " has neither text nor title");
  ArchiveCapture capture;
  capture.headline = item.title;
  capture.url = item.link.empty() ? item.id : item.link;
  capture.html = item.best_html();
  auto article = extract_archive(capture, rules, warnings);
  if (!article) return article;
  if (!item.authors.empty()) article->authors = item.authors;
  if (!article->published) article->published = item.published;
  article->modified = item.updated;
  if (article->language.empty()) article->language = std::string(feed_language);
  return article;
}

Result<Article> feed_item_article(const FeedItem& item, std::string_view feed_language, const ExtractRules& rules) {
  ExtractWarnings ignored;
  return feed_item_article(item, feed_language, rules, ignored);
}

}  // namespace redline
