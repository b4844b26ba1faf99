// FeedWatcher: polls each [[feed]] on its `every` and feeds the Monitor. Mode "link": every new item
// link becomes a run-time watch (source "feed:<name>", the feed's schedule), deduplicated by the
// store (one watch per URL) and by article key (one article per identity). Mode "content": each new
// or changed item's text is stored as a version of its article through the CheckPipeline, so it gets
// the same comparison, change classes and notifications as a fetched page.
//
// Driven like the Monitor: tick() from the daemon's timer, poll_all() for --once; same thread rules
// (the io_context's). Feed state (validators, seen items) lives in memory; after a restart every
// in-age item is reported once more and deduplicated as above.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "feeds/feed_poller.hpp"
#include "http/http_client.hpp"
#include "monitor/feed_state.hpp"
#include "monitor/monitor.hpp"
#include "store/store.hpp"

namespace redline {

struct FeedWatcherStats {
  uint64_t polls = 0;
  uint64_t failed_polls = 0;
  uint64_t links = 0;     // new watches created
  uint64_t contents = 0;  // items stored through the pipeline (mode content)
};

class FeedWatcher {
 public:
  FeedWatcher(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
              Monitor& monitor, uint32_t seed = std::random_device{}());

  // Takes the feeds of a new configuration; a feed that stays keeps its schedule and memory.
  void reconfigure(std::shared_ptr<const Config> config);

  // Several nodes on one store: a due feed is polled only by the node that owns its origin
  // (WorkClaims::owns_origin); the others skip it for an interval. Call before tick().
  void share_work(WorkClaims& claims, std::string node, Duration lease) {
    m_claims = &claims;
    m_node = std::move(node);
    m_lease = lease;
  }

  // Polls every feed that is due (the first poll of each is spread over [schedule] catch_up).
  void tick();

  // Polls every feed now; `done` runs when all of them have finished.
  void poll_all(std::function<void()> done);

  const FeedWatcherStats& stats() const { return m_stats; }

  // Each configured feed's polls since the start, in configuration order.
  std::vector<FeedState> states() const;

 private:
  struct Feed {
    FeedConfig config;
    Timestamp next_due{};
    bool polling = false;
    std::optional<Timestamp> last_poll;
    bool ok = true;
    std::string last_error;  // of the last finished poll
    std::string poll_error;  // the poll in flight's last error so far
    uint64_t polls = 0;
    uint64_t failed_polls = 0;
  };

  void poll(Feed& feed);
  void on_link(const FeedSource& source, const FeedItem& item);
  void on_content(const FeedSource& source, const FeedItem& item, const Article& article);
  const Feed* feed_named(const std::string& name) const;
  void maybe_done();

  std::shared_ptr<const Config> m_config;
  Store& m_store;
  const Clock& m_clock;
  Monitor& m_monitor;
  std::mt19937 m_rng;
  FeedPoller m_poller;
  std::map<std::string, Feed> m_feeds;  // by URL
  size_t m_in_flight = 0;
  FeedWatcherStats m_stats;
  std::function<void()> m_all_done;
  WorkClaims* m_claims = nullptr;
  std::string m_node;
  Duration m_lease{0};
};

}  // namespace redline
