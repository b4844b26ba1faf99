// CheckPipeline: what happens to one fetched page. Hash → extract → fingerprint → diff → store
// (version + change + outbox rows in one transaction). Free of I/O other than the Store, so it is
// tested without sockets; the Monitor feeds it responses.
//
// Identity (docs/architecture.md): a response whose final URL (after redirects) belongs to another
// article key is still this article when the page's canonical link says so or its text is close to
// the latest version's (a moved URL); otherwise the article is `redirected`. 404/410 twice in a row
// marks it `deleted`. Content of a deleted or redirected article coming back marks it `restored`.
// A new article whose page names a canonical URL is re-keyed by it while that key is free.
//
// Threads: process() does everything on the calling thread. The daemon splits it so that the CPU
// work can run on a pool: begin() and finish() use the Store and run on the store's thread;
// analyze() uses nothing shared (only the immutable Config) and may run on any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "diff/change.hpp"
#include "extract/extractor.hpp"
#include "http/http_client.hpp"
#include "monitor/notifications.hpp"
#include "notify/event.hpp"
#include "store/store.hpp"

namespace redline {

struct HeadlineTestState;

struct CheckOutcome {
  enum class Kind {
    failed,         // fetch, HTTP status or extraction failed; `detail` says why
    not_modified,   // 304, or the same bytes as last time
    unchanged,      // extracted content equals the latest version
    first_version,  // the article's first version was stored (no event)
    changed,        // a new version was stored, with its change and notifications
    deleted,        // a second 404/410 in a row: the article is marked deleted (article.deleted event)
    redirected,     // the URL now leads to another article (article.redirected event; `detail` is where)
  };
  Kind kind = Kind::failed;
  std::string detail;
  int64_t version_id = 0;
  std::vector<std::string> classes;
  std::optional<Timestamp> published;  // of the extracted page, when process() extracted one
  bool restored = false;               // a deleted or redirected article is back (article.restored event)
};

// The class of a failure detail: "timeout", "deferred", "extract", "http 503" (the text before the
// first ':'), without the details that change from check to check.
std::string failure_class(const std::string& detail);

// A fetched page on its way through the pipeline: made by begin(), filled by analyze(), written by
// finish(). Movable between threads.
struct PendingCheck {
  ArticleRecord article;
  CheckRecord check;  // the bookkeeping so far
  std::string body;   // the fetched bytes, stored with a new version
  std::string content_type;
  // What begin() read of an article with versions: the latest version then, the earlier fingerprints,
  // the running headline test, the watch source (empty for a new article).
  CheckContext context;
  // analyze():
  std::string error;  // extraction failed; the rest is empty
  Article content;
  std::string fingerprint;
  std::optional<Change> change;  // content against `context.latest`, when the fingerprints differ
  std::string diff_text;         // the change rendered as text, for the event
  bool same_article = true;
  std::optional<PackedRaw> packed_body;  // `body` packed for the store, when a version is likely stored
};

// Whether a stored change queues its notifications (outbox rows). Archive import does not by default.
enum class CaptureNotify { yes, no };

class CheckPipeline {
 public:
  CheckPipeline(std::shared_ptr<const Config> config, Store& store, const Clock& clock);

  // The GET for `article`, conditional on its stored validators.
  HttpRequest request_for(const ArticleRecord& article, const std::string& url) const;
  // The GET for `url`, conditional on these validators (none when empty).
  HttpRequest request_for(const std::string& url, std::string_view etag, std::string_view last_modified) const;

  // Handles the response to request_for(article, …). Records the check (validators, error, next check)
  // and, when the article really changed, a new version. Errors are store errors only; a failed fetch
  // is an outcome, not an error.
  Result<CheckOutcome> process(const ArticleRecord& article, HttpResponse response,
                               std::optional<Timestamp> next_check);

