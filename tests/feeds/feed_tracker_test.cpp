// FeedTracker: discovery, dedupe, age cutoff, content changes, bounded memory.
#include "feeds/feed_tracker.hpp"

#include <gtest/gtest.h>

#include "feeds_test_util.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::parse_sample;

std::vector<std::string> links(const std::vector<TrackedItem>& items) {
  std::vector<std::string> out;
  for (const auto& t : items) out.push_back(t.item.link);
  return out;
}

FeedItem item(std::string id, std::string link, std::optional<Timestamp> published = std::nullopt) {
  FeedItem i;
  i.id = std::move(id);
  i.link = std::move(link);
  i.published = published;
  return i;
}

TEST(FeedTracker, NewItemsOldestFirstThenNothingNew) {
  const auto feed = parse_sample("wordpress_rss2.xml", "https://courier.example.org/feed/");
  FeedTracker tracker({.max_age = 48h});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  const auto found = tracker.update(feed.items, now);
  EXPECT_EQ(links(found), (std::vector<std::string>{
                              "https://courier.example.org/2024/09/02/eagles-beat-rams/",
                              "https://courier.example.org/2024/09/03/council-approves-bridge-budget/",
                          }))
      << "the 28 August item is older than max_age";
  for (const auto& t : found) EXPECT_TRUE(t.first_seen);
  EXPECT_TRUE(tracker.update(feed.items, now + 10min).empty());
}

TEST(FeedTracker, LaterPollReportsOnlyTheNewItem) {
  FeedTracker tracker;
  const Timestamp now = at("2024-09-03T12:00:00Z");
  std::vector<FeedItem> items{item("a", "https://n.example/a", now - 1h)};
  ASSERT_EQ(tracker.update(items, now).size(), 1u);
  items.insert(items.begin(), item("b", "https://n.example/b", now + 5min));
  const auto found = tracker.update(items, now + 10min);
  EXPECT_EQ(links(found), std::vector<std::string>{"https://n.example/b"});
}

TEST(FeedTracker, DedupesByGuidAndByCanonicalLink) {
  const auto feed = parse_sample("bbc_rss2.xml", "https://feeds.bbci.co.uk/news/rss.xml");
  FeedTracker tracker({.max_age = 48h});
  const auto found = tracker.update(feed.items, at("2024-09-03T12:00:00Z"));
  // Five items: the storm story twice (same guid), the rail story twice (other guid, same link once
  // tracking parameters and the fragment are gone), and a picture gallery older than two days.
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].item.id, "https://www.bbc.co.uk/news/business-68912345");
  EXPECT_EQ(found[1].item.id, "https://www.bbc.co.uk/news/articles/c4gq0x1k2p3o#0");
}

TEST(FeedTracker, SameLinkWithUtmParametersAcrossPolls) {
  FeedTracker tracker;
  const Timestamp now = at("2024-09-03T12:00:00Z");
  ASSERT_EQ(tracker.update({item("guid-1", "https://n.example/story?id=7")}, now).size(), 1u);
  EXPECT_TRUE(
      tracker.update({item("guid-2", "https://N.example/story?utm_source=rss&id=7&utm_medium=feed#top")}, now + 1h)
          .empty());
  EXPECT_TRUE(tracker.knows(item("guid-2", "")));
  EXPECT_TRUE(tracker.update({item("guid-1", "https://n.example/story-renamed?id=7")}, now + 2h).empty())
      << "same guid, new slug: still the same item";
  EXPECT_EQ(tracker.update({item("guid-3", "https://n.example/story?id=8")}, now + 3h).size(), 1u);
}

