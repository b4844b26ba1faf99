#include "monitor/check_pipeline.hpp"

#include <spdlog/spdlog.h>

#include "diff/compare.hpp"
#include "diff/render.hpp"
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

}  // namespace

CheckPipeline::CheckPipeline(std::shared_ptr<const Config> config, Store& store, const Clock& clock)
    : m_config(std::move(config)), m_store(store), m_clock(clock) {}

HttpRequest CheckPipeline::request_for(const ArticleRecord& article, const std::string& url) const {
  HttpRequest req;
  req.url = url;
  req.connect_timeout = m_config->http.connect_timeout;
  req.timeout = m_config->http.timeout;
  req.max_body = m_config->http.max_body;
  req.max_redirects = m_config->http.max_redirects;
  req.html_only = true;
  req.headers.emplace_back("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
  // Validators are only worth sending when a version exists to compare against.
  if (article.version_count > 0) {
    if (!article.etag.empty()) req.headers.emplace_back("If-None-Match", article.etag);
    if (!article.last_modified.empty()) req.headers.emplace_back("If-Modified-Since", article.last_modified);
  }
  return req;
}

Result<CheckOutcome> CheckPipeline::record(const CheckRecord& check, CheckOutcome outcome) {
  if (auto s = m_store.record_check(check); !s) return s.error();
  return outcome;
}

Result<CheckOutcome> CheckPipeline::process(const ArticleRecord& article, const HttpResponse& response,
                                            Timestamp next_check) {
  CheckRecord check;
  check.article_id = article.id;
  check.checked_at = m_clock.now();
  check.next_check = next_check;
  check.url = response.effective_url.empty() ? article.url : response.effective_url;
  check.etag = article.etag;
  check.last_modified = article.last_modified;
  check.body_hash = article.body_hash;

  if (response.status == 304 && response.error == FetchError::none)
    return record(check, CheckOutcome{CheckOutcome::Kind::not_modified, "304", 0, {}});
  if (!response.ok()) {
    check.error = fetch_error(response);
    return record(check, CheckOutcome{CheckOutcome::Kind::failed, check.error, 0, {}});
  }

  check.etag = response.header("etag");
  check.last_modified = response.header("last-modified");
  check.body_hash = sha256_hex(response.body);
  if (check.body_hash == article.body_hash && article.version_count > 0)
    return record(check, CheckOutcome{CheckOutcome::Kind::not_modified, "same bytes", 0, {}});

  auto content = extract_page({response.body, check.url, response.header("content-type")},
                              extract_rules_for(*m_config, check.url));
  if (!content) {
    check.error = "extract: " + content.error().message;
    check.body_hash.clear();  // try again next time
    return record(check, CheckOutcome{CheckOutcome::Kind::failed, check.error, 0, {}});
  }
  if (content->headline.empty() && content->blocks.empty()) {
    check.error = "extract: no headline and no body text found";
    check.body_hash.clear();
    return record(check, CheckOutcome{CheckOutcome::Kind::failed, check.error, 0, {}});
  }

  auto outcome = store_capture(article, *content, check.checked_at, check.url);
  if (!outcome) return outcome;
  if (auto s = m_store.record_check(check); !s) return s.error();
  return outcome;
}

Result<CheckOutcome> CheckPipeline::store_capture(const ArticleRecord& article, const Article& content,
                                                  Timestamp captured_at, const std::string& url, CaptureNotify notify) {
  const Config& config = *m_config;
  const CompareOptions options = compare_options_for(config, url);
  const std::string fp = fingerprint(content, options);

  NewVersion nv;
  nv.article_id = article.id;
  nv.captured_at = captured_at;
  nv.url = url;
  nv.content = content;
  nv.fingerprint = fp;

  auto latest_or_none = m_store.latest_version(article.id);
  if (!latest_or_none) return latest_or_none.error();
  if (!*latest_or_none) {
    auto id = m_store.add_version(nv);
    if (!id) return id.error();
    spdlog::info("{}: first version stored ({})", url, content.headline);
    return CheckOutcome{CheckOutcome::Kind::first_version, "", *id, {}};
  }

  const VersionRecord& latest = **latest_or_none;
  if (latest.fingerprint == fp) return CheckOutcome{CheckOutcome::Kind::unchanged, "", latest.id, {}};
  const Change change = compare(latest.content, content, options);
  // Different fingerprints but no change: the comparison options changed since the latest version.
  if (!change.changed()) return CheckOutcome{CheckOutcome::Kind::unchanged, "noise only", latest.id, {}};

  // A real change: is it back to an earlier text?
  auto history = m_store.versions(article.id);
  if (!history) return history.error();
  std::vector<std::string> classes = change.classes;
  for (size_t i = 0; i + 1 < history->size(); ++i) {
    if ((*history)[i].fingerprint == fp) {
      classes.emplace_back("revert");
      break;
    }
  }

  Event event;
  event.id = make_event_id();
  event.type = EventType::changed;
  event.occurred_at = m_clock.now();
  event.article_key = article.key;
  event.url = url;
  event.old_version = EventVersion{latest.number, latest.captured_at, latest.content.headline};
  event.new_version = EventVersion{latest.number + 1, captured_at, content.headline};
  event.classes = classes;
  const nlohmann::json diff_json = to_json(change);
  event.stats = diff_json.value("stats", nlohmann::json::object());
  event.diff = render(change, latest.content, content, DiffFormat::text);
  const std::string payload = render_event(event);

  ChangeRecord rec;
  rec.article_id = article.id;
  rec.from_version = latest.id;
  rec.classes = classes;
  rec.stats_json = event.stats.dump();
  nv.change = rec;
  if (notify == CaptureNotify::yes)
    nv.outbox = plan_outbox(config, classes, event.id, article.id, payload, event.occurred_at);

  auto id = m_store.add_version(nv);
  if (!id) return id.error();
  std::string joined;
  for (const auto& c : classes) joined += (joined.empty() ? "" : ",") + c;
  spdlog::info("{}: changed [{}] → version {}", url, joined, latest.number + 1);
  return CheckOutcome{CheckOutcome::Kind::changed, "", *id, classes};
}

}  // namespace redline
