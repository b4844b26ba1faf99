// FeedPoller: "poll this feed now" — fetch (conditional GET), parse, follow sitemap indexes, keep
// what is new, and report it. Scheduling is the caller's: the monitor calls poll() on each [[feed]]'s
// `every` and turns links into watches (mode link) or stores articles as versions (mode content).
//
//   FeedPoller poller(http, clock, {
//       .on_new_link = [&](const FeedSource& f, const FeedItem& item) { monitor.add_watch(item.link); },
//       .on_content = [&](const FeedSource& f, const FeedItem& item, const Article& a) { pipeline.store(a); },
//       .on_error = [&](const FeedSource& f, const std::string& message) { log->warn("{}: {}", f.name, message); },
//   });
//   poller.poll(FeedSource{.url = "https://example.com/feed.xml", .name = "example"});
//
// From the config: FeedSource{.url = f.url, .name = f.name, .mode = *feed_mode_from_string(f.mode),
// .max_age = f.max_age} for each FeedConfig f (config validated the mode); poll it every f.every.
//
// Per feed URL the poller remembers, in memory: ETag/Last-Modified and a digest of the last body of
// every document it fetched (unchanged bytes are not parsed again), and a FeedTracker (what was
// seen; see feed_tracker.hpp for the age, dedupe and memory rules). A restart forgets them, so the
// first poll after it reports every in-age item again; consumers dedupe (the monitor by article key,
// content versions by fingerprint).
//
// Mode link: on_new_link for each item seen for the first time, oldest first.
// Mode content: on_content for each new item and each known item whose text changed, with the item
// as an Article (feed_item_article); an item without any text is reported through on_new_link.
// Sitemap indexes: the children with the newest lastmod (at most max_sitemap_children per index,
// none older than the feed's max_age) are fetched, to max_sitemap_depth levels below the index.
// on_error: the feed or a child could not be fetched or parsed (one call per document), or an item
// could not be extracted, or a site rule did not apply to an item (mode content; rules_for). The callbacks and `done`
// run on the HttpClient's executor thread.
//
// Thread safety: use from one thread (the io_context's). A poll of a URL that is still being polled
// is refused: `done` runs at once, inside poll(), with `busy` set. When the poller is destroyed,
// polls in flight end silently (their callbacks and `done` never run).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/article.hpp"
#include "core/clock.hpp"
#include "extract/extractor.hpp"
#include "feeds/feed.hpp"
#include "http/http_client.hpp"

namespace redline {

enum class FeedMode {
  link,     // follow each new item's link (it becomes a watch)
  content,  // store each item's own text as a version of the article
};
std::string_view to_string(FeedMode mode);
std::optional<FeedMode> feed_mode_from_string(std::string_view text);  // "link" | "content"

// One feed to poll: what the monitor makes of a [[feed]] table.
struct FeedSource {
  std::string url{};
  std::string name{};  // for messages; the URL's host when empty
  FeedMode mode = FeedMode::link;
  Duration max_age = std::chrono::hours(48);  // items older than this are ignored
};

struct FeedPollerOptions {
  size_t max_body = 8u << 20;  // per document (decoded; a .gz sitemap is also capped after gunzip)
  Duration timeout = std::chrono::seconds(30);
  int max_sitemap_depth = 2;            // levels of sitemaps below an index that are fetched
  size_t max_sitemap_children = 10;     // children fetched per sitemap index
  size_t max_remembered_items = 20000;  // per feed (FeedTrackerOptions::max_items)
  Duration forget_after = std::chrono::hours(24 * 7);
  // Site rules for mode content, by item link; none = generic extraction.
  std::function<ExtractRules(const std::string& url)> rules_for{};
};

struct FeedCallbacks {
  std::function<void(const FeedSource&, const FeedItem&)> on_new_link{};
  std::function<void(const FeedSource&, const FeedItem&, const Article&)> on_content{};
  std::function<void(const FeedSource&, const std::string& message)> on_error{};
};

struct FeedPollResult {
  bool ok = false;            // the feed itself was fetched and understood (or was unchanged)
  bool busy = false;          // refused: this URL was already being polled
  bool not_modified = false;  // the feed answered 304 or sent the same bytes: nothing was parsed
  size_t documents = 0;       // documents fetched (the feed and sitemap children)
  size_t items = 0;           // items parsed
  size_t new_items = 0;       // items not seen before (or changed, in content mode)
  size_t too_old = 0;         // items skipped for being older than the feed's max_age
  size_t reported = 0;        // on_new_link + on_content calls
  size_t errors = 0;          // on_error calls
};

class FeedPoller {
 public:
  using Done = std::function<void(const FeedPollResult&)>;

  FeedPoller(HttpClient& http, const Clock& clock, FeedCallbacks callbacks, FeedPollerOptions options = {});
  ~FeedPoller();
  FeedPoller(const FeedPoller&) = delete;
  FeedPoller& operator=(const FeedPoller&) = delete;

  // Starts one poll of `feed`; `done` (optional) runs once when every callback of this poll has run.
  void poll(const FeedSource& feed, Done done = {});

  bool polling(std::string_view url) const;
  // Drops what is remembered about a feed (validators, seen items), e.g. when it leaves the config.
  void forget(std::string_view url);

  class Impl;

 private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace redline
