// schedule_scale: how the scheduler copes with a million watches.
//
//   schedule_scale [WATCHES=1000000] [STORE_DIR=/tmp]
//
// Fills a fresh store with WATCHES run-time watches (bulk SQL, all overdue), loads them into a
// Monitor and runs it against an instant fetcher that answers every request "304 Not Modified" on
// the io_context, with a fake clock that moves one second per tick. Prints the memory the watches
// take (RSS growth per watch; goal ≤ 1 KB) and how many scheduling decisions per second the monitor
// makes (a decision: take a due watch, start its check, take the answer, plan and record the next
// check; goal ≥ 100 000/s), with the store's batched bookkeeping included, and the same for the
// scheduling arithmetic alone (tiers, jitter, heap) to show where the time goes.
#include <sqlite3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <queue>
#include <string>

#include "monitor/monitor.hpp"
#include "monitor/schedule.hpp"
#include "store/sqlite_store.hpp"

namespace {

using namespace redline;
using Wall = std::chrono::steady_clock;

class InstantFetcher final : public HttpClient {
 public:
  explicit InstantFetcher(boost::asio::io_context& io) : m_io(io) {}
  void fetch(HttpRequest request, Callback done) override {
    ++requests;
    boost::asio::post(m_io, [done = std::move(done), url = std::move(request.url)] {
      HttpResponse r;
      r.status = 304;
      r.effective_url = url;
      done(std::move(r));
    });
  }
  size_t requests = 0;

 private:
  boost::asio::io_context& m_io;
};

class BenchClock final : public Clock {
 public:
  Timestamp now() const override { return m_now; }
  void advance(Duration d) { m_now += d; }

 private:
  Timestamp m_now = from_epoch_ms(1'750'000'000'000);
};

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

bool exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  std::fprintf(stderr, "sqlite: %s\n", err ? err : "?");
  sqlite3_free(err);
  return false;
}

