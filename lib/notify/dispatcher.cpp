#include "notify/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include <boost/asio/post.hpp>

#include "util/crypto.hpp"

namespace redline {

namespace {

uint64_t random_seed() {
  const std::string bytes = random_bytes(sizeof(uint64_t));
  uint64_t seed = 0;
  for (char c : bytes) seed = (seed << 8) | static_cast<unsigned char>(c);
  return seed;
}

}  // namespace

Result<std::unique_ptr<Dispatcher>> Dispatcher::create(OutboxStore& store, HttpClient& http, Clock& clock,
                                                       boost::asio::any_io_executor executor,
                                                       std::vector<NotifierTarget> targets, DispatcherOptions options,
                                                       MailSender* mail) {
  if (options.max_in_flight == 0) options.max_in_flight = 1;
  if (options.batch == 0) options.batch = 1;
  auto delivery =
      Delivery::create(std::move(targets), http, mail, clock, executor, DeliveryOptions{options.user_agent});
  if (!delivery) return delivery.error();
  std::unique_ptr<Dispatcher> d(new Dispatcher(store, clock, std::move(executor), std::move(options)));
  d->m_delivery = std::move(*delivery);
  return d;
}

Dispatcher::Dispatcher(OutboxStore& store, Clock& clock, boost::asio::any_io_executor executor,
                       DispatcherOptions options)
    : m_store(store),
      m_clock(clock),
      m_executor(std::move(executor)),
      m_options(std::move(options)),
      m_log(m_options.logger ? m_options.logger : spdlog::default_logger()),
      m_rng(m_options.seed ? *m_options.seed : random_seed()) {}

void Dispatcher::run_once(std::function<void()> done) { start_round(std::move(done), nullptr); }

void Dispatcher::drain(std::function<void(const DrainReport&)> done) {
  auto drain = std::make_shared<Drain>();
  drain->done = std::move(done);
  drain->before = m_stats;
  drain_round(drain);
}

// An outage of the store is logged once, not at every round, and its end once.
void Dispatcher::note_outbox_read(const Error* error) {
  if (!error) {
    if (m_outbox_failing) m_log->info("notify: the outbox can be read again");
    m_outbox_failing = false;
  } else if (!m_outbox_failing) {
    m_log->error("notify: cannot read the outbox: {} (logged once until it can be read again)", error->message);
    m_outbox_failing = true;
  } else {
    m_log->debug("notify: cannot read the outbox: {}", error->message);
  }
}

void Dispatcher::drain_round(const std::shared_ptr<Drain>& drain) {
  auto taken = std::make_shared<size_t>(0);
  auto finished = [this, drain, taken] {
    ++drain->report.rounds;
    if (*taken > 0) {
      // Not from inside the reply callback that ended the round: the next round starts afresh.
      boost::asio::post(m_executor, [this, drain] { drain_round(drain); });
      return;
    }
    DrainReport& r = drain->report;
    r.delivered = m_stats.delivered - drain->before.delivered;
    r.failed = (m_stats.retried - drain->before.retried) + (m_stats.dead - drain->before.dead);
    auto pending = m_store.count_pending_outbox();
    note_outbox_read(pending.ok() ? nullptr : &pending.error());
    if (pending)
      r.left = static_cast<size_t>(*pending);
    else
      r.read_failed = true;
    auto callback = std::move(drain->done);
    callback(r);
  };
  // `finished` never runs inside start_round(), so `taken` is set before it reads it.
  *taken = start_round(std::move(finished), &drain->attempted);
}

size_t Dispatcher::start_round(std::function<void()> done, std::set<int64_t>* skip) {
  auto round = std::make_shared<Round>();
  round->done = std::move(done);

  Result<std::vector<OutboxEntry>> due = std::vector<OutboxEntry>{};
  if (!m_options.claims) {
    due = m_store.due_outbox(m_clock.now(), m_options.batch);
  } else if (m_delivery->only_local()) {
    // Written in this round: a whole batch (one claim and one write of the diff log per batch).
    due = m_options.claims->claim_outbox(m_options.node, m_clock.now(), m_options.lease, m_options.batch);
  } else if (const size_t busy = m_active + m_waiting.size(); busy < m_options.max_in_flight) {
    // Claimed rows are this node's until the lease ends: take only what can be sent now.
    due = m_options.claims->claim_outbox(m_options.node, m_clock.now(), m_options.lease,
                                         std::min(m_options.batch, m_options.max_in_flight - busy));
  }
  note_outbox_read(due.ok() ? nullptr : &due.error());
  if (!due) {
    release(round, true);
    return 0;
  }
  if (skip) {
    std::erase_if(*due, [&](const OutboxEntry& e) { return skip->count(e.id) || m_busy.count(e.id); });
    for (const auto& e : *due) skip->insert(e.id);
  }
  const size_t taken = due->size();
  // Diff logs: every due entry of one log written together (one fsync per file, not per entry).
  std::map<std::string, std::vector<const OutboxEntry*>, std::less<>> local;
  for (const auto& entry : *due)
    if (!m_busy.count(entry.id) && m_delivery->is_local(entry.notifier)) local[entry.notifier].push_back(&entry);
  for (const auto& [notifier, entries] : local) {
    std::vector<std::string_view> payloads;
    payloads.reserve(entries.size());
    for (const OutboxEntry* e : entries) payloads.emplace_back(e->payload);
    const auto outcomes = m_delivery->deliver_now(notifier, payloads);
    // What was written is marked together (one statement on PostgreSQL), the rest one by one.
    std::vector<int64_t> written;
    for (size_t i = 0; i < entries.size(); ++i)
      if (outcomes[i].verdict == Verdict::delivered)
        written.push_back(entries[i]->id);
      else
        settle(*entries[i], outcomes[i]);
    if (Status s = m_store.mark_all_delivered(written, m_clock.now()); !s)
      m_log->error("notify: cannot record {} outbox rows of {}: {}", written.size(), notifier, s.error().message);
    for (size_t i = 0; i < entries.size(); ++i)
      if (outcomes[i].verdict == Verdict::delivered) count_delivered(*entries[i]);
  }
  for (auto& entry : *due) {
    // Still being delivered by an earlier round, or written above.
    if (m_busy.count(entry.id) || m_delivery->is_local(entry.notifier)) continue;
    if (m_delivery->knows(entry.notifier)) {
      m_busy.insert(entry.id);
      ++round->outstanding;
      m_waiting.push_back(Job{round, std::move(entry)});
    } else {
      settle(entry, AttemptOutcome{Verdict::dead, "unknown notifier \"" + entry.notifier + "\"", std::nullopt});
    }
  }
  pump();
  release(round, true);
  return taken;
}

void Dispatcher::pump() {
  while (m_active < m_options.max_in_flight && !m_waiting.empty()) {
    Job job = std::move(m_waiting.front());
    m_waiting.pop_front();
    ++m_active;
    send(std::move(job));
  }
}

void Dispatcher::send(Job job) {
  auto shared = std::make_shared<Job>(std::move(job));
  m_delivery->deliver(shared->entry.notifier, shared->entry.event_id, shared->entry.payload,
                      [this, shared](const AttemptOutcome& outcome) { on_outcome(*shared, outcome); });
}

void Dispatcher::on_outcome(const Job& job, const AttemptOutcome& outcome) {
  settle(job.entry, outcome);
  m_busy.erase(job.entry.id);
  --m_active;
  pump();
  release(job.round, false);
}

void Dispatcher::settle(const OutboxEntry& entry, const AttemptOutcome& outcome) {
  const Timestamp now = m_clock.now();
  const int attempts = entry.attempts + 1;
  Status s;
  switch (outcome.verdict) {
    case Verdict::delivered: {
      s = m_store.mark_delivered(entry.id, now);
      count_delivered(entry);
      break;
    }
    case Verdict::retry: {
      const Timestamp deadline = entry.created_at + m_options.max_age;
      std::string dead_reason;
      Timestamp next = now;
      if (now >= deadline) {
        dead_reason = "gave up after " + std::to_string(attempts) + " attempts in " +
                      format_duration(m_options.max_age) + ": " + outcome.reason;
      } else if (outcome.retry_after) {
        next = now + std::max<Duration>(*outcome.retry_after, std::chrono::seconds(1));
        if (next > deadline)
          dead_reason = "Retry-After " + format_duration(*outcome.retry_after) + " is past max_age " +
                        format_duration(m_options.max_age) + ": " + outcome.reason;
      } else {
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        next = std::min(now + backoff_delay(attempts, m_options.backoff, unit(m_rng)), deadline);
      }
      if (dead_reason.empty()) {
        s = m_store.mark_retry(entry.id, attempts, next, outcome.reason);
        ++m_stats.retried;
        if (m_on_attempt) m_on_attempt(entry.notifier, "retried");
        note_health(entry.notifier, false, outcome.reason);
        break;
      }
      s = m_store.mark_dead(entry.id, attempts, dead_reason);
      ++m_stats.dead;
      if (m_on_attempt) m_on_attempt(entry.notifier, "dead");
      note_health(entry.notifier, false, {});  // the error below says it all
      m_log->error("notify: {} to {} is dead: {}", entry.event_id, entry.notifier, dead_reason);
      break;
    }
    case Verdict::dead: {
      s = m_store.mark_dead(entry.id, attempts, outcome.reason);
      ++m_stats.dead;
      if (m_on_attempt) m_on_attempt(entry.notifier, "dead");
      note_health(entry.notifier, false, {});
      m_log->error("notify: {} to {} is dead: {}", entry.event_id, entry.notifier, outcome.reason);
      break;
    }
  }
  if (!s) m_log->error("notify: cannot record outbox row {}: {}", entry.id, s.error().message);
}

void Dispatcher::count_delivered(const OutboxEntry& entry) {
  ++m_stats.delivered;
  if (m_on_attempt) m_on_attempt(entry.notifier, "delivered");
  note_health(entry.notifier, true, {});
  m_log->debug("notify: {} delivered to {} (attempt {})", entry.event_id, entry.notifier, entry.attempts + 1);
}

void Dispatcher::note_health(const std::string& notifier, bool ok, const std::string& reason) {
  if (ok) {
    if (m_failing.erase(notifier)) m_log->info("notify: {} is delivering again", notifier);
    return;
  }
  if (m_failing.insert(notifier).second && !reason.empty())
    m_log->warn("notify: delivery to {} failing (will retry): {}", notifier, reason);
}

void Dispatcher::release(const std::shared_ptr<Round>& round, bool inside_run_once) {
  if (--round->outstanding != 0) return;
  if (!round->done) return;
  if (inside_run_once) {
    boost::asio::post(m_executor, std::move(round->done));
  } else {
    auto done = std::move(round->done);
    done();
  }
}

}  // namespace redline
