// FeedTracker: which items of a feed are news to us. Pure logic, clock injected through `now`;
// one tracker per feed. Not thread-safe (one feed is polled by one thread at a time).
//
// Rules (docs/feeds.md):
//   - age: an item whose newest date (published or updated) is older than now - max_age is ignored;
//     an item without any date is accepted (once, like any other);
//   - dedupe: an item is known when its id OR its canonical link (canonicalize_url: no tracking
//     parameters, no fragment, lower-case host) was seen before, in this poll or an earlier one;
//   - content tracking (mode = "content"): a known item whose text (title, content, summary, authors)
//     differs from what was seen last is reported again, with `first_seen = false`;
//   - memory: keys of items absent from the feed for longer than `forget_after` are dropped, and at most
//     `max_keys` items are remembered (those absent the longest go first).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"
#include "feeds/feed.hpp"

namespace redline {

struct FeedTrackerOptions {
  Duration max_age = std::chrono::hours(48);
  bool track_content = false;  // report known items again when their text changes
  Duration forget_after = std::chrono::hours(24 * 7);
  size_t max_items = 20000;
};

struct TrackedItem {
  FeedItem item;
  bool first_seen = true;  // false: a known item whose text changed (track_content only)
};

class FeedTracker {
 public:
  explicit FeedTracker(FeedTrackerOptions options = {});

  // Returns the items that are new (or changed, with track_content), oldest first: items with a date
  // by date, then undated ones in reverse document order (feeds list the newest first). Marks them
  // and every other in-age item of `items` as seen.
  // `too_old`, when given, counts the items skipped for being older than max_age.
  std::vector<TrackedItem> update(const std::vector<FeedItem>& items, Timestamp now, size_t* too_old = nullptr);

  // Changes age, content tracking and limits; what was seen is kept (a config reload must not
  // make every item new again).
  void set_options(const FeedTrackerOptions& options) { m_options = options; }
  const FeedTrackerOptions& options() const { return m_options; }

  // True when an item with this id or link has been seen (and not forgotten).
  bool knows(const FeedItem& item) const;
  size_t remembered() const { return m_entries.size(); }

 private:
  struct Entry {
    std::vector<std::string> keys;  // "id:…" and "link:…" keys that lead here
    std::string digest;             // of the item's text, for track_content
    Timestamp last_present{};
  };

  // The serial of the entry one of the keys leads to, or nullopt.
  std::optional<size_t> find(const std::vector<std::string>& keys) const;
  void forget_old(Timestamp now);

  FeedTrackerOptions m_options;
  // Entries by serial number; the two indexes map id and link keys to it.
  std::unordered_map<size_t, Entry> m_entries;
  std::unordered_map<std::string, size_t> m_by_key;
  size_t m_next = 0;
};

}  // namespace redline
