#include "monitor/monitor.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <unordered_set>

#include "monitor/identity.hpp"
#include "monitor/schedule.hpp"
#include "util/crypto.hpp"
#include "util/url.hpp"

namespace redline {

Monitor::Monitor(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
                 uint32_t seed)
    : m_config(std::move(config)), m_store(store), m_http(http), m_clock(clock), m_rng(seed) {}

void Monitor::share_work(WorkClaims& claims, ClaimedWork::Options options) {
  m_work = std::make_unique<ClaimedWork>(claims, m_clock, std::move(options));
}

Monitor::~Monitor() {
  *m_alive = false;
  flush_logged("store: could not write the last checks");
}

Status Monitor::load() {
  notice_other_writers();  // before reading: what is read from here on is current
  const Timestamp now = m_clock.now();
  std::vector<Watch> watches;
  std::unordered_set<std::string_view> seen;
  std::vector<std::pair<std::string, std::string>> keys_urls;
  keys_urls.reserve(m_config->watches.size());
  for (const auto& watch : m_config->watches) keys_urls.emplace_back(article_key(*m_config, watch.url), watch.url);
  auto articles = m_store.ensure_articles(keys_urls, now);
  if (!articles) return articles.error();
  for (size_t i = 0; i < m_config->watches.size(); ++i) {
    const WatchConfig& watch = m_config->watches[i];
    const ArticleRecord& article = (*articles)[i];
    watches.push_back({watch.url, watch.news ? std::nullopt : std::optional(watch.every), article.id, times_of(article),
                       check_basis_of(article, watch.url)});
  }
  for (const auto& w : watches) seen.insert(w.url);
  auto stored = m_store.list_watches();
  if (!stored) return stored.error();
  auto generation = m_store.watch_generation();
  if (!generation) return generation.error();
  for (auto& w : *stored)
    if (!seen.count(w.url)) watches.push_back({std::move(w.url), w.every, w.article_id, w.times, std::move(w.basis)});
  m_generation = *generation;
  return install(std::move(watches));
}

Status Monitor::reconfigure(std::shared_ptr<const Config> config) {
  m_config = std::move(config);
  return load();
}

Status Monitor::reload_store_watches() {
  auto generation = m_store.watch_generation();
  if (!generation) return generation.error();
  if (*generation == m_generation) return {};
  return load();
}

// Replaces the set of watches. Slots of watches that stay keep their schedule and state.
Status Monitor::install(std::vector<Watch> watches) {
  const Timestamp now = m_clock.now();
  std::unordered_map<std::string_view, uint32_t> index;
  index.reserve(watches.size());
  std::vector<uint32_t> new_or_overdue;
  std::vector<WorkSource::NewWatch> planned;
  for (auto& w : watches) {
    auto it = m_index.find(w.url);
    uint32_t id;
    if (it != m_index.end()) {
      id = it->second;
      m_index.erase(it);
      Slot& s = m_slots[id];
      s.every = w.every.value_or(Duration{0});
      s.article_id = w.article_id;
      if (!s.running) set_basis(s, w.basis);  // a running check may still change it
    } else {
      id = slot_for(w, now, new_or_overdue, planned);
    }
    index.emplace(m_slots[id].url, id);
  }
  // What is left in the old index is gone from the configuration and the store.
  for (const auto& [url, id] : m_index) {
    Slot& s = m_slots[id];
    s.live = false;
    m_work->remove(id);
    if (!s.running) m_free.push_back(id);
  }
  m_index = std::move(index);

  // Over [schedule] catch_up, but never longer than the shortest interval among them: a watch checked
  // every 2 s does not wait half a minute for its first check.
  Duration window = m_config->schedule.catch_up;
  for (const uint32_t id : new_or_overdue) {
    const Duration every = m_slots[id].every;
    window = std::min(window, every != Duration{0} ? every : m_config->schedule.news.front().every);
  }
  const auto slots = spread_evenly(new_or_overdue.size(), now, window, m_rng);
  for (size_t i = 0; i < new_or_overdue.size(); ++i) {
    const Slot& s = m_slots[new_or_overdue[i]];
    planned.push_back({new_or_overdue[i], s.article_id, s.url, slots[i]});
  }
  return m_work->add(planned);
}

uint32_t Monitor::slot_for(const Watch& w, Timestamp now, std::vector<uint32_t>& new_or_overdue,
                           std::vector<WorkSource::NewWatch>& planned) {
  uint32_t id;
  if (!m_free.empty()) {
    id = m_free.back();
    m_free.pop_back();
    m_slots[id] = Slot{};
  } else {
    id = static_cast<uint32_t>(m_slots.size());
    m_slots.emplace_back();
  }
  Slot& s = m_slots[id];
  s.url = w.url;
  s.article_id = w.article_id;
  s.every = w.every.value_or(Duration{0});
  s.anchor = age_anchor(w.times);
  set_basis(s, w.basis);
  s.live = true;
  if (s.every == Duration{0} && !tier_interval(m_config->schedule.news, now - s.anchor)) return id;  // retired
  if (w.times.next_check && *w.times.next_check > now)
    planned.push_back({id, s.article_id, s.url, *w.times.next_check});
  else
    new_or_overdue.push_back(id);
  return id;
}

Result<bool> Monitor::add_watch(const std::string& given_url, std::optional<Duration> every,
                                const std::string& source) {
  auto checked = check_http_url(given_url);
  if (!checked) return checked.error();
  const std::string& url = *checked;
  if (m_index.count(url)) return false;
  const Timestamp now = m_clock.now();
  auto article = m_store.ensure_article(article_key(*m_config, url), url, now);
  if (!article) return article.error();
  WatchRecord record{url, article->id, every, source, now, {}, {}};
  auto added = m_store.add_watch(record);
  if (!added) return added.error();
  if (auto g = m_store.watch_generation(); g && *g == m_generation + 1) m_generation = *g;  // our own write
  std::vector<uint32_t> first;
  std::vector<WorkSource::NewWatch> planned;
  const uint32_t id =
      slot_for({url, every, article->id, times_of(*article), check_basis_of(*article, url)}, now, first, planned);
  m_index.emplace(m_slots[id].url, id);
  if (!first.empty()) {
    const Duration spread = std::min(m_config->schedule.catch_up, every.value_or(m_config->schedule.catch_up));
    planned.push_back({id, article->id, m_slots[id].url,
                       now + Duration(std::uniform_int_distribution<long long>(0, spread.count())(m_rng))});
  }
  if (auto s = m_work->add(planned); !s) return s.error();
  return *added;
}

void Monitor::set_basis(Slot& s, const CheckBasis& basis) {
  s.validators.reset();
  if (!basis.etag.empty() || !basis.last_modified.empty() || !basis.body_hash.empty())
    s.validators = std::make_unique<const Validators>(Validators{basis.etag, basis.last_modified, basis.body_hash});
  s.quiet = basis.quiet;
  s.basis_epoch = m_epoch;
}

void Monitor::notice_other_writers() {
  auto version = m_store.data_version();
  if (version && *version == m_data_version) return;
  m_data_version = version ? *version : -1;
  if (++m_epoch == 0) m_epoch = 1;
}

void Monitor::schedule(uint32_t slot, Timestamp at) { m_work->plan(slot, at); }

bool Monitor::startable(uint32_t slot) const { return m_slots[slot].live && !m_slots[slot].running; }

Status Monitor::flush() {
  m_batch_seen = 0;
  if (m_batch.empty()) return {};
  // The buffer stays for the next batch: growing it again each time cost more than writing it.
  auto written = m_store.record_checks(m_batch);
  m_work->written(m_batch, written.ok());
  m_batch.clear();
  return written;
}

Status Monitor::stop() {
  auto flushed = flush();
  m_work->stop();
  return flushed;
}

bool Monitor::bookkeeping_due(Timestamp now) {
  if (m_batch.empty()) return false;
  if (now - m_batch.front().checked_at >= k_bookkeeping_window) return true;
  for (; m_batch_seen < m_batch.size(); ++m_batch_seen)
    if (!m_batch[m_batch_seen].schedule_only) return true;
  return false;
}

void Monitor::flush_logged(std::string_view what) {
  if (!m_batch.empty()) note_store(flush(), what);
}

void Monitor::note_store(const Status& written, std::string_view what) {
  if (written) {
    if (m_store_errors > 0)
      spdlog::info("store: writing again after {} failed write{}", m_store_errors, m_store_errors == 1 ? "" : "s");
    m_store_errors = 0;
  } else if (m_store_errors++ == 0) {
    spdlog::error("{}: {} (until the store writes again, further store errors are logged at debug level)", what,
                  written.error().message);
  } else {
    spdlog::debug("{}: {}", what, written.error().message);
  }
}

void Monitor::tick() {
  const Timestamp now = m_clock.now();
  if (bookkeeping_due(now)) flush_logged("store: could not record checks");
  notice_other_writers();
  if (auto s = reload_store_watches(); !s) {
    if (!m_watch_list_failing)
      spdlog::error("store: could not read the watch list: {} (logged once until it works again)", s.error().message);
    else
      spdlog::debug("store: could not read the watch list: {}", s.error().message);
    m_watch_list_failing = true;
  } else {
    m_watch_list_failing = false;
  }
  // What could start now, and as much again to start as checks end before the next tick.
  const size_t capacity = static_cast<size_t>(std::max(1, m_config->http.max_connections));
  m_work->tick(now, 2 * capacity - std::min(m_in_flight, capacity));
  start_due(now);
}

void Monitor::start_due(Timestamp now) {
  const auto can_start = [this](uint32_t slot) { return startable(slot); };
  while (has_room()) {
    auto slot = m_work->take(now, can_start);
    if (!slot) break;
    start(*slot);
  }
}

void Monitor::check_all(std::function<void()> done) {
  m_all_done = std::move(done);
  notice_other_writers();
  m_all_next = 0;
  continue_check_all();
  maybe_done();
}

void Monitor::continue_check_all() {
  // In slot order: the configuration's order first, then the store's (reused slots aside).
  for (; m_all_next < m_slots.size() && has_room(); ++m_all_next)
    if (m_slots[m_all_next].live && !m_slots[m_all_next].running) start(m_all_next);
}

bool Monitor::has_room() const {
  return m_in_flight < static_cast<size_t>(std::max(1, m_config->http.max_connections));
}

std::optional<Timestamp> Monitor::next_due() const {
  return m_work->next_due([this](uint32_t slot) { return startable(slot); });
}

void Monitor::start(uint32_t slot) {
  Slot& s = m_slots[slot];
  std::optional<ArticleRecord> article;
  if (s.basis_epoch != m_epoch) {
    auto found = m_store.find_article(s.url);
    if (!found || !*found) {
      spdlog::error("{}: store: {}", s.url, found ? "article record missing" : found.error().message);
      if (auto next = next_after(s, m_clock.now())) schedule(slot, *next);
      m_work->ended(s.article_id, false);
      return;
    }
    article = std::move(**found);
    set_basis(s, check_basis_of(*article, s.url));
  }
  s.running = true;
  ++m_in_flight;
  CheckPipeline pipeline(m_config, m_store, m_clock);
  HttpRequest request = s.validators ? pipeline.request_for(s.url, s.validators->etag, s.validators->last_modified)
                                     : pipeline.request_for(s.url, {}, {});
  request.origin_taken_at = m_work->origin_taken_at(s.article_id);
  m_http.fetch(std::move(request),
               [this, slot, alive = m_alive, article = std::move(article)](HttpResponse response) mutable {
                 if (!*alive) return;
                 if (m_observer.fetched && response.error == FetchError::none)
                   m_observer.fetched(response.elapsed, response.body.size());
                 on_response(slot, std::move(article), std::move(response));
               });
}

std::optional<Timestamp> Monitor::next_after(const Slot& s, Timestamp now) {
  const ScheduleConfig& sc = m_config->schedule;
  std::optional<Duration> interval = s.every;
  if (s.every == Duration{0}) interval = tier_interval(sc.news, now - s.anchor);
  if (!interval) return std::nullopt;
  return now + jittered(*interval, sc.jitter, m_rng);
}

void Monitor::on_response(uint32_t slot, std::optional<ArticleRecord> article, HttpResponse response) {
  Slot& s = m_slots[slot];
  if (!s.live) return conclude(slot, std::nullopt, make_error(Errc::not_found, "watch removed"));
  // The next check is planned before the pipeline runs, so that it is stored with the check; a change
  // moves a news article back to its fastest tier, which is planned again in conclude().
  auto next = next_after(s, m_clock.now());
  // An origin that asked for a pause (Retry-After, or backoff after errors) is not asked again before.
  if (next && response.retry_at && *response.retry_at > *next) next = response.retry_at;
  // A 304 from the watched URL of an article that is active and whose last check succeeded changes
  // nothing but the times: the basis stays current, and the record needs no read. Any other answer
  // may change the article, which is then read (unless the check started by reading it) and read
  // again when the next check starts.
  const bool current =
      s.basis_epoch == m_epoch && s.quiet && response.error == FetchError::none && response.effective_url == s.url;
  const bool quiet_304 = current && response.status == 304;
  // A 200 with the very bytes of the last fetch is as quiet as a 304 (servers whose validators change
  // with every deploy or none at all); only its validators may be new, and the basis keeps them.
  std::string body_hash;
  bool quiet_same = false;
  if (current && response.status == 200 && s.validators && !s.validators->body_hash.empty()) {
    body_hash = sha256_hex(response.body);
    quiet_same = body_hash == s.validators->body_hash;
  }
  std::optional<CheckContext> context;
  if (!quiet_304 && !quiet_same) {
    s.basis_epoch = 0;
    if (!article && response.ok()) {
      // A body that may be a new version: the article and what it would be compared with, in one read.
      auto found = m_store.find_article_for_check(s.url);
      if (!found) return conclude(slot, next, found.error());
      if (*found) {
        article = std::move((*found)->article);
        context = std::move((*found)->context);
      }
    } else if (!article) {
      auto found = m_store.find_article(s.url);
      if (!found) return conclude(slot, next, found.error());
      if (*found) article = std::move(**found);
    }
    if (!article) return conclude(slot, next, make_error(Errc::not_found, "article record missing"));
  } else if (!article) {
    // What begin() reads on a 304 or the same bytes: the id, URL, state, validators, hash, last error
    // and whether it has versions (a body hash is known only while it has).
    article.emplace();
    article->id = s.article_id;
    article->url = s.url;
    if (s.validators) {
      article->etag = s.validators->etag;
      article->last_modified = s.validators->last_modified;
      article->body_hash = s.validators->body_hash;
      article->version_count = s.validators->body_hash.empty() ? 0 : 1;
    }
  }
  // The article keeps the validators it had (the check records the new ones); the basis takes them.
  if (quiet_same)
    s.validators = std::make_unique<const Validators>(
        Validators{response.header("etag"), response.header("last-modified"), body_hash});
  CheckPipeline pipeline(m_config, m_store, m_clock);
  pipeline.batch_checks_into(m_batch);
  auto begun = pipeline.begin(*article, std::move(response), next, std::move(body_hash), std::move(context));
  if (!begun) return conclude(slot, next, begun.error());
  if (auto* outcome = std::get_if<CheckOutcome>(&*begun)) return conclude(slot, next, std::move(*outcome));

  auto& work = std::get<PendingCheck>(*begun);
  if (!m_cpu) {
    CheckPipeline::analyze(work, *m_config);
    return conclude(slot, next, pipeline.finish(std::move(work)));
  }
  // Extraction and comparison on the pool; the store is written back on this thread, the checks that
  // are analyzed by then together.
  boost::asio::post(
      *m_cpu, [this, slot, next, alive = m_alive, home = *m_home, config = m_config, work = std::move(work)]() mutable {
        CheckPipeline::analyze(work, *config);
        boost::asio::post(home, [this, slot, next, alive, home, config, work = std::move(work)]() mutable {
          if (!*alive) return;
          m_analyzed.push_back(Analyzed{slot, next, std::move(config), std::move(work)});
          if (m_analyzed.size() == 1)
            boost::asio::post(home, [this, alive] {
              if (*alive) store_analyzed();
            });
        });
      });
}

void Monitor::store_analyzed() {
  std::vector<Analyzed> batch;
  batch.swap(m_analyzed);
  // One transaction for all of them: a commit per check cost more than the checks' own writes.
  const Status grouped = m_store.begin_group();
  const size_t records_before = m_batch.size();
  std::vector<Result<CheckOutcome>> outcomes;
  outcomes.reserve(batch.size());
  for (auto& a : batch) {
    CheckPipeline writer(a.config, m_store, m_clock);
    writer.batch_checks_into(m_batch);
    outcomes.push_back(writer.finish(std::move(a.work)));
  }
  if (grouped) {
    if (Status committed = m_store.commit_group(); !committed) {
      // Nothing of the group was stored: neither its versions nor the check records that describe them
      // (a record with the new body hash would make the next check skip the unstored bytes).
      m_batch.resize(records_before);
      for (auto& o : outcomes) o = committed.error();
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) conclude(batch[i].slot, batch[i].next, std::move(outcomes[i]));
}

void Monitor::conclude(uint32_t slot, std::optional<Timestamp> next, Result<CheckOutcome> outcome) {
  --m_in_flight;
  Slot& s = m_slots[slot];
  s.running = false;
  // A concluded check left its bookkeeping in m_batch; an error (the store, a removed watch) left none.
  m_work->ended(s.article_id, outcome.ok());
  if (s.live) {
    ++m_stats.checks;
    report(s, slot, next, outcome);
    if (m_observer.checked)
      m_observer.checked(check_result(outcome), outcome ? outcome->classes : std::vector<std::string>{});
  } else {  // removed while its check ran
    m_free.push_back(slot);
  }
  // Room for one more check: the rest of check_all(), or a due check that waited for room.
  if (m_all_done) {
    continue_check_all();
  } else {
    start_due(m_clock.now());
  }
  maybe_done();
}

void Monitor::report(Slot& s, uint32_t slot, std::optional<Timestamp> next, const Result<CheckOutcome>& outcome) {
  if (!outcome) {
    ++m_stats.failures;
    note_store(outcome.error(), s.url + ": store error");
    if (next) schedule(slot, *next);
    return;
  }
  if (outcome->kind == CheckOutcome::Kind::first_version || outcome->kind == CheckOutcome::Kind::changed)
    note_store({}, s.url);
  const Timestamp now = m_clock.now();
  if (outcome->kind == CheckOutcome::Kind::first_version && outcome->published) {
    // The page's date: an article first seen days after it was published starts in a slower tier.
    ArticleTimes times;
    times.first_seen = s.anchor;
    times.published = outcome->published;
    s.anchor = age_anchor(times);
  }
  if (outcome->kind == CheckOutcome::Kind::changed && s.every == Duration{0}) {
    s.anchor = now;
    next = next_after(s, now);
    for (auto it = m_batch.rbegin(); it != m_batch.rend(); ++it)
      if (it->article_id == s.article_id) {
        it->next_check = next;
        break;
      }
  }
  if (next) schedule(slot, *next);

  using Kind = CheckOutcome::Kind;
  switch (outcome->kind) {
    case Kind::failed:
      ++m_stats.failures;
      ++s.failed_checks;
      if (s.last_error.empty() || failure_class(outcome->detail) != failure_class(s.last_error))
        spdlog::warn("{}: check failed: {}", s.url, outcome->detail);
      s.last_error = outcome->detail;
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
    case Kind::deleted:
    case Kind::redirected:
      ++m_stats.state_events;
      if (m_on_change) m_on_change();
      break;
  }
  if (outcome->restored) {
    ++m_stats.state_events;
    if (m_on_change) m_on_change();
  }
  if (!s.last_error.empty())
    spdlog::info("{}: recovered after {} failed check{} (last: {})", s.url, s.failed_checks,
                 s.failed_checks == 1 ? "" : "s", s.last_error);
  s.last_error.clear();
  s.failed_checks = 0;
}

std::string check_result(const Result<CheckOutcome>& outcome) {
  if (!outcome) return "error:store";
  using Kind = CheckOutcome::Kind;
  switch (outcome->kind) {
    case Kind::failed: {
      std::string label = "error:" + failure_class(outcome->detail);
      std::replace(label.begin(), label.end(), ' ', '_');
      return label;
    }
    case Kind::not_modified:
      return "not_modified";
    case Kind::unchanged:
      return "unchanged";
    case Kind::first_version:
      return "first_version";
    case Kind::changed:
      return "changed";
    case Kind::deleted:
      return "deleted";
    case Kind::redirected:
      return "redirected";
  }
  return "error:other";
}

void Monitor::maybe_done() {
  if (m_in_flight == 0 && m_all_done && m_all_next >= m_slots.size()) {
    flush_logged("store: could not record checks");
    auto done = std::move(m_all_done);
    m_all_done = nullptr;
    done();
  }
}

}  // namespace redline
