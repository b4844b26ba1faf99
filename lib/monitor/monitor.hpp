// Monitor: keeps every watch on its schedule and runs due checks through the CheckPipeline.
//
// Watches come from the config ([[watch]]) and from the store (`redline add`, feeds); the store's
// list is re-read when another process changes it (Store::watch_generation). Each watch is a compact
// slot (URL, article id, next due time, schedule); due times live in a min-heap, so a tick costs
// O(due · log n) whatever the number of watches. Each slot also keeps its article's CheckBasis (the
// validators a conditional GET sends, and whether a 304 changes nothing but the times) for as long as
// it is known to be current: read with the watch list, dropped when a check may have changed the
// article and when another process wrote to the store (Store::data_version). A check whose basis is
// current and that is answered 304 reads nothing from the store; any other reads the article's record.
//
// Schedules: a fixed `every`, or the "news" tiers by article age ([schedule] news), both with
// ±[schedule] jitter. A check that is new or overdue at load time is spread evenly over
// [schedule] catch_up; a stored next check still ahead is kept, so a restart causes no burst.
// The bookkeeping of each check is written in batches (see tick() and flush()); new versions, changes
// and their notifications are written at once, in one transaction each.
//
// Driven from outside: the daemon calls tick() from a timer on its io_context (and check_all() for
// --once); tests call it with a FakeClock and a ScriptedHttpClient. Not thread-safe: use it from the
// thread that runs the HttpClient's callbacks.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "monitor/check_pipeline.hpp"
#include "monitor/work_source.hpp"
#include "store/store.hpp"

namespace redline {

struct MonitorStats {
  uint64_t checks = 0;
  uint64_t failures = 0;
  uint64_t not_modified = 0;
  uint64_t unchanged = 0;
  uint64_t first_versions = 0;
  uint64_t changes = 0;
  uint64_t state_events = 0;  // articles deleted, redirected or restored
};

// The result label of a check: changed, unchanged, not_modified, first_version, deleted, redirected,
// or "error:<class>" for a failure (failure_class() with '_' for spaces: error:timeout, error:http_503,
// error:extract; error:store when the store could not be read or written).
std::string check_result(const Result<CheckOutcome>& outcome);

class Monitor {
 public:
  Monitor(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
          uint32_t seed = std::random_device{}());
  ~Monitor();

  // Several nodes on one store (PostgreSQL): due checks are claimed from `claims` with leases instead of
  // planned in memory (ClaimedWork, work_source.hpp). Call before load().
  void share_work(WorkClaims& claims, ClaimedWork::Options options);

  // Registers the config's watches as articles, reads the store's watches and plans their checks.
  // A watch that survives a reload keeps its state.
  Status load();

  // Swaps in a new configuration (SIGHUP). Checks in flight finish under the old one.
  Status reconfigure(std::shared_ptr<const Config> config);

  // Adds a run-time watch (feeds): stores it and schedules its first check within catch_up.
  // Returns false when the URL is already watched.
  Result<bool> add_watch(const std::string& url, std::optional<Duration> every, const std::string& source);

  // Writes the pending check bookkeeping when it is due (see k_bookkeeping_window); re-reads the
  // store's watches when they changed; starts every due check that is not already running.
  void tick();

  // How long the bookkeeping of checks that changed nothing but their times (a 304, the same bytes)
  // may wait before tick() writes it: a crash loses at most this much of it (those watches are then
  // overdue at the restart and spread over [schedule] catch_up), never a version or a notification.
  // Bookkeeping that changes more (validators, URL, an error: what the next check reads) is written
  // by the next tick. Batching a few seconds of checks in one transaction rewrites each page of the
  // store's check table once per batch instead of once per tick (docs/performance.md).
  static constexpr Duration k_bookkeeping_window = std::chrono::seconds(10);

  // Starts every watch now, without jitter; `done` runs when all of them have finished (after the
  // bookkeeping was written).
  void check_all(std::function<void()> done);

  // Writes the check bookkeeping collected since the last flush in one transaction.
  Status flush();
  // The daemon stops: flush(), then work claimed and not done is given back (shared stores).
  Status stop();

  // Runs extraction and comparison on `cpu` (a thread pool) and brings the results back to `home`
  // (the executor of the thread that runs the HttpClient's callbacks and uses the Store). Without
  // it, everything runs on that one thread.
  void use_cpu_pool(boost::asio::any_io_executor cpu, boost::asio::any_io_executor home) {
    m_cpu = std::move(cpu);
    m_home = std::move(home);
  }

  // For the metrics, on the monitor's thread: `fetched` after each article page that got an HTTP
  // response (the fetch's time and decoded size); `checked` after each concluded check, with its result
  // (check_result()) and, for a change, its classes.
  struct CheckObserver {
    std::function<void(std::chrono::microseconds elapsed, size_t bytes)> fetched;
    std::function<void(const std::string& result, const std::vector<std::string>& classes)> checked;
  };
  void observe(CheckObserver observer) { m_observer = std::move(observer); }

