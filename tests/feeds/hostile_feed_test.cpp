// Feed findings of the hostile-input issue: UTF-16 without a byte-order mark and UTF-32, a <feed> root
// outside the Atom namespace, and items dropped for their age counted.
#include <gtest/gtest.h>

#include "feeds/feed_parser.hpp"
#include "feeds/feed_tracker.hpp"
#include "feeds_test_util.hpp"
#include "util/text.hpp"

namespace redline {
namespace {

using testing::at;

std::string rss(const std::string& encoding) {
  return "<?xml version=\"1.0\" encoding=\"" + encoding +
         "\"?><rss version=\"2.0\"><channel><title>Nachrichten</title><item><title>Überschrift 更正</title>"
         "<link>https://example.com/a-1</link></item></channel></rss>";
}

// Re-encodes ASCII/UTF-8 text as UTF-16 or UTF-32 (code points below U+10000 only).
std::string encode(const std::string& utf8, int width, bool big_endian, bool bom) {
  std::u32string points;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    points.push_back(cp);
    i += n;
  }
  if (bom) points.insert(points.begin(), 0xFEFF);
  std::string out;
  for (const char32_t cp : points)
    for (int b = 0; b < width; ++b) {
      const int shift = big_endian ? 8 * (width - 1 - b) : 8 * b;
      out += static_cast<char>((cp >> shift) & 0xFF);
    }
  return out;
}

TEST(HostileFeed, Finding15_Utf16WithoutBomAndUtf32AreRead) {
  for (const auto& [width, big, bom] : std::vector<std::tuple<int, bool, bool>>{{2, false, false},
                                                                                {2, true, false},
                                                                                {4, false, true},
                                                                                {4, true, true},
                                                                                {4, false, false},
                                                                                {4, true, false}}) {
    const std::string text = rss(width == 2 ? "utf-16" : "utf-32");
    const auto feed = parse_feed(encode(text, width, big, bom), "https://example.com/rss");
    ASSERT_TRUE(feed) << width << big << bom << ": " << feed.error().message;
    ASSERT_EQ(feed->items.size(), 1u);
    EXPECT_EQ(feed->items[0].title, "Überschrift 更正");
    EXPECT_EQ(feed->items[0].link, "https://example.com/a-1");
  }
}

TEST(HostileFeed, Finding15_FeedRootOutsideAtomNamesBothNamespaces) {
  const auto none = parse_feed("<feed><entry><title>a</title></entry></feed>", "https://example.com/f");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "not a feed: the root element <feed> is in no namespace; an Atom feed's is in "
            "\"http://www.w3.org/2005/Atom\"");
  const auto other = parse_feed("<feed xmlns=\"http://example.com/not-atom\"><entry/></feed>", "https://example.com/f");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("in the namespace \"http://example.com/not-atom\""), std::string::npos);
}

TEST(HostileFeed, Finding15_ItemsTooOldAreCounted) {
  FeedTracker tracker(FeedTrackerOptions{.max_age = std::chrono::hours(24)});
  std::vector<FeedItem> items(3);
  items[0].link = "https://example.com/new";
  items[0].published = at("2026-12-05T08:00:00Z");
  items[1].link = "https://example.com/old";
  items[1].published = at("2026-11-01T08:00:00Z");
  items[2].link = "https://example.com/older";
  items[2].published = at("2026-10-01T08:00:00Z");
  size_t too_old = 0;
  const auto found = tracker.update(items, at("2026-12-05T09:00:00Z"), &too_old);
  EXPECT_EQ(found.size(), 1u);
  EXPECT_EQ(too_old, 2u);
}

// Numeric character references as HTML and feed readers decode them: a surrogate is U+FFFD, never an
// invalid UTF-8 sequence; 128–159 are windows-1252's characters (&#150; the en dash), in XML text and
// in escaped HTML alike.
TEST(HostileFeed, NumericReferencesAreDecodedAsHtmlDoes) {
  const std::string feed_text =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>c</title>"
      "<item><title>Paris &#150; Berlin &#xD800; end</title><link>https://example.com/a-1</link></item>"
      "<item><title>Rome &amp;#150; Oslo &amp;#xDFFF; &amp;#x110000; end</title>"
      "<link>https://example.com/a-2</link></item>"
      "<item><title><![CDATA[Madrid &#8211; Lisbon &#55296; &#147;quoted&#148;]]></title>"
      "<link>https://example.com/a-3</link></item></channel></rss>";
  const auto feed = parse_feed(feed_text, "https://example.com/rss");
  ASSERT_TRUE(feed) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].title, "Paris \u2013 Berlin \uFFFD end");
  EXPECT_EQ(feed->items[1].title, "Rome \u2013 Oslo \uFFFD \uFFFD end");
  EXPECT_EQ(feed->items[2].title, "Madrid \u2013 Lisbon \uFFFD \u201Cquoted\u201D");
  for (const auto& item : feed->items) EXPECT_EQ(make_valid_utf8(item.title), item.title);
}

}  // namespace
}  // namespace redline
