// mode = "content": feed items become Articles; a changed item text gives a new fingerprint.
#include "feeds/feed_article.hpp"

#include <gtest/gtest.h>

#include <set>

#include "diff/compare.hpp"
#include "extract/archive.hpp"
#include "feeds/feed_tracker.hpp"
#include "feeds_test_util.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::parse_sample;

Article article_of(const FeedItem& item, std::string_view language = {}) {
  auto a = feed_item_article(item, language);
  EXPECT_TRUE(a.ok()) << (a ? "" : a.error().message);
  return a.ok() ? *a : Article{};
}

TEST(FeedArticle, WordPressItem) {
  const auto feed = parse_sample("wordpress_rss2.xml", "https://courier.example.org/feed/");
  const Article a = article_of(feed.items[0], feed.language);
  EXPECT_EQ(a.headline, "Council approves new bridge budget \u2013 with conditions");
  EXPECT_EQ(a.byline(), "Maria Lopez");
  EXPECT_EQ(a.published, at("2024-09-03T09:15:00Z"));
  EXPECT_EQ(a.canonical_url, "https://courier.example.org/2024/09/03/council-approves-bridge-budget/");
  EXPECT_EQ(a.language, "en-US");
  const std::string body = a.body();
  EXPECT_NE(body.find("The city council voted 7\u20132 on Monday night"), std::string::npos) << body;
  EXPECT_NE(body.find("\u201cWe cannot carry this alone,\u201d said council member Tom Baker."), std::string::npos);
  EXPECT_NE(body.find("Construction could begin next spring."), std::string::npos);
  EXPECT_NE(body.find("appeared first on The Riverside Courier"), std::string::npos) << "no rules: kept";
}

TEST(FeedArticle, FeedxItemMatchesTheArchiveCapture) {
  // The DW corpus was written from this kind of feed: an item must give the same Article (and so
  // the same fingerprint) as the archive file made from it.
  const auto feed = parse_sample("dw_feedx_v1.xml", "https://feedx.net/rss/dw.xml");
  const Article from_feed = article_of(feed.items[0], feed.language);
  const auto text = read_file(REDLINE_TEST_DATA_DIR "/revisions/dw/a-70241396/1726582624000.txt");
  ASSERT_TRUE(text.ok());
  auto capture = parse_archive(*text);
  ASSERT_TRUE(capture.ok());
  auto from_archive = extract_archive(*capture);
  ASSERT_TRUE(from_archive.ok());
  EXPECT_EQ(from_feed.headline, from_archive->headline);
  EXPECT_EQ(from_feed.published, at("2024-09-17T14:15:34.773Z")) << "the article's own date, not the pubDate";
  EXPECT_EQ(from_feed.blocks, from_archive->blocks);
  EXPECT_EQ(fingerprint(from_feed), fingerprint(*from_archive));
}

TEST(FeedArticle, ChangedItemTextGivesANewVersionUnchangedDoesNot) {
  const auto v1 = parse_sample("dw_feedx_v1.xml", "https://feedx.net/rss/dw.xml");
  const auto v2 = parse_sample("dw_feedx_v2.xml", "https://feedx.net/rss/dw.xml");
  ASSERT_EQ(v1.items.size(), 2u);
  ASSERT_EQ(v2.items.size(), 2u);
  // Item 0 (a-70241396): a name fixed in the headline, the caption and two sentences.
  const Article before = article_of(v1.items[0]);
  const Article after = article_of(v2.items[0]);
  EXPECT_NE(before.headline, after.headline);
  EXPECT_NE(before.body(), after.body());
  EXPECT_NE(fingerprint(before), fingerprint(after));
  // Item 1 (a-70072918): re-sent eight days later, same text, but re-dated by the aggregator. It has
  // no date of its own, so the item's pubDate is its date: the Articles differ only there (the
  // tracker does not report such an item again: see ContentModeTrackerAndArticlesTogether).
  EXPECT_NE(v1.items[1].published, v2.items[1].published);
  Article first = article_of(v1.items[1]);
  Article again = article_of(v2.items[1]);
  EXPECT_NE(first.published, again.published);
  again.published = first.published;
  EXPECT_EQ(first, again);
  EXPECT_EQ(fingerprint(first), fingerprint(again));
  // The very same item gives the same fingerprint.
  EXPECT_EQ(fingerprint(article_of(v2.items[0])), fingerprint(after));
}

TEST(FeedArticle, ContentModeTrackerAndArticlesTogether) {
  // What the poller does in mode content: the tracker says which items are new or changed, each
  // becomes an Article, and only the changed one has a fingerprint not seen before.
  FeedTracker tracker({.max_age = 30 * 24h, .track_content = true});
  const auto v1 = parse_sample("dw_feedx_v1.xml", "https://feedx.net/rss/dw.xml");
  const auto v2 = parse_sample("dw_feedx_v2.xml", "https://feedx.net/rss/dw.xml");
  std::set<std::string> versions;
  for (const auto& t : tracker.update(v1.items, at("2024-09-17T14:30:00Z")))
    versions.insert(fingerprint(article_of(t.item)));
  EXPECT_EQ(versions.size(), 2u);
  EXPECT_TRUE(tracker.update(v1.items, at("2024-09-17T15:00:00Z")).empty()) << "same feed again: nothing";
  size_t new_versions = 0;
  for (const auto& t : tracker.update(v2.items, at("2024-09-17T15:30:00Z")))
    new_versions += versions.insert(fingerprint(article_of(t.item))).second ? 1 : 0;
  EXPECT_EQ(new_versions, 1u);
}

TEST(FeedArticle, ItemWithoutTextStillHasItsHeadline) {
  FeedItem item;
  item.id = item.link = "https://n.example/a";
  item.title = "Only a title";
  const Article a = article_of(item);
  EXPECT_EQ(a.headline, "Only a title");
  EXPECT_TRUE(a.blocks.empty());
  item.title.clear();
  EXPECT_FALSE(feed_item_article(item).ok());
}

}  // namespace
}  // namespace redline
