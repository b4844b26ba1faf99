// CheckPipeline's part in headline A/B tests: feeds monitor/headline_test.hpp with what a check saw and
// writes what it decides (the test's state in the store's headline_test table, its two events).
#include <spdlog/spdlog.h>

#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "monitor/check_pipeline.hpp"
#include "monitor/headline_test.hpp"
#include "monitor/site_rules.hpp"

namespace redline {

namespace {

// Everything but the headline: equal for two versions whose only difference is the headline.
std::string body_fingerprint(Article article, const CompareOptions& options) {
  article.headline.clear();
  return fingerprint(article, options);
}

nlohmann::json variants_json(const HeadlineTestState& state) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : state.variants)
    out.push_back({{"headline", v.headline},
                   {"first_seen", format_rfc3339(v.first_seen)},
                   {"last_seen", format_rfc3339(v.last_seen)},
                   {"sightings", v.sightings}});
  return out;
}

std::string quoted_variants(const HeadlineTestState& state) {
  std::string out;
  for (const auto& v : state.variants) out += (out.empty() ? "" : " / ") + ("\u201c" + v.headline + "\u201d");
  return out;
}

}  // namespace

Result<std::optional<CheckOutcome>> CheckPipeline::headline_test_step(PendingCheck& work, NewVersion& nv,
                                                                      CaptureNotify notify, HeadlineTestAfter& after) {
  if (notify == CaptureNotify::no || !work.context.latest)
    return std::optional<CheckOutcome>();  // imports take no part
  const ArticleRecord& article = work.article;
  const VersionRecord& latest = *work.context.latest;
  const std::optional<std::string>& stored = work.context.headline_test;
  const CompareOptions options = compare_options_for(*m_config, nv.url);
  const HeadlineSighting seen{work.content.headline, body_fingerprint(work.content, options), nv.captured_at};
  const auto keep_fetching = [&] {
    // While a test runs, every check fetches and extracts the page (no validators, no hash), so that
    // a test that settles on unchanged bytes still ends.
    work.check.etag.clear();
    work.check.last_modified.clear();
    work.check.body_hash.clear();
  };
  const auto quiet = [&](std::string detail) {
    keep_fetching();
    CheckOutcome o;
    o.kind = CheckOutcome::Kind::unchanged;
    o.detail = std::move(detail);
    o.version_id = latest.id;
    return std::optional<CheckOutcome>(std::move(o));
  };

  if (!stored) {
    // Does this headline-only change go back to a headline of the last ab_window (A → B → A)?
    if (!work.change || !work.change->changed() || body_fingerprint(latest.content, options) != seen.body)
      return std::optional<CheckOutcome>();
    auto versions = m_store.versions(article.id);
    if (!versions) return versions.error();
    std::vector<HeadlineSighting> past;
    for (auto it = versions->rbegin(); it != versions->rend() && it->captured_at >= seen.at - m_config->ab_window; ++it)
      past.insert(past.begin(), {it->content.headline, body_fingerprint(it->content, options), it->captured_at});
    auto test = detect_headline_test(past, seen, m_config->ab_window);
    if (!test) return std::optional<CheckOutcome>();
    Event event = headline_test_event(work, *test, EventType::headline_test);
    const auto rows = plan_outbox(*m_config, event.classes, origin_of(work.context.watch_source, nv.url), event.id,
                                  article.id, render_event(event), event.occurred_at);
    if (auto s = m_store.record_headline_test(article.id, to_json(*test), rows, event.occurred_at); !s)
      return s.error();
    spdlog::info("{}: headline test: {}", nv.url, quoted_variants(*test));
    return quiet("headline test started");
  }

  auto state = headline_test_from_json(*stored);
  if (!state) {  // not a state this version wrote: forget it rather than stop checking the article
    spdlog::warn("{}: {}; the headline test is forgotten", nv.url, state.error().message);
    if (auto s = m_store.record_headline_test(article.id, std::nullopt, {}, nv.captured_at); !s) return s.error();
    return std::optional<CheckOutcome>();
  }
  const HeadlineTestStep step = observe_headline_test(*state, seen, m_config->ab_settle);
  after.write = true;
  if (step.ended) {
    Event event = headline_test_event(work, *state, EventType::headline_test_ended);
    after.outbox = plan_outbox(*m_config, event.classes, origin_of(work.context.watch_source, nv.url), event.id,
                               article.id, render_event(event), event.occurred_at);
    spdlog::info("{}: headline test ended: \u201c{}\u201d", nv.url, state->current);
  } else {
    after.state = to_json(*state);
  }
  if (step.quiet) {
    if (step.ended && work.change && work.change->changed()) {
      // The winner is not the latest version: it is stored, and the end event stands for its change.
      nv.change = ChangeRecord{0, article.id, latest.id, 0, work.change->classes, to_json(work.change->stats).dump()};
      nv.outbox = std::move(after.outbox);
      auto id = m_store.add_version(nv);
      if (!id) return id.error();
      if (auto s = m_store.record_headline_test(article.id, std::nullopt, {}, nv.captured_at); !s) return s.error();
      auto done = quiet("headline test ended");
      done->kind = CheckOutcome::Kind::changed;
      done->version_id = *id;
      done->classes = work.change->classes;
      return done;
    }
    if (auto s = m_store.record_headline_test(article.id, after.state, after.outbox, nv.captured_at); !s)
      return s.error();
    return quiet(step.ended ? "headline test ended" : "headline test");
  }
  // Reported as usual. A known variant's change shows the body edit, not the flip.
  if (step.known_variant && work.change) {
    Article baseline = latest.content;
    baseline.headline = work.content.headline;
    work.change = compare(baseline, work.content, options);
    work.diff_text = render(*work.change, baseline, work.content, DiffFormat::text);
  }
  if (!step.ended) keep_fetching();
  return std::optional<CheckOutcome>();
}

Status CheckPipeline::after_headline_test(int64_t article_id, const HeadlineTestAfter& after, Timestamp at) {
  if (!after.write) return {};
  return m_store.record_headline_test(article_id, after.state, after.outbox, at);
}

Event CheckPipeline::headline_test_event(const PendingCheck& work, const HeadlineTestState& state, EventType type) {
  const VersionRecord& latest = *work.context.latest;
  Event event;
  event.id = make_event_id();
  event.type = type;
  event.occurred_at = m_clock.now();
  event.article_key = work.article.key;
  event.url = work.check.url.empty() ? work.article.url : work.check.url;
  event.old_version = EventVersion{latest.number, latest.captured_at, latest.content.headline};
  event.new_version = event.old_version;
  event.classes = {"headline"};
  event.variants = variants_json(state);
  const std::string count = std::to_string(state.variants.size());
  if (type == EventType::headline_test) {
    event.summary = "Headline test: " + count + " variants (" + quoted_variants(state) + ")";
  } else {
    event.winner = state.current;
    event.summary = "Headline test ended: \u201c" + state.current + "\u201d won (" + count + " variants)";
    if (work.change && work.change->changed() && work.content.headline != latest.content.headline)
      event.new_version = EventVersion{latest.number + 1, work.check.checked_at, work.content.headline};
  }
  return event;
}

}  // namespace redline
