// libFuzzer target: RSS 2.0, RSS 1.0, Atom and sitemaps (parse_feed), with a charset hint taken from the
// first byte, and each item made into an article as a content-mode feed would.
#include <string>

#include "feeds/feed_article.hpp"
#include "feeds/feed_parser.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  const std::string_view bytes = fuzz::as_text(data, size);
  static const char* const k_types[] = {"", "application/rss+xml; charset=utf-8", "text/xml; charset=iso-8859-1",
                                        "application/atom+xml; charset=utf-16", "text/xml; charset=windows-1251"};
  auto feed = parse_feed(bytes, "https://example.com/feed.xml", k_types[size ? data[0] % 5 : 0]);
  if (!feed) return 0;
  for (const auto& item : feed->items) {
    ExtractWarnings warnings;
    (void)item.date();
    if (auto article = feed_item_article(item, feed->language, {}, warnings)) (void)article->body();
  }
  return 0;
}
