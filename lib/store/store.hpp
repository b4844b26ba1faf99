// Store: articles, their versions, the changes between versions and the notification outbox.
// SqliteStore is the embedded default; a PostgreSQL backend comes later behind the same interface.
//
// Contract: add_version() commits the version, its change and its outbox rows in ONE transaction,
// so after a crash either all of them exist or none. Every method may be called from one thread at
// a time per Store object; open one Store per thread (the CLI reads while the daemon writes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace redline {

struct ArticleRecord {
  int64_t id = 0;
  std::string key;  // identity: "<site match>:<id>" from a [[site]] id rule, else the canonical URL
  std::string url;  // the URL it was last fetched from
  Timestamp first_seen{};
  std::optional<Timestamp> last_checked;
  std::optional<Timestamp> last_changed;  // capture time of the newest version
  std::optional<Timestamp> next_check;
  std::string state = "active";  // active | deleted | redirected
  std::string etag;              // validators of the last successful fetch, for conditional GET
  std::string last_modified;
  std::string body_hash;   // sha256 of the last fetched bytes
  std::string last_error;  // empty when the last check succeeded
  int64_t version_count = 0;
};

struct VersionRecord {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t number = 0;  // 1-based position by capture time
  Timestamp captured_at{};
  std::string url;  // the URL this version was fetched from
  Article content;
  std::string fingerprint;  // comparison key of the content (see diff/fingerprint.hpp)
};

struct ChangeRecord {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t from_version = 0;  // version ids
  int64_t to_version = 0;
  std::vector<std::string> classes;
  std::string stats_json;  // the diff's "stats" object
};

enum class OutboxState { pending, delivered, dead };
std::string_view to_string(OutboxState s);

struct OutboxEntry {
  int64_t id = 0;
  std::string event_id;  // stable across attempts: the webhook-id
  int64_t article_id = 0;
  std::string notifier;  // the [[webhook]] name (or "difflog")
  std::string payload;   // the JSON body, rendered when the row is written
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  Timestamp created_at{};
  Timestamp next_attempt{};
  std::string last_error;
};

struct CheckRecord {
  int64_t article_id = 0;
  Timestamp checked_at{};
  std::optional<Timestamp> next_check;
  std::string url;  // effective URL
  std::string etag;
  std::string last_modified;
  std::string body_hash;
  std::string error;  // empty on success
};

struct NewVersion {
  int64_t article_id = 0;
  Timestamp captured_at{};
  std::string url;
  Article content;
  std::string fingerprint;
  // The change from the previous version; absent for an article's first version.
  std::optional<ChangeRecord> change;
  // Notifications to deliver; event ids are chosen by the caller.
  std::vector<OutboxEntry> outbox;
};

class Store {
public:
  virtual ~Store() = default;

  // The article with this key, created (first_seen = now) when missing. Records `url` as one of its URLs.
  virtual Result<ArticleRecord> ensure_article(std::string_view key, std::string_view url, Timestamp now) = 0;
  // Looks an article up by key or by any URL ever recorded for it.
  virtual Result<std::optional<ArticleRecord>> find_article(std::string_view key_or_url) = 0;
  virtual Result<std::vector<ArticleRecord>> list_articles() = 0;

  // Versions of an article, oldest first, numbered from 1.
  virtual Result<std::vector<VersionRecord>> versions(int64_t article_id) = 0;
  virtual Result<std::optional<VersionRecord>> latest_version(int64_t article_id) = 0;
  virtual Result<std::vector<ChangeRecord>> changes(int64_t article_id) = 0;

  // Updates the article's check bookkeeping (validators, hash, last error, next check).
  virtual Status record_check(const CheckRecord& check) = 0;
  // Version + change + outbox rows in one transaction; returns the new version's id.
  virtual Result<int64_t> add_version(const NewVersion& version) = 0;

  // Pending outbox rows whose next_attempt <= now, oldest first.
  virtual Result<std::vector<OutboxEntry>> due_outbox(Timestamp now, size_t limit) = 0;
  virtual Result<std::vector<OutboxEntry>> list_outbox(std::optional<OutboxState> state) = 0;
  virtual Status mark_delivered(int64_t outbox_id, Timestamp now) = 0;
  virtual Status mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) = 0;
  virtual Status mark_dead(int64_t outbox_id, int attempts, std::string_view error) = 0;
};

}  // namespace redline