  // process() in three steps. begin() settles the cheap cases (304, errors, the same bytes as last
  // time: the outcome) and otherwise returns the work for analyze() (CPU only, any thread), then
  // finish() writes what it found. begin() reads what the check compares with in one go
  // (Store::check_context); a version is written only while that latest version is still the latest
  // (NewVersion::expected_latest): if another process (an import) stored one in between, finish()
  // compares with that one and writes again, so nothing it wrote is overwritten. (A capture found equal
  // to the version begin() read is not compared with one stored in between: the next fetch whose
  // bytes differ compares with it.)
  // `body_hash`: the body's SHA-256 (hex) when the caller computed it already; `context`: the
  // article's check context when the caller read it with the article (Store::find_article_for_check).
  Result<std::variant<CheckOutcome, PendingCheck>> begin(const ArticleRecord& article, HttpResponse response,
                                                         std::optional<Timestamp> next_check,
                                                         std::string body_hash = {},
                                                         std::optional<CheckContext> context = std::nullopt);
  static void analyze(PendingCheck& work, const Config& config);
  Result<CheckOutcome> finish(PendingCheck work);

  // Stores `content` captured at `captured_at` from `url` when it differs from the latest version
  // (re-read from the store, so versions another process added meanwhile count). Shared by process()
  // and archive import (monitor/archive_import.hpp).
  Result<CheckOutcome> store_capture(const ArticleRecord& article, const Article& content, Timestamp captured_at,
                                     const std::string& url, CaptureNotify notify = CaptureNotify::yes);

  // From now on, the check bookkeeping is appended to `batch` instead of written, so the caller can
  // write many in one transaction (Store::record_checks). New versions are still written at once:
  // only last_checked, next_check, validators and errors wait for the batch.
  void batch_checks_into(std::vector<CheckRecord>& batch) { m_batch = &batch; }

  // The [[feed]] the captures come from (mode content), for the notifiers' `feeds` filter. Otherwise
  // the feed is the one whose item became the article's watch, if any.
  void set_feed(std::string name) { m_feed = std::move(name); }

 private:
  Result<CheckOutcome> record(const CheckRecord& check, CheckOutcome outcome);
  // Compares `work.content` with `work.context.latest` (fingerprint, change, rendered diff).
  static void compare_with_latest(PendingCheck& work, const Config& config);
  // Writes the version (and its change and notifications) that work.content makes, if any. When the
  // store refuses it because another process (an import) stored a version since work.context was read,
  // reads the context again, compares with that version and tries again.
  Result<CheckOutcome> write_capture(PendingCheck& work, Timestamp captured_at, const std::string& url,
                                     CaptureNotify notify);
  // One try of write_capture(): `nv` holds the capture's time, URL and raw bytes.
  Result<CheckOutcome> write_version(PendingCheck& work, NewVersion& nv, CaptureNotify notify);
  // Writes the article's new state and its event (to every notifier) in one transaction.
  Status change_state(const ArticleRecord& article, EventType type, const std::string& url);
  // The URL and feed of an event about an article with this watch source, for the notifiers' filters.
  EventOrigin origin_of(const std::optional<std::string>& watch_source, const std::string& url) const;

  // Headline A/B tests (check_pipeline_ab.cpp, monitor/headline_test.hpp). headline_test_step() runs
  // before a capture's version is written: it returns the outcome when the test settles the capture
  // (a quiet flip, the test's start or end), else nullopt, and then `after` says what to write once
  // the version is stored (after_headline_test()).
  struct HeadlineTestAfter {
    bool write = false;
    std::optional<std::string> state;  // nullopt: the test is over
    std::vector<OutboxEntry> outbox;   // article.headline_test_ended
  };
  Result<std::optional<CheckOutcome>> headline_test_step(PendingCheck& work, NewVersion& nv, CaptureNotify notify,
                                                         HeadlineTestAfter& after);
  Status after_headline_test(int64_t article_id, const HeadlineTestAfter& after, Timestamp at);
  Event headline_test_event(const PendingCheck& work, const HeadlineTestState& state, EventType type);

  std::shared_ptr<const Config> m_config;
  Store& m_store;
  const Clock& m_clock;
  std::vector<CheckRecord>* m_batch = nullptr;
  std::string m_feed;
};

}  // namespace redline
