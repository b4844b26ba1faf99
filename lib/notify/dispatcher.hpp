// Dispatcher: delivers the notification outbox.
//
// Each run_once() takes the due rows from the Store (Store::due_outbox returns at most the oldest
// pending row per (article, notifier), which is what keeps events of one article in order per
// notifier) and delivers each to its notifier:
//   webhook  POST of the stored payload, Content-Type application/json, signed per Standard
//            Webhooks with a fresh webhook-timestamp/-signature on every attempt and
//            webhook-id = the event id (stable across attempts). Redirects are not followed.
//   difflog  an entry appended to a text file (see diff_log.hpp).
// Outcomes: 2xx → delivered. 408, 429, 5xx, network and file errors → retried after an exponential
// backoff with jitter (or the response's Retry-After), until created_at + max_age has passed; then
// dead. 3xx, other 4xx, an unknown notifier or an unreadable payload → dead with the reason.
//
// Threading: not thread-safe. run_once() and the HttpClient's callbacks must all run on one thread
// (the daemon's io_context thread), which is also the only thread using the Store.
// Completion: `done` runs exactly once per run_once(), after every attempt of that round has been
// recorded in the Store. It never runs inside run_once(): with nothing to send over HTTP, it is
// posted to `executor`; otherwise it runs inside the HttpClient callback of the round's last reply.
// Rounds may overlap (a row still in flight is skipped by the next round), but the usual driver is
// a timer that calls run_once() again after `done`.
// Lifetime: the Dispatcher, Store, HttpClient and Clock must outlive every round's `done`. The
// Dispatcher touches nothing after calling `done`, so `done` may destroy it (e.g. to swap in a new one
// after a configuration reload) when no other round is in flight.
#pragma once

#include <spdlog/logger.h>

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "notify/diff_log.hpp"
#include "notify/retry_policy.hpp"
#include "notify/webhook_signer.hpp"
#include "store/store.hpp"

namespace redline {

struct WebhookTarget {
  std::string url;
  std::vector<std::string> secrets;  // "whsec_…"; the first signs, the others are for rotation
  Duration timeout = std::chrono::seconds(15);
};

struct DiffLogTarget {
  std::filesystem::path path;
};

struct NotifierTarget {
  std::string name;  // OutboxEntry::notifier
  std::variant<WebhookTarget, DiffLogTarget> sink;
};

struct DispatcherOptions {
  Duration max_age = std::chrono::hours(24);  // give up on an event this long after it was created
  BackoffPolicy backoff;                      // 30 s doubling to 1 h, +0–25 % jitter
  size_t max_in_flight = 8;                   // concurrent webhook requests
  size_t batch = 200;                         // rows taken from the store per round
  std::string user_agent = std::string("redline/") + REDLINE_VERSION;
  std::optional<uint64_t> seed;            // for the jitter; random when absent (tests pin it)
  std::shared_ptr<spdlog::logger> logger;  // spdlog's default logger when null
};

struct DispatchStats {
  uint64_t delivered = 0;
  uint64_t retried = 0;  // attempts that ended in a scheduled retry
  uint64_t dead = 0;
};

class Dispatcher {
 public:
  // Errc::config when a target is invalid (bad secret, empty URL or path, duplicate name).
  static Result<std::unique_ptr<Dispatcher>> create(Store& store, HttpClient& http, Clock& clock,
                                                    boost::asio::any_io_executor executor,
                                                    std::vector<NotifierTarget> targets,
                                                    DispatcherOptions options = {});

  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void run_once(std::function<void()> done);

  // Rows of any round still being delivered (waiting for a slot or sent).
  size_t in_flight() const { return m_busy.size(); }
  const DispatchStats& stats() const { return m_stats; }

 private:
  struct Webhook {
    WebhookTarget target;
    WebhookSigner signer;
  };
  struct Round {
    std::function<void()> done;
    size_t outstanding = 1;  // the extra 1 is run_once() itself, released at its end
  };
  struct Job {
    std::shared_ptr<Round> round;
    OutboxEntry entry;
    const Webhook* webhook = nullptr;
  };

  Dispatcher(Store& store, HttpClient& http, Clock& clock, boost::asio::any_io_executor executor,
             DispatcherOptions options);

  void pump();
  void send(Job job);
  void on_reply(const Job& job, const HttpResponse& response);
  // Records the outcome of one attempt in the store, and logs state changes.
  void settle(const OutboxEntry& entry, const AttemptOutcome& outcome);
  // Tracks whether a notifier is failing; logs only transitions. An empty `reason` marks it failing silently.
  void note_health(const std::string& notifier, bool ok, const std::string& reason);
  void release(const std::shared_ptr<Round>& round, bool inside_run_once);

  Store& m_store;
  HttpClient& m_http;
  Clock& m_clock;
  boost::asio::any_io_executor m_executor;
  DispatcherOptions m_options;
  std::map<std::string, Webhook, std::less<>> m_webhooks;
  std::map<std::string, DiffLog, std::less<>> m_difflogs;
  std::deque<Job> m_waiting;                     // webhook jobs waiting for a free slot
  size_t m_active = 0;                           // webhook requests in flight
  std::set<int64_t> m_busy;                      // outbox ids queued or in flight
  std::set<std::string, std::less<>> m_failing;  // notifiers whose last attempt failed (for logging)
  std::shared_ptr<spdlog::logger> m_log;
  std::mt19937_64 m_rng;
  DispatchStats m_stats;
};

}  // namespace redline
