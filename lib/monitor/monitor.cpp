#include "monitor/monitor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "monitor/identity.hpp"

namespace redline {

namespace {
constexpr Duration k_max_spread = std::chrono::minutes(1);

// The state a failure puts a watch in: its class ("timeout", "deferred", "extract", "http 503"), not the
// whole message, whose details (elapsed ms, until when) change from check to check.
std::string failure_state(const std::string& detail) { return detail.substr(0, detail.find(':')); }
}  // namespace

Monitor::Monitor(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
                 uint32_t seed)
    : m_config(std::move(config)), m_store(store), m_http(http), m_clock(clock), m_rng(seed) {}

Status Monitor::load() {
  const Timestamp now = m_clock.now();
  std::vector<std::unique_ptr<WatchState>> watches;
  for (const auto& watch : m_config->watches) {
    auto article = m_store.ensure_article(article_key(*m_config, watch.url), watch.url, now);
    if (!article) return article.error();
    auto w = std::make_unique<WatchState>();
    w->watch = watch;
    w->article = *article;
    // Keep the state of a watch that survives a reload.
    for (const auto& old : m_watches) {
      if (old->watch.url == watch.url) {
        w->next_due = old->next_due;
        w->running = old->running;
        w->last_error = old->last_error;
        w->failed_checks = old->failed_checks;
      }
    }
    if (w->next_due == Timestamp{}) {
      const Duration spread = std::min<Duration>(watch.every, k_max_spread);
      const auto offset = Duration(std::uniform_int_distribution<long long>(0, spread.count())(m_rng));
      if (article->next_check && *article->next_check > now)
        w->next_due = *article->next_check;
      else
        w->next_due = now + offset;
    }
    watches.push_back(std::move(w));
  }
  m_watches = std::move(watches);
  return {};
}

Status Monitor::reconfigure(std::shared_ptr<const Config> config) {
  m_config = std::move(config);
  return load();
}

void Monitor::tick() {
  const Timestamp now = m_clock.now();
  for (auto& w : m_watches)
    if (!w->running && w->next_due <= now) start(*w);
}

void Monitor::check_all(std::function<void()> done) {
  m_all_done = std::move(done);
  for (auto& w : m_watches)
    if (!w->running) start(*w);
  maybe_done();
}

std::optional<Timestamp> Monitor::next_due() const {
  std::optional<Timestamp> next;
  for (const auto& w : m_watches)
    if (!w->running && (!next || w->next_due < *next)) next = w->next_due;
  return next;
}

void Monitor::start(WatchState& w) {
  w.running = true;
  ++m_in_flight;
  CheckPipeline pipeline(m_config, m_store, m_clock);
  // The state object may be replaced by a reload while the request runs; look it up by URL on return.
  m_http.fetch(pipeline.request_for(w.article, w.watch.url), [this, url = w.watch.url](HttpResponse response) {
    --m_in_flight;
    auto it = std::find_if(m_watches.begin(), m_watches.end(), [&](const auto& s) { return s->watch.url == url; });
    if (it != m_watches.end()) {
      finish(**it, response);
    }
    maybe_done();
  });
}

Timestamp Monitor::next_after(const WatchState& w, Timestamp now) {
  // ±10 % jitter so that watches added together drift apart.
  const long long every = w.watch.every.count();
  const long long jitter = std::uniform_int_distribution<long long>(-every / 10, every / 10)(m_rng);
  return now + Duration(every + jitter);
}

void Monitor::finish(WatchState& w, const HttpResponse& response) {
  w.running = false;
  ++m_stats.checks;
  const Timestamp now = m_clock.now();
  w.next_due = next_after(w, now);
  CheckPipeline pipeline(m_config, m_store, m_clock);
  auto outcome = pipeline.process(w.article, response, w.next_due);
  if (!outcome) {
    ++m_stats.failures;
    spdlog::error("{}: store error: {}", w.watch.url, outcome.error().message);
    return;
  }
  // Refresh the article record (validators, hash, version count) for the next request.
  if (auto fresh = m_store.find_article(w.article.key); fresh && *fresh) w.article = **fresh;

  using Kind = CheckOutcome::Kind;
  switch (outcome->kind) {
    case Kind::failed:
      ++m_stats.failures;
      ++w.failed_checks;
      if (w.last_error.empty() || failure_state(outcome->detail) != failure_state(w.last_error))
        spdlog::warn("{}: check failed: {}", w.watch.url, outcome->detail);
      w.last_error = outcome->detail;
      return;
    case Kind::not_modified:
      ++m_stats.not_modified;
      break;
    case Kind::unchanged:
      ++m_stats.unchanged;
      break;
    case Kind::first_version:
      ++m_stats.first_versions;
      break;
    case Kind::changed:
      ++m_stats.changes;
      if (m_on_change) m_on_change();
      break;
  }
  if (!w.last_error.empty())
    spdlog::info("{}: recovered after {} failed check{} (last: {})", w.watch.url, w.failed_checks,
                 w.failed_checks == 1 ? "" : "s", w.last_error);
  w.last_error.clear();
  w.failed_checks = 0;
}

void Monitor::maybe_done() {
  if (m_in_flight == 0 && m_all_done) {
    auto done = std::move(m_all_done);
    m_all_done = nullptr;
    done();
  }
}

}  // namespace redline