  // Called after a check stored a change (so the daemon can run the dispatcher).
  void on_change(std::function<void()> callback) { m_on_change = std::move(callback); }

  std::optional<Timestamp> next_due() const;
  size_t in_flight() const { return m_in_flight; }
  size_t watch_count() const { return m_index.size(); }
  const MonitorStats& stats() const { return m_stats; }

 private:
  struct Validators {
    std::string etag;
    std::string last_modified;
    std::string body_hash;  // of the bytes last fetched (CheckBasis); "" unknown
  };
  struct Slot {
    std::string url;
    int64_t article_id = 0;
    // The article's CheckBasis while basis_epoch == m_epoch (0: unknown, the check reads the article).
    std::unique_ptr<const Validators> validators;  // null: none to send
    uint32_t basis_epoch = 0;
    bool quiet = false;  // active, last check succeeded, last fetched from `url`
    Timestamp anchor{};  // news schedule: the age counts from here
    Duration every{0};   // zero: the news schedule
    bool running = false;
    bool live = false;       // false once removed from the configuration or the store
    std::string last_error;  // to log failures once per state change (a change of class)
    int failed_checks = 0;   // in a row
  };
  struct Watch {
    std::string url;
    std::optional<Duration> every;  // absent: news
    int64_t article_id = 0;
    ArticleTimes times;
    CheckBasis basis;
  };

  Status install(std::vector<Watch> watches);
  Status reload_store_watches();
  // A slot for a new watch; its first check goes to `planned` (the stored next check, when ahead) or to
  // `new_or_overdue` (to be spread), or nowhere (a news schedule that ended).
  uint32_t slot_for(const Watch& w, Timestamp now, std::vector<uint32_t>& new_or_overdue,
                    std::vector<WorkSource::NewWatch>& planned);
  bool startable(uint32_t slot) const;
  void schedule(uint32_t slot, Timestamp at);
  void start(uint32_t slot);
  void on_response(uint32_t slot, std::optional<ArticleRecord> article, HttpResponse response);
  void set_basis(Slot& s, const CheckBasis& basis);
  void notice_other_writers();
  void conclude(uint32_t slot, std::optional<Timestamp> next, Result<CheckOutcome> outcome);
  // Stores the checks in m_analyzed in one store group, then concludes each.
  void store_analyzed();
  std::optional<Timestamp> next_after(const Slot& s, Timestamp now);
  void report(Slot& s, uint32_t slot, std::optional<Timestamp> next, const Result<CheckOutcome>& outcome);
  void maybe_done();
  void start_due(Timestamp now);
  void continue_check_all();
  // Checks in flight (fetching, or waiting for or in analysis) are at most [http] max_connections:
  // when extraction falls behind the network, fetching waits instead of piling up response bodies.
  bool has_room() const;
  void flush_logged(std::string_view what);
  // Store errors come in bursts (a full disk fails every write): the first is logged as an error,
  // the rest at debug level until a write succeeds, which is logged too.
  void note_store(const Status& written, std::string_view what);
  bool bookkeeping_due(Timestamp now);

  std::shared_ptr<const Config> m_config;
  Store& m_store;
  HttpClient& m_http;
  const Clock& m_clock;
  std::mt19937 m_rng;
  std::deque<Slot> m_slots;                                // stable addresses: m_index views their URLs
  std::unordered_map<std::string_view, uint32_t> m_index;  // live watches by URL
  std::vector<uint32_t> m_free;                            // dead slots to reuse
  std::unique_ptr<WorkSource> m_work = std::make_unique<LocalSchedule>();
  // Checks analyzed on the pool, waiting to be stored together (store_analyzed).
  struct Analyzed {
    uint32_t slot;
    std::optional<Timestamp> next;
    std::shared_ptr<const Config> config;
    PendingCheck work;
  };
  std::vector<Analyzed> m_analyzed;
  std::vector<CheckRecord> m_batch;
  size_t m_batch_seen = 0;    // records of m_batch that tick() already found to be schedule_only
  int64_t m_generation = -1;  // of the store's watch list last read
  int64_t m_data_version = -1;
  uint32_t m_epoch = 1;  // bumped when another process wrote to the store: every basis is unknown again
  size_t m_in_flight = 0;
  size_t m_all_next = 0;              // check_all(): the next slot to start
  int m_store_errors = 0;             // failed store writes since the last one that succeeded
  bool m_watch_list_failing = false;  // the last reading of the watch list failed (logged once per outage)
  MonitorStats m_stats;
  std::function<void()> m_on_change;
  CheckObserver m_observer;
  std::function<void()> m_all_done;
  std::optional<boost::asio::any_io_executor> m_cpu;
  std::optional<boost::asio::any_io_executor> m_home;
  std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

}  // namespace redline
