// CheckPipeline: what happens to one fetched page. Hash → extract → fingerprint → diff → store
// (version + change + outbox rows in one transaction). Synchronous and free of I/O other than the
// Store, so it is tested without sockets; the Monitor feeds it responses.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "extract/extractor.hpp"
#include "http/http_client.hpp"
#include "store/store.hpp"

namespace redline {

struct CheckOutcome {
  enum class Kind {
    failed,         // fetch, HTTP status or extraction failed; `detail` says why
    not_modified,   // 304, or the same bytes as last time
    unchanged,      // extracted content equals the latest version
    first_version,  // the article's first version was stored (no event)
    changed,        // a new version was stored, with its change and notifications
  };
  Kind kind = Kind::failed;
  std::string detail;
  int64_t version_id = 0;
  std::vector<std::string> classes;
};

// Whether a stored change queues its notifications (outbox rows). Archive import does not by default.
enum class CaptureNotify { yes, no };

class CheckPipeline {
 public:
  CheckPipeline(std::shared_ptr<const Config> config, Store& store, const Clock& clock);

  // The GET for `article`, conditional on its stored validators.
  HttpRequest request_for(const ArticleRecord& article, const std::string& url) const;

  // Handles the response to request_for(article, …). Records the check (validators, error, next check)
  // and, when the article really changed, a new version. Errors are store errors only; a failed fetch
  // is an outcome, not an error.
  Result<CheckOutcome> process(const ArticleRecord& article, const HttpResponse& response, Timestamp next_check);

  // Stores `content` captured at `captured_at` from `url` when it differs from the latest version
  // (re-read from the store, so versions another process added meanwhile count). Shared by process()
  // and archive import (monitor/archive_import.hpp).
  Result<CheckOutcome> store_capture(const ArticleRecord& article, const Article& content, Timestamp captured_at,
                                     const std::string& url, CaptureNotify notify = CaptureNotify::yes);

 private:
  Result<CheckOutcome> record(const CheckRecord& check, CheckOutcome outcome);

  std::shared_ptr<const Config> m_config;
  Store& m_store;
  const Clock& m_clock;
};

}  // namespace redline
