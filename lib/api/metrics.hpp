// Metrics: the counters and gauges of /metrics (names in docs/operations.md), kept with
// prometheus-cpp and rendered in the Prometheus text format by its serializer.
//
// Thread safety: every method may be called from any thread. The monitor's thread counts (the
// counters are atomics; the histograms take an uncontended lock), the API's thread renders. Store
// gauges are not kept here: render() reads them from rows the store keeps up to date (StoreGauges),
// so a scrape costs a few indexed reads however many watches there are.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/feed_state.hpp"
#include "store/read_model.hpp"

namespace prometheus {
class Registry;
}

namespace redline::api {

class Metrics {
 public:
  explicit Metrics(std::string version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // result: monitor::check_result(): changed, unchanged, not_modified, first_version, deleted,
  // redirected, error:<class>.
  void count_check(std::string_view result);
  void observe_fetch(double seconds, uint64_t bytes);
  void count_change(const std::vector<std::string>& classes);
  void count_version();
  void count_delivery(std::string_view notifier, std::string_view result);
  void observe_round(double seconds);
  void set_origins_backing_off(int64_t origins);

  // The rounds observed so far, for the web desk's /status page.
  struct Rounds {
    uint64_t count = 0;
    double last_seconds = 0;
    double total_seconds = 0;
    double max_seconds = 0;
    int64_t origins_backing_off = 0;
  };
  Rounds rounds() const;

  // The daemon's feeds as it last published them (FeedWatcher::states()), for the desk's /watches.
  void set_feeds(std::vector<FeedState> feeds);
  std::vector<FeedState> feeds() const;

  // The text exposition of everything, with the store gauges read just now.
  std::string render(const StoreGauges& gauges, Timestamp now);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace redline::api
