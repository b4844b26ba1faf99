#include "api/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <mutex>

namespace redline::api {

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& checks = prometheus::BuildCounter()
                                                        .Name("redline_checks_total")
                                                        .Help("Checks of watched articles by result")
                                                        .Register(registry);
  prometheus::Family<prometheus::Histogram>& fetch_duration =
      prometheus::BuildHistogram()
          .Name("redline_fetch_duration_seconds")
          .Help("Time from the start of a fetch to its response")
          .Register(registry);
  prometheus::Histogram& fetch_histogram =
      fetch_duration.Add({}, prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  prometheus::Counter& fetched_bytes = prometheus::BuildCounter()
                                           .Name("redline_fetched_bytes_total")
                                           .Help("Bytes of article pages received")
                                           .Register(registry)
                                           .Add({});
  prometheus::Family<prometheus::Counter>& changes =
      prometheus::BuildCounter().Name("redline_changes_total").Help("Changes stored, by class").Register(registry);
  prometheus::Counter& versions = prometheus::BuildCounter()
                                      .Name("redline_versions_stored_total")
                                      .Help("Versions stored (first versions and changes)")
                                      .Register(registry)
                                      .Add({});
  prometheus::Family<prometheus::Counter>& deliveries = prometheus::BuildCounter()
                                                            .Name("redline_deliveries_total")
                                                            .Help("Notification attempts by notifier and result")
                                                            .Register(registry);
  prometheus::Histogram& round_duration =
      prometheus::BuildHistogram()
          .Name("redline_round_duration_seconds")
          .Help(
              "Work of one scheduling round: a tick of the daemon's loop (bookkeeping, the watch list, "
              "starting the due checks), or a whole redlined --once run")
          .Register(registry)
          .Add({},
               prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600});
  prometheus::Family<prometheus::Gauge>& watches_family =
      prometheus::BuildGauge().Name("redline_watches").Help("Watched articles by state").Register(registry);
  prometheus::Gauge& backing_off = prometheus::BuildGauge()
                                       .Name("redline_origins_backing_off")
                                       .Help("Origins paused after repeated failures")
                                       .Register(registry)
                                       .Add({});
  prometheus::Gauge& outbox_pending = prometheus::BuildGauge()
                                          .Name("redline_outbox_pending")
                                          .Help("Notifications waiting for delivery")
                                          .Register(registry)
                                          .Add({});
  prometheus::Gauge& outbox_dead =
      prometheus::BuildGauge().Name("redline_outbox_dead").Help("Notifications given up on").Register(registry).Add({});
  prometheus::Gauge& outbox_oldest = prometheus::BuildGauge()
                                         .Name("redline_outbox_oldest_pending_seconds")
                                         .Help("Age of the oldest pending notification; 0 when none")
                                         .Register(registry)
                                         .Add({});
  prometheus::Gauge& store_bytes = prometheus::BuildGauge()
                                       .Name("redline_store_bytes")
                                       .Help("Size of the store's main file")
                                       .Register(registry)
                                       .Add({});
  prometheus::Gauge& events = prometheus::BuildGauge()
                                  .Name("redline_events_recorded")
                                  .Help("Events recorded in the store (changes and state events)")
                                  .Register(registry)
                                  .Add({});
  prometheus::Family<prometheus::Gauge>& build_info =
      prometheus::BuildGauge().Name("redline_build_info").Help("The running version").Register(registry);
  std::mutex render_mutex;  // render() sets the store gauges, then collects
  mutable std::mutex rounds_mutex;
  Metrics::Rounds rounds;
  std::vector<FeedState> feeds;  // under rounds_mutex
};

Metrics::Metrics(std::string version) : m_impl(std::make_unique<Impl>()) {
  m_impl->build_info.Add({{"version", std::move(version)}}).Set(1);
  for (const char* result : {"changed", "unchanged", "not_modified", "first_version"})
    m_impl->checks.Add({{"result", result}});
}

Metrics::~Metrics() = default;

void Metrics::count_check(std::string_view result) {
  m_impl->checks.Add({{"result", std::string(result)}}).Increment();
}

void Metrics::observe_fetch(double seconds, uint64_t bytes) {
  m_impl->fetch_histogram.Observe(seconds);
  m_impl->fetched_bytes.Increment(static_cast<double>(bytes));
}

void Metrics::count_change(const std::vector<std::string>& classes) {
  for (const auto& c : classes) m_impl->changes.Add({{"class", c}}).Increment();
}

void Metrics::count_version() { m_impl->versions.Increment(); }

void Metrics::count_delivery(std::string_view notifier, std::string_view result) {
  m_impl->deliveries.Add({{"notifier", std::string(notifier)}, {"result", std::string(result)}}).Increment();
}

void Metrics::observe_round(double seconds) {
  m_impl->round_duration.Observe(seconds);
  std::lock_guard lock(m_impl->rounds_mutex);
  Rounds& r = m_impl->rounds;
  ++r.count;
  r.last_seconds = seconds;
  r.total_seconds += seconds;
  r.max_seconds = std::max(r.max_seconds, seconds);
}

void Metrics::set_origins_backing_off(int64_t origins) {
  m_impl->backing_off.Set(static_cast<double>(origins));
  std::lock_guard lock(m_impl->rounds_mutex);
  m_impl->rounds.origins_backing_off = origins;
}

Metrics::Rounds Metrics::rounds() const {
  std::lock_guard lock(m_impl->rounds_mutex);
  return m_impl->rounds;
}

void Metrics::set_feeds(std::vector<FeedState> feeds) {
  std::lock_guard lock(m_impl->rounds_mutex);
  m_impl->feeds = std::move(feeds);
}

std::vector<FeedState> Metrics::feeds() const {
  std::lock_guard lock(m_impl->rounds_mutex);
  return m_impl->feeds;
}

std::string Metrics::render(const StoreGauges& gauges, Timestamp now) {
  std::lock_guard lock(m_impl->render_mutex);
  for (const auto& [state, count] : gauges.articles_by_state)
    m_impl->watches_family.Add({{"state", state}}).Set(static_cast<double>(count));
  m_impl->outbox_pending.Set(static_cast<double>(gauges.outbox_pending));
  m_impl->outbox_dead.Set(static_cast<double>(gauges.outbox_dead));
  m_impl->outbox_oldest.Set(
      gauges.oldest_pending ? std::max(0.0, std::chrono::duration<double>(now - *gauges.oldest_pending).count()) : 0.0);
  m_impl->store_bytes.Set(static_cast<double>(gauges.store_bytes));
  m_impl->events.Set(static_cast<double>(gauges.events));
  return prometheus::TextSerializer().Serialize(m_impl->registry.Collect());
}

}  // namespace redline::api
