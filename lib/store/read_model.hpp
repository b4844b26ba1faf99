// ReadModel: the queries the review surfaces (JSON API, Atom feeds, /metrics) need beside Store's:
// keyset-paged article and event lists with filters, headline search, and cheap counts.
//
// Paging is by keyset, never OFFSET: a page's cursor is the sort key of its last row, so pages stay
// stable (no duplicate, no gap) while new rows arrive, and each page costs the same however deep.
// Events are the envelopes recorded in the `event` table (SQLite migration 7, PostgreSQL migration 6):
// one per change, deletion, redirection or restoration, copied from the event's first outbox row, kept
// when the outbox is collected.
//
// Backends: SqliteReadModel, PostgresReadModel (open_read_model in store/store_target.hpp picks one).
// Thread safety: one object per thread (each owns one connection of its own).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline {

struct ArticleSummary {
  int64_t id = 0;
  std::string key;
  std::string url;
  std::string headline;  // of the newest version; "" before the first
  std::string state;
  int64_t versions = 0;
  Timestamp first_seen{};
  std::optional<Timestamp> last_checked;
  std::optional<Timestamp> last_changed;
  std::optional<Timestamp> next_check;
};

// Articles newest change first (never-changed ones last), then by id descending.
struct ArticleCursor {
  int64_t last_changed_ms = -1;  // -1: no version yet
  int64_t id = 0;
};

struct ArticleQuery {
  std::string site;    // host suffix ("dw.com" matches www.dw.com); "" = any
  std::string state;   // active | deleted | redirected; "" = any
  std::string search;  // substring of any version's headline, any language, case-insensitive for ASCII
  size_t limit = 50;
  std::optional<ArticleCursor> after;  // the previous page's last row
};

// A SQL LIKE pattern matching any text that contains `text` (with \ as the escape character).
std::string like_pattern(std::string_view text);

struct ArticlePage {
  std::vector<ArticleSummary> items;
  std::optional<ArticleCursor> next;  // set when more rows may follow
};

struct EventRecord {
  int64_t seq = 0;  // recording order
  std::string event_id;
  int64_t article_id = 0;
  int64_t version_id = 0;  // 0 for state events
  std::string type;        // article.changed | article.deleted | …
  Timestamp created_at{};
  std::string payload;  // the webhook envelope
};

struct EventQuery {
  std::optional<Timestamp> since;     // created_at >= since
  std::optional<Timestamp> until;     // created_at < until
  std::vector<std::string> classes;   // carries at least one of them; empty = any
  std::string site;                   // host suffix of the article's URL
  std::string feed;                   // the [[feed]] whose item the article is
  std::optional<int64_t> article_id;  // one article's events
  size_t limit = 50;
  std::optional<int64_t> before_seq;  // newest first: rows with seq < before_seq
};

struct EventPage {
  std::vector<EventRecord> items;  // newest first
  std::optional<int64_t> next;     // the cursor of the next page when more rows may follow
};

// A run-time watch (the `watch` table: `redline add`, the API, feeds) with its article's bookkeeping,
// for the web desk's /watches page.
struct WatchSummary {
  std::string url;
  int64_t article_id = 0;
  std::string key;
  std::optional<Duration> every;  // absent: the "news" schedule
  std::string source;             // "cli" or "feed:<name>"
  Timestamp added_at{};
  std::string state;
  int64_t versions = 0;
  Timestamp first_seen{};
  std::optional<Timestamp> published;    // of the newest version
  std::optional<Timestamp> last_change;  // capture time of the newest version that was a change
  std::optional<Timestamp> last_checked;
  std::optional<Timestamp> next_check;
  std::string last_error;  // "" when the last check succeeded
};

// Watches by URL (the watch table's primary key), keyset-paged.
struct WatchQuery {
  size_t limit = 50;
  std::optional<std::string> after;  // the previous page's last URL
};

struct WatchPage {
  std::vector<WatchSummary> items;
  std::optional<std::string> next;  // set when more rows may follow
};

// Counts read from rows that triggers keep up to date (no table scan).
struct StoreGauges {
  std::map<std::string, int64_t> articles_by_state;
  int64_t outbox_pending = 0;
  int64_t outbox_dead = 0;
  std::optional<Timestamp> oldest_pending;  // created_at of the oldest pending outbox row
  int64_t store_bytes = 0;                  // SQLite: page_count × page_size; PostgreSQL: the tables' size
  int64_t events = 0;                       // the newest event's seq

  // One row of a backend's gauge query by name: outbox:pending, outbox:dead, articles:<state>,
  // oldest_pending (skipped when null), events, bytes; other names are ignored.
  void set(std::string_view name, int64_t value, bool null = false);
};

class ReadModel {
 public:
  virtual ~ReadModel() = default;
  virtual Result<ArticlePage> articles(const ArticleQuery& query) = 0;
  virtual Result<std::optional<ArticleSummary>> article(int64_t id) = 0;
  virtual Result<EventPage> events(const EventQuery& query) = 0;
  virtual Result<std::optional<EventRecord>> event(std::string_view event_id) = 0;
  virtual Result<StoreGauges> gauges() = 0;
  virtual Result<WatchPage> watches(const WatchQuery& query) = 0;
};

}  // namespace redline