// Articles and watches written straight with SQL in one transaction: the bench measures the
// scheduler, not a million `redline add` calls.
bool fill(const std::filesystem::path& path, long watches, Timestamp now) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  bool ok = exec(db, "BEGIN");
  sqlite3_stmt* article = nullptr;
  sqlite3_stmt* watch = nullptr;
  sqlite3_stmt* link = nullptr;
  sqlite3_stmt* times = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO article (id, key, url, first_seen) VALUES (?1, ?2, ?2, ?3)", -1, &article,
                     nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO watch (url, article_id, every, source, added_at) VALUES (?1, ?2, NULL, 'bench', ?3)",
                     -1, &watch, nullptr);
  // As ensure_article() and a daemon's earlier checks leave them.
  sqlite3_prepare_v2(db, "INSERT INTO article_url (url, article_id, first_seen) VALUES (?1, ?2, ?3)", -1, &link,
                     nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO article_check (article_id, last_checked, next_check) VALUES (?1, ?2, ?3)", -1,
                     &times, nullptr);
  const long long t = to_epoch_ms(now);
  for (long i = 1; ok && i <= watches; ++i) {
    const std::string url = "https://news" + std::to_string(i % 97) + ".example/2026/11/28/story-" + std::to_string(i);
    sqlite3_bind_int64(article, 1, i);
    sqlite3_bind_text(article, 2, url.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(article, 3, t - 3'600'000);
    ok = sqlite3_step(article) == SQLITE_DONE;
    sqlite3_reset(article);
    sqlite3_bind_text(link, 1, url.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(link, 2, i);
    sqlite3_bind_int64(link, 3, t - 3'600'000);
    ok = ok && sqlite3_step(link) == SQLITE_DONE;
    sqlite3_reset(link);
    sqlite3_bind_int64(times, 1, i);
    sqlite3_bind_int64(times, 2, t - 3'660'000);
    sqlite3_bind_int64(times, 3, t - 60'000);
    ok = ok && sqlite3_step(times) == SQLITE_DONE;
    sqlite3_reset(times);
    sqlite3_bind_text(watch, 1, url.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(watch, 2, i);
    sqlite3_bind_int64(watch, 3, t);
    ok = ok && sqlite3_step(watch) == SQLITE_DONE;
    sqlite3_reset(watch);
  }
  sqlite3_finalize(article);
  sqlite3_finalize(watch);
  sqlite3_finalize(link);
  sqlite3_finalize(times);
  ok = ok && exec(db, "UPDATE counter SET value = value + 1 WHERE name = 'watches'") && exec(db, "COMMIT");
  sqlite3_close(db);
  return ok;
}

double seconds_since(Wall::time_point t0) { return std::chrono::duration<double>(Wall::now() - t0).count(); }

// CPU time of this process (user + system): on a shared machine the wall time also counts the time
// other processes had the CPU.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The arithmetic of one decision without the store: tier lookup, jitter, heap push and pop.
double pure_decisions_per_second(long watches) {
  const ScheduleConfig sc;
  std::mt19937 rng(1);
  struct Due {
    Timestamp at;
    uint32_t slot;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  std::priority_queue<Due, std::vector<Due>, std::greater<>> heap;
  const Timestamp now = from_epoch_ms(1'750'000'000'000);
  for (long i = 0; i < watches; ++i) heap.push({now + Duration(i), static_cast<uint32_t>(i)});
  const auto t0 = Wall::now();
  for (long i = 0; i < watches; ++i) {
    const Due d = heap.top();
    heap.pop();
    const auto interval = tier_interval(sc.news, d.at - now + std::chrono::hours(2));
    heap.push({d.at + jittered(interval.value_or(std::chrono::hours(1)), sc.jitter, rng), d.slot});
  }
  return static_cast<double>(watches) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const long watches = argc > 1 ? std::stol(argv[1]) : 1'000'000;
  const std::filesystem::path dir =
      std::filesystem::path(argc > 2 ? argv[2] : "/tmp") / ("redline-schedule-scale-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  BenchClock clock;
  {
    auto created = SqliteStore::open(dir / "redline.db", OpenMode::read_write);
    if (!created) {
      std::fprintf(stderr, "store: %s\n", created.error().message.c_str());
      return 1;
    }
  }
  auto t0 = Wall::now();
  if (!fill(dir / "redline.db", watches, clock.now())) return 1;
  std::printf("watches                 %ld (filled in %.1f s)\n", watches, seconds_since(t0));

  auto store = SqliteStore::open(dir / "redline.db", OpenMode::read_write);
  if (!store) return 1;
  auto config = std::make_shared<Config>();
  config->schedule.catch_up = std::chrono::seconds(60);
  boost::asio::io_context io;
  InstantFetcher http(io);
  const long rss_before = rss_kib();
  Monitor monitor(config, **store, http, clock, 1);
  t0 = Wall::now();
  if (auto s = monitor.load(); !s) {
    std::fprintf(stderr, "load: %s\n", s.error().message.c_str());
    return 1;
  }
  const double load_s = seconds_since(t0);
  const long rss_after = rss_kib();
  std::printf("load                    %.2f s\n", load_s);
  std::printf("RSS per watch           %.0f bytes (RSS %ld → %ld KiB; goal ≤ 1024)\n",
              static_cast<double>(rss_after - rss_before) * 1024.0 / static_cast<double>(watches), rss_before,
              rss_after);

  // All watches are overdue: the catch-up window spreads them over 60 simulated seconds.
  t0 = Wall::now();
  const double cpu0 = cpu_seconds();
  for (int second = 0; second <= 61; ++second) {
    monitor.tick();
    io.run();
    io.restart();
    clock.advance(std::chrono::seconds(1));
  }
  if (auto s = monitor.flush(); !s) std::fprintf(stderr, "flush: %s\n", s.error().message.c_str());
  const double run_s = seconds_since(t0);
  const double run_cpu_s = cpu_seconds() - cpu0;
  std::printf("checks                  %zu in %.2f s (%.2f s CPU)\n", http.requests, run_s, run_cpu_s);
  std::printf("decisions/s (monitor)   %.0f (with the store's bookkeeping; goal ≥ 100000)\n",
              static_cast<double>(http.requests) / run_s);
  std::printf("decisions/s (schedule)  %.0f (tiers, jitter and heap alone)\n", pure_decisions_per_second(watches));
  std::printf("peak RSS                %ld KiB\n", rss_kib());
  store->reset();
  std::filesystem::remove_all(dir);
  return http.requests == static_cast<size_t>(watches) ? 0 : 1;
}
