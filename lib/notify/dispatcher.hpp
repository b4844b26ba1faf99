// Dispatcher: delivers the notification outbox.
//
// Each run_once() takes the due rows from the Store (claimed with a lease when the store is shared by
// several nodes: DispatcherOptions::claims) (OutboxStore::due_outbox returns at most the oldest
// pending row per (article, notifier), which is what keeps events of one article in order per
// notifier) and delivers each to its notifier through a Delivery (delivery.hpp):
//   webhook  standard: POST of the stored payload, signed per Standard Webhooks with a fresh
//            webhook-timestamp/-signature on every attempt and webhook-id = the event id (stable
//            across attempts); chat presets: the service's format. Redirects are not followed.
//   email    one message over SMTP through the MailSender (a worker thread, not the io_context).
//   difflog  an entry appended to a text file and a JSON-lines file (see diff_log.hpp).
// Outcomes: 2xx / SMTP 250 → delivered. 408, 429, 5xx, SMTP 4xx, network and file errors → retried
// after an exponential backoff with jitter (or the response's Retry-After), until created_at + max_age
// has passed; then dead. 3xx, other 4xx, SMTP 5xx, an unknown notifier or an unreadable payload → dead
// with the reason. Webhooks and e-mails share the max_in_flight limit.
//
// Threading: not thread-safe. run_once() and the HttpClient's callbacks must all run on one thread
// (the daemon's io_context thread), which is also the only thread using the OutboxStore.
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
#include "notify/delivery.hpp"
#include "notify/diff_log.hpp"
#include "notify/mail_sender.hpp"
#include "notify/notifier_target.hpp"
#include "notify/retry_policy.hpp"
#include "notify/webhook_signer.hpp"
#include "store/store.hpp"

namespace redline {

struct DispatcherOptions {
  Duration max_age = std::chrono::hours(24);  // give up on an event this long after it was created
  BackoffPolicy backoff;                      // 30 s doubling to 1 h, +0–25 % jitter
  size_t max_in_flight = 8;                   // concurrent webhook requests and e-mails
  size_t batch = 200;                         // rows taken from the store per round
  std::string user_agent = std::string("redline/") + REDLINE_VERSION;
  std::optional<uint64_t> seed;            // for the jitter; random when absent (tests pin it)
  std::shared_ptr<spdlog::logger> logger;  // spdlog's default logger when null
  // Several nodes on one store: rows are claimed (WorkClaims::claim_outbox) for `lease` by `node`
  // instead of read, so that each is delivered by one node; a node that dies with rows in flight leaves
  // them to the others after the lease (same webhook-id). A round claims no more rows than can be sent
  // at once (max_in_flight free slots), so a claimed row waits for no other delivery: keep `lease`
  // above the delivery timeout. Null: one node, due_outbox().
  WorkClaims* claims = nullptr;
  std::string node;
  Duration lease = std::chrono::seconds(60);
};

struct DispatchStats {
  uint64_t delivered = 0;
  uint64_t retried = 0;  // attempts that ended in a scheduled retry
  uint64_t dead = 0;
};

// What one drain() did.
struct DrainReport {
  uint64_t delivered = 0;
  uint64_t failed = 0;  // attempts that ended in a scheduled retry or dead
  size_t left = 0;      // rows still pending afterwards (not due yet, or behind one that failed)
  size_t rounds = 0;
  bool read_failed = false;  // the outbox could not be read (logged)
};

class Dispatcher {
 public:
  // Errc::config when a target is invalid (see Delivery::create). `mail` may be null when no target
  // is an e-mail.
  static Result<std::unique_ptr<Dispatcher>> create(OutboxStore& store, HttpClient& http, Clock& clock,
                                                    boost::asio::any_io_executor executor,
                                                    std::vector<NotifierTarget> targets, DispatcherOptions options = {},
                                                    MailSender* mail = nullptr);

  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void run_once(std::function<void()> done);

  // `redlined --once`: attempts every due row, in per-article order. Rounds run one after the other
  // until one finds nothing new: delivering the head of an article's chain makes the next row of that
  // chain eligible in the next round, so a row waits only for an earlier row of its article (per
  // notifier) that is not due or that failed during this drain. No row is attempted twice in one
  // drain. `done` runs once, after the last round, never inside drain().
  void drain(std::function<void(const DrainReport&)> done);

  // Rows of any round still being delivered (waiting for a slot or sent).
  size_t in_flight() const { return m_busy.size(); }
  const DispatchStats& stats() const { return m_stats; }
  // For the metrics: called after each recorded attempt with its notifier and result (delivered,
  // retried or dead), on the dispatcher's thread.
  void on_attempt(std::function<void(const std::string& notifier, std::string_view result)> callback) {
    m_on_attempt = std::move(callback);
  }

 private:
  struct Round {
    std::function<void()> done;
    size_t outstanding = 1;  // the extra 1 is run_once() itself, released at its end
  };
  struct Drain {
    std::function<void(const DrainReport&)> done;
    DispatchStats before;
    std::set<int64_t> attempted;  // rows taken by an earlier round of this drain
    DrainReport report;
  };
  struct Job {
    std::shared_ptr<Round> round;
    OutboxEntry entry;
  };

  Dispatcher(OutboxStore& store, Clock& clock, boost::asio::any_io_executor executor, DispatcherOptions options);

  // One round: the due rows not in `skip` (when given); returns how many it took.
  size_t start_round(std::function<void()> done, std::set<int64_t>* skip);
  void drain_round(const std::shared_ptr<Drain>& drain);
  void note_outbox_read(const Error* error);       // null: the read worked
  void count_delivered(const OutboxEntry& entry);  // the stats, health and log of a delivery
  void pump();
  void send(Job job);
  void on_outcome(const Job& job, const AttemptOutcome& outcome);
  // Records the outcome of one attempt in the store, and logs state changes.
  void settle(const OutboxEntry& entry, const AttemptOutcome& outcome);
  // Tracks whether a notifier is failing; logs only transitions. An empty `reason` marks it failing silently.
  void note_health(const std::string& notifier, bool ok, const std::string& reason);
  void release(const std::shared_ptr<Round>& round, bool inside_run_once);

  OutboxStore& m_store;
  Clock& m_clock;
  boost::asio::any_io_executor m_executor;
  DispatcherOptions m_options;
  std::unique_ptr<Delivery> m_delivery;
  std::deque<Job> m_waiting;                     // webhook and e-mail jobs waiting for a free slot
  size_t m_active = 0;                           // webhook requests and e-mails in flight
  std::set<int64_t> m_busy;                      // outbox ids queued or in flight
  std::set<std::string, std::less<>> m_failing;  // notifiers whose last attempt failed (for logging)
  std::shared_ptr<spdlog::logger> m_log;
  bool m_outbox_failing = false;  // the last read of the outbox failed (logged once)
  std::mt19937_64 m_rng;
  DispatchStats m_stats;
  std::function<void(const std::string&, std::string_view)> m_on_attempt;
};

}  // namespace redline
