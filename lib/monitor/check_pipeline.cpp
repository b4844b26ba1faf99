#include "monitor/check_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "diff/summary.hpp"
#include "monitor/identity.hpp"
#include "monitor/notifications.hpp"
#include "monitor/site_rules.hpp"
#include "notify/event.hpp"
#include "util/crypto.hpp"

namespace redline {

namespace {

std::string fetch_error(const HttpResponse& r) {
  if (r.error != FetchError::none) {
    const std::string kind(to_string(r.error));
    // The client's messages usually start with the class already ("dns: Could not resolve…").
    return r.error_message.rfind(kind + ":", 0) == 0 ? r.error_message : kind + ": " + r.error_message;
  }
  return "http " + std::to_string(r.status);
}

CheckOutcome outcome_of(CheckOutcome::Kind kind, std::string detail, int64_t version_id = 0,
                        std::vector<std::string> classes = {}) {
  CheckOutcome o;
  o.kind = kind;
  o.detail = std::move(detail);
  o.version_id = version_id;
  o.classes = std::move(classes);
  return o;
}

}  // namespace

std::string failure_class(const std::string& detail) { return detail.substr(0, detail.find(':')); }

CheckPipeline::CheckPipeline(std::shared_ptr<const Config> config, Store& store, const Clock& clock)
    : m_config(std::move(config)), m_store(store), m_clock(clock) {}

HttpRequest CheckPipeline::request_for(const ArticleRecord& article, const std::string& url) const {
  // Validators are only worth sending when a version exists to compare against.
  if (article.version_count == 0) return request_for(url, {}, {});
  return request_for(url, article.etag, article.last_modified);
}

HttpRequest CheckPipeline::request_for(const std::string& url, std::string_view etag,
                                       std::string_view last_modified) const {
  HttpRequest req;
  req.url = url;
  req.connect_timeout = m_config->http.connect_timeout;
  req.timeout = m_config->http.timeout;
  req.max_body = m_config->http.max_body;
  req.max_redirects = m_config->http.max_redirects;
  req.html_only = true;
  req.headers.emplace_back("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
  if (!etag.empty()) req.headers.emplace_back("If-None-Match", etag);
  if (!last_modified.empty()) req.headers.emplace_back("If-Modified-Since", last_modified);
  return req;
}

Result<CheckOutcome> CheckPipeline::record(const CheckRecord& check, CheckOutcome outcome) {
  if (m_batch && check.schedule_only) {  // without the strings the store ignores: it may wait a while
    CheckRecord& times = m_batch->emplace_back();
    times.article_id = check.article_id;
    times.checked_at = check.checked_at;
    times.next_check = check.next_check;
    times.schedule_only = true;
  } else if (m_batch)
    m_batch->push_back(check);
  else if (auto s = m_store.record_check(check); !s)
    return s.error();
  return outcome;
}

Result<CheckOutcome> CheckPipeline::process(const ArticleRecord& article, HttpResponse response,
                                            std::optional<Timestamp> next_check) {
  auto begun = begin(article, std::move(response), next_check);
  if (!begun) return begun.error();
  if (auto* outcome = std::get_if<CheckOutcome>(&*begun)) return std::move(*outcome);
  auto& work = std::get<PendingCheck>(*begun);
  analyze(work, *m_config);
  return finish(std::move(work));
}

Result<std::variant<CheckOutcome, PendingCheck>> CheckPipeline::begin(const ArticleRecord& article,
                                                                      HttpResponse response,
                                                                      std::optional<Timestamp> next_check,
                                                                      std::string body_hash,
                                                                      std::optional<CheckContext> context) {
  using Began = std::variant<CheckOutcome, PendingCheck>;
  const auto done = [](Result<CheckOutcome> r) -> Result<Began> {
    if (!r) return r.error();
    return Began(std::move(*r));
  };
  CheckRecord check;
  check.article_id = article.id;
  check.checked_at = m_clock.now();
  check.next_check = next_check;
  check.url = response.effective_url.empty() ? article.url : response.effective_url;
  check.etag = article.etag;
  check.last_modified = article.last_modified;
  check.body_hash = article.body_hash;

  // Unchanged bytes: nothing to extract. A deleted article answering so is back (its validators and
  // hash are those of its last good fetch; a redirected one's were cleared).
  const auto unchanged = [&](std::string detail) -> Result<Began> {
    CheckOutcome outcome = outcome_of(CheckOutcome::Kind::not_modified, std::move(detail), 0);
    if (article.state != "active") {
      if (auto s = change_state(article, EventType::restored, check.url); !s) return s.error();
      spdlog::info("{}: restored", article.url);
      outcome.restored = true;
    }
    // Only the times changed: the store need not touch the article's own row.
    check.schedule_only = article.state == "active" && article.last_error.empty() && check.url == article.url &&
                          check.etag == article.etag && check.last_modified == article.last_modified &&
                          check.body_hash == article.body_hash;
    return done(record(check, std::move(outcome)));
  };
  if (response.status == 304 && response.error == FetchError::none) return unchanged("304");
  if (response.error == FetchError::none && (response.status == 404 || response.status == 410)) {
    check.error = fetch_error(response);
    // One 404 may be a glitch of a deploy; the second in a row is a deletion.
    const bool again = article.last_error == "http 404" || article.last_error == "http 410";
    if (again && article.state != "deleted") {
      if (auto s = change_state(article, EventType::deleted, article.url); !s) return s.error();
      spdlog::warn("{}: deleted ({} twice in a row)", article.url, check.error);
      return done(record(check, outcome_of(CheckOutcome::Kind::deleted, check.error, 0)));
    }
    return done(record(check, outcome_of(CheckOutcome::Kind::failed, check.error, 0)));
  }
  if (!response.ok()) {
    check.error = fetch_error(response);
    return done(record(check, outcome_of(CheckOutcome::Kind::failed, check.error, 0)));
  }

  check.etag = response.header("etag");
  check.last_modified = response.header("last-modified");
  check.body_hash = body_hash.empty() ? sha256_hex(response.body) : std::move(body_hash);
  if (check.body_hash == article.body_hash && article.version_count > 0) return unchanged("same bytes");

  PendingCheck work;
  work.article = article;
  work.check = std::move(check);
  work.content_type = response.header("content-type");
  work.body = std::move(response.body);
  // An article without versions needs no read (write_capture() notices one stored meanwhile).
  if (context) {
    work.context = std::move(*context);
  } else if (article.version_count > 0) {
    auto read = m_store.check_context(article.id);
    if (!read) return read.error();
    work.context = std::move(*read);
  }
  return Began(std::move(work));
}

void CheckPipeline::analyze(PendingCheck& work, const Config& config) {
  const std::string& url = work.check.url;
  auto content = extract_page({work.body, url, work.content_type}, extract_rules_for(config, url));
  if (!content) {
    work.error = "extract: " + content.error().message;
    return;
  }
  if (content->headline.empty() && content->blocks.empty()) {
    work.error = "extract: no headline and no body text found";
    return;
  }
  work.content = std::move(*content);
  compare_with_latest(work, config);

  // Is the page still this article? Its final URL, its canonical link or its text says so.
  const ArticleRecord& article = work.article;
  work.same_article =
      article_key(config, url) == article.key ||
      (!work.content.canonical_url.empty() && article_key(config, work.content.canonical_url) == article.key) ||
      !work.context.latest ||
      (!work.content.headline.empty() && work.context.latest->content.headline == work.content.headline) ||
      !work.change || work.change->stats.similarity >= 0.5;
  // A version will be stored: compress the body here, on the worker, not in the store's writer.
  if (!work.context.latest || (work.change && work.change->changed()))
    work.packed_body = pack_raw(work.body, work.check.body_hash);
}

void CheckPipeline::compare_with_latest(PendingCheck& work, const Config& config) {
  const CompareOptions options = compare_options_for(config, work.check.url);
  work.fingerprint = fingerprint(work.content, options);
  work.change.reset();
  work.diff_text.clear();
  const std::optional<VersionRecord>& latest = work.context.latest;
  if (!latest || latest->fingerprint == work.fingerprint) return;
  work.change = compare(latest->content, work.content, options);
  if (work.change->changed()) work.diff_text = render(*work.change, latest->content, work.content, DiffFormat::text);
}

Result<CheckOutcome> CheckPipeline::finish(PendingCheck work) {
  CheckRecord& check = work.check;
  const ArticleRecord& article = work.article;
  if (!work.error.empty()) {
    check.error = work.error;
    check.body_hash.clear();  // try again next time
    return record(check, outcome_of(CheckOutcome::Kind::failed, check.error, 0));
  }
  if (!work.same_article) {
    if (article.state != "redirected") {
      if (auto s = change_state(article, EventType::redirected, check.url); !s) return s.error();
      spdlog::warn("{}: redirected to another article: {}", article.url, check.url);
    }
    const std::string target = check.url;
    // The other article's URL and validators are not this article's: the next fetch compares again.
    check.url.clear();
    check.etag.clear();
    check.last_modified.clear();
    check.body_hash.clear();
    return record(check, outcome_of(CheckOutcome::Kind::redirected, target, 0));
  }
  const bool restored = article.state != "active";
  if (restored) {
    if (auto s = change_state(article, EventType::restored, check.url); !s) return s.error();
    spdlog::info("{}: restored", article.url);
  }
  if (article.version_count == 0) {
    // A new article is keyed by the canonical URL its page names, unless a [[site]] id rule keys it.
    const SiteConfig* site = m_config->site_for(check.url);
    if (!work.content.canonical_url.empty() && !(site && !site->id.empty())) {
      const std::string key = article_key(*m_config, work.content.canonical_url);
      if (key != article.key) {
        auto rekeyed = m_store.rekey_article(article.id, key);
        if (!rekeyed) return rekeyed.error();
        if (*rekeyed) work.article.key = key;
      }
    }
  }
  auto outcome = write_capture(work, check.checked_at, check.url, CaptureNotify::yes);
  if (!outcome) return outcome;
  outcome->published = work.content.published;
  outcome->restored = restored;
  return record(check, std::move(*outcome));
}

EventOrigin CheckPipeline::origin_of(const std::optional<std::string>& watch_source, const std::string& url) const {
  EventOrigin origin{url, m_feed};
  if (origin.feed.empty() && watch_source && watch_source->rfind("feed:", 0) == 0)
    origin.feed = watch_source->substr(5);
  return origin;
}

Status CheckPipeline::change_state(const ArticleRecord& article, EventType type, const std::string& url) {
  auto context = m_store.check_context(article.id);
  if (!context) return context.error();
  Event event;
  event.id = make_event_id();
  event.type = type;
  event.occurred_at = m_clock.now();
  event.article_key = article.key;
  event.url = url;
  if (const auto& latest = context->latest) {
    event.old_version = EventVersion{latest->number, latest->captured_at, latest->content.headline};
    if (type != EventType::deleted) event.new_version = event.old_version;
  }
  StateChange change;
  change.article_id = article.id;
  change.state = type == EventType::deleted ? "deleted" : type == EventType::redirected ? "redirected" : "active";
  change.at = event.occurred_at;
  change.outbox = plan_state_outbox(*m_config, origin_of(context->watch_source, url), event.id, article.id,
                                    render_event(event), event.occurred_at);
  return m_store.record_state(change);
}

Result<CheckOutcome> CheckPipeline::store_capture(const ArticleRecord& article, const Article& content,
                                                  Timestamp captured_at, const std::string& url, CaptureNotify notify) {
  PendingCheck work;
  work.article = article;
  work.check.url = url;
  work.content = content;
  auto context = m_store.check_context(article.id);
  if (!context) return context.error();
  work.context = std::move(*context);
  compare_with_latest(work, *m_config);
  return write_capture(work, captured_at, url, notify);
}

Result<CheckOutcome> CheckPipeline::write_capture(PendingCheck& work, Timestamp captured_at, const std::string& url,
                                                  CaptureNotify notify) {
  NewVersion nv;
  nv.article_id = work.article.id;
  nv.captured_at = captured_at;
  nv.url = url;
  if (work.packed_body)
    nv.packed_raw = std::move(work.packed_body);
  else
    nv.raw = std::move(work.body);  // kept zstd-compressed and content-addressed by the store
  // Tries again only while other processes keep storing versions of this very article.
  constexpr int k_write_attempts = 3;
  for (int attempt = 1;; ++attempt) {
    auto outcome = write_version(work, nv, notify);
    if (outcome || outcome.error().code != Errc::conflict || attempt == k_write_attempts) return outcome;
    spdlog::debug("{}: {}; comparing with that version", url, outcome.error().message);
    auto context = m_store.check_context(work.article.id);
    if (!context) return context.error();
    work.context = std::move(*context);
    compare_with_latest(work, *m_config);
  }
}

Result<CheckOutcome> CheckPipeline::write_version(PendingCheck& work, NewVersion& nv, CaptureNotify notify) {
  const ArticleRecord& article = work.article;
  const Article& content = work.content;
  const std::string& url = nv.url;
  nv.content = content;
  nv.fingerprint = work.fingerprint;
  nv.change.reset();
  nv.outbox.clear();
  // Written only while the latest version is still the one compared with.
  nv.expected_latest = work.context.latest ? work.context.latest->id : 0;

  if (!work.context.latest) {
    auto id = m_store.add_version(nv);
    if (!id) return id.error();
    spdlog::info("{}: first version stored ({})", url, content.headline);
    return outcome_of(CheckOutcome::Kind::first_version, "", *id);
  }

  const VersionRecord& latest = *work.context.latest;
  // Headline A/B tests (check_pipeline_ab.cpp): flips among known variants are not changes.
  HeadlineTestAfter ab;
  auto settled = headline_test_step(work, nv, notify, ab);
  if (!settled) return settled.error();
  if (*settled) return std::move(**settled);
  if (!work.change) return outcome_of(CheckOutcome::Kind::unchanged, "", latest.id);
  const Change& change = *work.change;
  // Different fingerprints but no change: the comparison options changed since the latest version.
  if (!change.changed()) return outcome_of(CheckOutcome::Kind::unchanged, "noise only", latest.id);

  // A real change: is it back to an earlier text?
  const auto& earlier = work.context.earlier_fingerprints;
  const bool revert = std::find(earlier.begin(), earlier.end(), work.fingerprint) != earlier.end();
  std::vector<std::string> classes = change.classes;
  if (revert) classes.emplace_back("revert");

  Event event;
  event.id = make_event_id();
  event.type = EventType::changed;
  event.occurred_at = m_clock.now();
  event.article_key = article.key;
  event.url = url;
  event.old_version = EventVersion{latest.number, latest.captured_at, latest.content.headline};
  event.new_version = EventVersion{latest.number + 1, nv.captured_at, content.headline};
  event.classes = classes;
  event.stats = to_json(change.stats);
  event.diff = work.diff_text;
  event.facts = to_json(change.facts);
  event.summary = change.summary;
  if (revert) {
    Change reported = change;
    reported.classes = classes;
    event.summary = summarize(reported);
  }
  const std::string payload = render_event(event);

  ChangeRecord rec;
  rec.article_id = article.id;
  rec.from_version = latest.id;
  rec.classes = classes;
  rec.stats_json = event.stats.dump();
  nv.change = rec;
  if (notify == CaptureNotify::yes)
    nv.outbox = plan_outbox(*m_config, classes, origin_of(work.context.watch_source, url), event.id, article.id,
                            payload, event.occurred_at);

  auto id = m_store.add_version(nv);
  if (!id) return id.error();
  if (auto s = after_headline_test(article.id, ab, event.occurred_at); !s) return s.error();
  std::string joined;
  for (const auto& c : classes) joined += (joined.empty() ? "" : ",") + c;
  spdlog::info("{}: changed [{}] → version {}", url, joined, latest.number + 1);
  return outcome_of(CheckOutcome::Kind::changed, "", *id, classes);
}

}  // namespace redline