TEST(FeedTracker, AgeCutoffUsesTheNewestDate) {
  FeedTracker tracker({.max_age = 48h});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  FeedItem old_but_updated = item("x", "https://n.example/x", now - 72h);
  old_but_updated.updated = now - 1h;
  const auto found = tracker.update(
      {item("old", "https://n.example/old", now - 49h), item("edge", "https://n.example/edge", now - 47h),
       old_but_updated, item("future", "https://n.example/future", now + 24h)},
      now);
  EXPECT_EQ(links(found),
            (std::vector<std::string>{"https://n.example/edge", "https://n.example/x", "https://n.example/future"}));
  EXPECT_FALSE(tracker.knows(item("old", "https://n.example/old"))) << "ignored items are not remembered";
}

TEST(FeedTracker, UndatedItemsAreAcceptedOnce) {
  const auto feed = parse_sample("sitemap_2024_09.xml", "https://www.example-times.com/sitemaps/2024-09.xml");
  FeedTracker tracker({.max_age = 48h});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  const auto found = tracker.update(feed.items, now);
  EXPECT_EQ(links(found), (std::vector<std::string>{
                              "https://www.example-times.com/culture/2024/09/02/festival.html",
                              "https://www.example-times.com/world/2024/09/03/election-results.html",
                              "https://www.example-times.com/about.html",
                          }));
  EXPECT_TRUE(tracker.update(feed.items, now + 1h).empty());
}

TEST(FeedTracker, ContentTrackingReportsChangedText) {
  FeedTracker tracker({.max_age = 48h, .track_content = true});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  FeedItem a = item("a", "https://n.example/a", now - 1h);
  a.content_html = "<p>First text.</p>";
  ASSERT_EQ(tracker.update({a}, now).size(), 1u);
  EXPECT_TRUE(tracker.update({a}, now + 30min).empty()) << "same text";
  a.content_html = "<p>Corrected text.</p>";
  const auto found = tracker.update({a}, now + 1h);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].first_seen);
  EXPECT_EQ(found[0].item.content_html, "<p>Corrected text.</p>");
  a.title = "New headline";
  EXPECT_EQ(tracker.update({a}, now + 2h).size(), 1u) << "a headline change is a change";
}

TEST(FeedTracker, LinkModeIgnoresTextChanges) {
  FeedTracker tracker({.max_age = 48h});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  FeedItem a = item("a", "https://n.example/a", now - 1h);
  a.content_html = "<p>First.</p>";
  ASSERT_EQ(tracker.update({a}, now).size(), 1u);
  a.content_html = "<p>Second.</p>";
  EXPECT_TRUE(tracker.update({a}, now + 1h).empty());
}

TEST(FeedTracker, ForgetsItemsAbsentForLong) {
  FeedTracker tracker({.max_age = 48h, .forget_after = 72h});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  const FeedItem undated = item("u", "https://n.example/u");
  ASSERT_EQ(tracker.update({undated}, now).size(), 1u);
  tracker.update({item("v", "https://n.example/v")}, now + 24h);
  EXPECT_TRUE(tracker.knows(undated));
  tracker.update({item("v", "https://n.example/v")}, now + 73h);
  EXPECT_FALSE(tracker.knows(undated));
  EXPECT_TRUE(tracker.knows(item("v", "")));
  EXPECT_EQ(tracker.remembered(), 1u);
}

TEST(FeedTracker, MemoryIsCapped) {
  FeedTracker tracker({.max_age = 48h, .max_items = 100});
  const Timestamp now = at("2024-09-03T12:00:00Z");
  for (int poll = 0; poll < 20; ++poll) {
    std::vector<FeedItem> items;
    for (int i = 0; i < 30; ++i) {
      const std::string n = std::to_string(poll * 30 + i);
      items.push_back(item(n, "https://n.example/" + n));
    }
    EXPECT_EQ(tracker.update(items, now + std::chrono::minutes(poll)).size(), 30u);
    EXPECT_LE(tracker.remembered(), 100u);
  }
  EXPECT_TRUE(tracker.knows(item("599", ""))) << "the newest are kept";
  EXPECT_FALSE(tracker.knows(item("0", "")));
}

}  // namespace
}  // namespace redline
