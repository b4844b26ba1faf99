// Monitor: keeps every watch on its schedule and runs due checks through the CheckPipeline.
//
// Driven from outside: the daemon calls tick() from a timer on its io_context (and check_all() for
// --once); tests call it with a FakeClock and a ScriptedHttpClient. Not thread-safe: use it from the
// thread that runs the HttpClient's callbacks.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "monitor/check_pipeline.hpp"
#include "store/store.hpp"

namespace redline {

struct MonitorStats {
  uint64_t checks = 0;
  uint64_t failures = 0;
  uint64_t not_modified = 0;
  uint64_t unchanged = 0;
  uint64_t first_versions = 0;
  uint64_t changes = 0;
};

class Monitor {
 public:
  Monitor(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
          uint32_t seed = std::random_device{}());

  // Registers the config's watches as articles and plans their first checks: a watch whose stored
  // next check is still ahead keeps it, an overdue or new one is spread over min(every, 1 min).
  Status load();

  // Swaps in a new configuration (SIGHUP). Checks in flight finish under the old one.
  Status reconfigure(std::shared_ptr<const Config> config);

  // Starts every due check that is not already running.
  void tick();

  // Starts every watch now, without jitter; `done` runs when all of them have finished.
  void check_all(std::function<void()> done);

  // Called after a check stored a change (so the daemon can run the dispatcher).
  void on_change(std::function<void()> callback) { m_on_change = std::move(callback); }

  std::optional<Timestamp> next_due() const;
  size_t in_flight() const { return m_in_flight; }
  size_t watch_count() const { return m_watches.size(); }
  const MonitorStats& stats() const { return m_stats; }

 private:
  struct WatchState {
    WatchConfig watch;
    ArticleRecord article;
    Timestamp next_due{};
    bool running = false;
    std::string last_error;  // to log failures once per state change (a change of class)
    int failed_checks = 0;   // consecutive
  };

  void start(WatchState& w);
  void finish(WatchState& w, const HttpResponse& response);
  Timestamp next_after(const WatchState& w, Timestamp now);
  void maybe_done();

  std::shared_ptr<const Config> m_config;
  Store& m_store;
  HttpClient& m_http;
  const Clock& m_clock;
  std::mt19937 m_rng;
  std::vector<std::unique_ptr<WatchState>> m_watches;
  size_t m_in_flight = 0;
  MonitorStats m_stats;
  std::function<void()> m_on_change;
  std::function<void()> m_all_done;
};

}  // namespace redline
