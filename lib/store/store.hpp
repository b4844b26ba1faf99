// Store: articles, their versions, the changes between versions, the watch list and the notification
// outbox, as role interfaces (ArticleStore, WatchStore, OutboxStore, OutboxAdmin, GroupedWrites, RawStore,
// StoreMaintenance) that Store composes. SqliteStore is the embedded default; PostgresStore shares one
// database between several nodes.
//
// Contract: add_version() commits the version, its change and its outbox rows in ONE transaction,
// so after a crash either all of them exist or none. Every method may be called from one thread at
// a time per Store object; open one Store per thread (the CLI reads while the daemon writes).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "store/raw_pack.hpp"

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
  std::optional<Timestamp> published;  // of the newest version, when its page said
};

// The times an article's schedule depends on.
struct ArticleTimes {
  Timestamp first_seen{};
  std::optional<Timestamp> published;    // of the newest version, when its page said
  std::optional<Timestamp> last_change;  // capture time of the newest version that was a change (not the first)
  std::optional<Timestamp> next_check;
};
ArticleTimes times_of(const ArticleRecord& article);

// What a check of an article needs as long as the article does not change: the Monitor keeps it per
// watch, so that a check answered "304 Not Modified" reads nothing from the store.
struct CheckBasis {
  std::string etag;  // the validators a conditional GET sends: empty while the article has no version
  std::string last_modified;
  bool quiet = false;     // active, its last check succeeded, and it was last fetched from the watched URL
  std::string body_hash;  // SHA-256 (hex) of the bytes last fetched, while the article has versions
};
CheckBasis check_basis_of(const ArticleRecord& article, std::string_view watch_url);

// A watch added at run time (`redline add`, feeds); the config's [[watch]] tables are not stored.
struct WatchRecord {
  std::string url;
  int64_t article_id = 0;
  std::optional<Duration> every;  // absent: the "news" schedule
  std::string source = "cli";     // "cli" or "feed:<name>"
  Timestamp added_at{};
  ArticleTimes times;  // of its article; filled by list_watches(), ignored by add_watch()
  CheckBasis basis;    // of its article; filled by list_watches(), ignored by add_watch()
};

struct VersionRecord {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t number = 0;  // 1-based position by capture time
  Timestamp captured_at{};
  std::string url;  // the URL this version was fetched from
  Article content;
  std::string fingerprint;  // comparison key of the content (see diff/fingerprint.hpp)
  std::string raw_sha256;   // hash of the stored raw bytes (SqliteStore::get_raw), empty when none
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
std::optional<OutboxState> outbox_state_from_string(std::string_view name);

struct OutboxEntry {
  int64_t id = 0;
  std::string event_id;    // stable across attempts: the webhook-id
  int64_t article_id = 0;  // filled by add_version() when 0
  int64_t version_id = 0;  // the version whose add_version() wrote the row (filled by the store)
  std::string notifier;    // the [[webhook]] name (or "difflog")
  std::string payload;     // the JSON body, rendered when the row is written
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  Timestamp created_at{};    // add_version() uses captured_at when left at the epoch
  Timestamp next_attempt{};  // add_version() uses created_at when left at the epoch
  std::optional<Timestamp> delivered_at;
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
  // Nothing but the times changed (a 304 or the same bytes, from the article's own URL, with the same
  // validators, no error before or now): only last_checked and next_check are written. url, the
  // validators and error are ignored.
  bool schedule_only = false;
};

struct NewVersion {
  int64_t article_id = 0;
  Timestamp captured_at{};
  std::string url;
  Article content;
  std::string fingerprint;
  // The change from the previous version; absent for an article's first version. from_version is
  // the previous version's id; the store fills id, article_id and to_version.
  std::optional<ChangeRecord> change;
  // Notifications to deliver; event ids are chosen by the caller. Rows are written pending with
  // 0 attempts whatever state/attempts say; (event_id, notifier) must be unique across the store.
  std::vector<OutboxEntry> outbox;
  // The fetched bytes, kept zstd-compressed and content-addressed when non-empty (optional); or
  // packed_raw, the same bytes packed beforehand (on a worker thread), used instead of `raw`.
  std::string raw;
  std::optional<PackedRaw> packed_raw;
  // Optimistic concurrency: when set, the version is written only while the article's latest version
  // (by capture time) is this one (0: while it has none); otherwise Errc::conflict and nothing is
  // written (another process stored a version since the caller read the latest: read again, compare
  // again). Inside a group the refusal leaves the group usable.
  std::optional<int64_t> expected_latest;
};

// The Errc::conflict of add_version() when the article's latest version is `latest`, not the expected one.
Error stale_latest_error(const NewVersion& version, int64_t latest);

// What checking an article reads besides its own row, in one go (one round trip on PostgreSQL).
struct CheckContext {
  std::optional<VersionRecord> latest;  // as latest_version()
  // The distinct fingerprints of its versions other than `latest` (a new fingerprint among them is a
  // revert). Fingerprints are single-line strings.
  std::vector<std::string> earlier_fingerprints;
  std::optional<std::string> headline_test;  // as headline_test()
  std::optional<std::string> watch_source;   // as WatchStore::watch_source()
};

// An article with its CheckContext (ArticleStore::find_article_for_check).
struct ArticleForCheck {
  ArticleRecord article;
  CheckContext context;
};

// An article's state changes (deleted, redirected, active again), with the notifications about it.
struct StateChange {
  int64_t article_id = 0;
  std::string state;                // active | deleted | redirected
  Timestamp at{};                   // default created_at/next_attempt of the outbox rows
  std::vector<OutboxEntry> outbox;  // as in NewVersion; version_id stays 0
};

// GarbageCollection options and report (StoreMaintenance::collect_garbage).
struct GcOptions {
  // Raw blobs that no version captured at or after this time references are deleted (the versions
  // keep their text; their raw_sha256 becomes empty). nullopt keeps every raw blob.
  std::optional<Timestamp> raw_before;
  // Delivered outbox rows delivered before this time are deleted (pending and dead rows are kept).
  std::optional<Timestamp> delivered_before;
  bool dry_run = false;
  bool vacuum = false;  // give the space back to the file system afterwards (SQLite: VACUUM rewrites the file)
};

struct GcReport {
  int64_t raw_blobs = 0;          // raw blobs deleted (or that would be)
  int64_t raw_bytes = 0;          // their stored (compressed) size
  int64_t versions_unlinked = 0;  // versions whose raw_sha256 was cleared
  int64_t outbox_rows = 0;        // delivered outbox rows deleted
  int64_t outbox_bytes = 0;       // their payload size
  int64_t file_bytes_before = 0;  // size of the store (SQLite: page_count × page_size)
  int64_t file_bytes_after = 0;
  int64_t free_bytes_after = 0;  // space reused by later writes (SQLite: freelist pages; 0 after VACUUM)
};

// The store is split into roles; each caller takes the narrowest one it needs (the Dispatcher an
// OutboxStore, `redline gc` a StoreMaintenance...). Store is all of them, for the code that opens a
// backend and hands its roles out. Every backend (SqliteStore, PostgresStore) implements every role;
// tests/store/contract_*.cpp hold the tests every backend must pass.

// Articles, their versions and the changes between versions.
class ArticleStore {
 public:
  virtual ~ArticleStore() = default;

  // The article with this key, else the article `url` was already recorded for (its key may have
  // changed: see rekey_article), else a new one (first_seen = now). Records `url` as one of its URLs.
  virtual Result<ArticleRecord> ensure_article(std::string_view key, std::string_view url, Timestamp now) = 0;
  // ensure_article() for many (key, url) pairs; the backends do them in ONE transaction (a daemon
  // with ten thousand [[watch]] tables starts in milliseconds). The default calls ensure_article().
  virtual Result<std::vector<ArticleRecord>> ensure_articles(
      std::span<const std::pair<std::string, std::string>> keys_urls, Timestamp now);
  // Gives the article a new identity key (its canonical URL became known). False, and nothing
  // changes, when another article already has that key.
  virtual Result<bool> rekey_article(int64_t article_id, std::string_view key) = 0;
  // Looks an article up by key or by any URL ever recorded for it.
  virtual Result<std::optional<ArticleRecord>> find_article(std::string_view key_or_url) = 0;
  virtual Result<std::vector<ArticleRecord>> list_articles() = 0;

  // Versions of an article, oldest first (by captured_at), numbered from 1; empty for an unknown id.
  virtual Result<std::vector<VersionRecord>> versions(int64_t article_id) = 0;
  virtual Result<std::optional<VersionRecord>> latest_version(int64_t article_id) = 0;
  // The id of the version latest_version() returns, 0 when there is none, without reading its content.
  virtual Result<int64_t> latest_version_id(int64_t article_id);
  // What a check of the article compares with and decides by (CheckContext): one statement on
  // PostgreSQL; on SQLite the single reads one after the other (add_version's expected_latest catches a
  // version stored in between).
  virtual Result<CheckContext> check_context(int64_t article_id) = 0;
  // find_article() and the check_context() of what it finds, in one go (one round trip on PostgreSQL;
  // the default calls the two).
  virtual Result<std::optional<ArticleForCheck>> find_article_for_check(std::string_view key_or_url);
  virtual Result<std::vector<ChangeRecord>> changes(int64_t article_id) = 0;

  // Version + change + outbox rows in one transaction; returns the new version's id. Sets the
  // article's last_changed to the newest capture time. A second version with the same
  // (article_id, captured_at), or an outbox row with a used (event_id, notifier), is
  // Errc::invalid_input and nothing is written; a latest version other than `expected_latest` is
  // Errc::conflict and nothing is written.
  virtual Result<int64_t> add_version(const NewVersion& version) = 0;
  // Several versions; ids in the same order. The backends write them all in ONE transaction (all or
  // nothing, and much faster than one by one); this default adds them one by one and stops at the
  // first error.
  virtual Result<std::vector<int64_t>> add_versions(std::span<const NewVersion> versions);
  // Sets the article's state and writes the outbox rows in one transaction. Errc::invalid_input for an
  // unknown state name or a used (event_id, notifier); Errc::not_found for an unknown article.
  virtual Status record_state(const StateChange& change) = 0;
  // An article was seen unchanged outside a fetch (an imported capture equal to a stored version):
  // last_checked becomes max(last_checked, at); validators, next_check and last_error stay.
  virtual Status note_seen(int64_t article_id, Timestamp at) = 0;

  // The running headline A/B test of an article (monitor/headline_test.hpp), as the monitor serialized
  // it; nullopt when none runs (or the article is unknown).
  virtual Result<std::optional<std::string>> headline_test(int64_t article_id) = 0;
  // Starts or updates (`state`) or ends (nullopt) the article's running test and writes the outbox rows,
  // in one transaction. Errc::not_found for an unknown article; Errc::invalid_input for a used
  // (event_id, notifier).
  virtual Status record_headline_test(int64_t article_id, const std::optional<std::string>& state,
                                      std::span<const OutboxEntry> outbox, Timestamp at) = 0;
};

// The watch list and the bookkeeping of checks.
class WatchStore {
 public:
  virtual ~WatchStore() = default;

  // Updates the article's check bookkeeping. On success (error empty): last_checked, next_check,
  // url (when non-empty; also recorded as one of its URLs), validators and hash; last_error cleared.
  // On failure: only last_checked, next_check and last_error; the last good validators stay.
  // With schedule_only: only last_checked and next_check. Errc::not_found for an unknown article.
  virtual Status record_check(const CheckRecord& check) = 0;
  // Several checks in one transaction (the scheduler batches the bookkeeping of unchanged pages).
  // The default records them one by one.
  virtual Status record_checks(std::span<const CheckRecord> checks);

  // Run-time watches. add_watch() returns false when the URL was already watched (the stored watch
  // is then left as it was). Every add or remove bumps watch_generation(), so a daemon can poll one
  // integer to learn that another process changed the list.
  virtual Result<bool> add_watch(const WatchRecord& watch) = 0;
  virtual Result<bool> remove_watch(std::string_view url) = 0;
  virtual Result<std::vector<WatchRecord>> list_watches() = 0;
  virtual Result<int64_t> watch_generation() = 0;
  // The source of the run-time watch of an article ("cli", "feed:<name>"), or nullopt.
  virtual Result<std::optional<std::string>> watch_source(int64_t article_id) = 0;
  // A number that changes whenever another connection (another process: the CLI, an import) commits
  // a change to the store's articles, versions, checks or watches, and stays the same while only this
  // object writes (SQLite's data_version; PostgreSQL does not count outbox marks). Lets a caller keep
  // what it read of articles until someone else wrote.
  virtual Result<int64_t> data_version() = 0;
};

// The notification outbox as the Dispatcher sees it: what is due, and how each attempt went.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Pending outbox rows whose next_attempt <= now, oldest first (by id). Per (article, notifier) only
  // the oldest pending row is eligible: a later event waits until the earlier one is delivered or dead.
  virtual Result<std::vector<OutboxEntry>> due_outbox(Timestamp now, size_t limit) = 0;
  // The mark_* methods apply to pending rows: Errc::not_found for an unknown id, Errc::invalid_input
  // for a row already delivered or dead.
  virtual Status mark_delivered(int64_t outbox_id, Timestamp now) = 0;
  // mark_delivered() for many rows (a diff log's batch); the first error, after trying every row. The
  // default marks them one by one; a store may mark them in one statement.
  virtual Status mark_all_delivered(std::span<const int64_t> outbox_ids, Timestamp now);
  virtual Status mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) = 0;
  virtual Status mark_dead(int64_t outbox_id, int attempts, std::string_view error) = 0;
  // How many rows are pending (due or not): what a run leaves for later.
  virtual Result<int64_t> count_pending_outbox() = 0;
};

// The outbox as the operator sees it (`redline outbox`, `redline status`).
class OutboxAdmin {
 public:
  virtual ~OutboxAdmin() = default;

  // Every row, or the rows in one state, by id.
  virtual Result<std::vector<OutboxEntry>> list_outbox(std::optional<OutboxState> state) = 0;
  // Operator actions (`redline outbox`) on the rows of one event: all its notifiers, or only
  // `notifier` when non-empty. retry: dead and pending rows become pending, due at `now`, with 0
  // attempts and created_at = now (the [notify] max_age window starts again); delivered rows are left
  // alone. drop: pending rows become dead with last_error "dropped by operator"; they stay listable and
  // can be retried. Both return the number of rows changed; Errc::not_found when the event has no row
  // (for that notifier), Errc::invalid_input when it has rows but none could change.
  virtual Result<int> retry_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) = 0;
  virtual Result<int> drop_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) = 0;
};

// Writes of several roles committed together.
class GroupedWrites {
 public:
  virtual ~GroupedWrites() = default;

  // The writes between begin_group() and commit_group() share one transaction: each still succeeds
  // or fails whole, but none is durable, or seen by other connections, before commit_group()
  // succeeds, and after a failed commit_group() none was made. A daemon storing many checks at once
  // commits them together. Groups do not nest.
  virtual Status begin_group() = 0;
  virtual Status commit_group() = 0;
};

// Raw fetched bytes, stored compressed under their sha256 (hex), once per distinct content.
class RawStore {
 public:
  virtual ~RawStore() = default;

  // put_raw returns the hash; get_raw returns nullopt for an unknown hash.
  virtual Result<std::string> put_raw(std::string_view bytes) = 0;
  virtual Result<std::optional<std::string>> get_raw(std::string_view sha256) = 0;
};

// What an operator runs now and then (`redline gc`, checks after a crash, upgrades).
class StoreMaintenance {
 public:
  virtual ~StoreMaintenance() = default;

  // Deletes what the retention settings no longer keep (see GcOptions), in short transactions of at
  // most a few hundred rows so that a running daemon waits milliseconds, not seconds. Versions are
  // never deleted. With dry_run nothing changes and the report says what would go.
  virtual Result<GcReport> collect_garbage(const GcOptions& options) = 0;
  // "ok", or the backend's description of the damage (SQLite: PRAGMA integrity_check).
  virtual Result<std::string> integrity_check() = 0;
  // The schema version of the store (its newest applied migration).
  virtual Result<int> schema_version() = 0;
};

// A watch's first check as a node plans it (WorkClaims::plan_checks).
struct PlannedCheck {
  int64_t article_id = 0;
  std::string origin;  // url_origin() of the watched URL
  Timestamp first{};
};

// A node of a cluster as `redline status` shows it (WorkClaims::nodes).
struct NodeRecord {
  std::string name;
  Timestamp started{};
  Timestamp last_seen{};      // its last heartbeat
  int64_t checks_leased = 0;  // unexpired leases on checks
  int64_t outbox_leased = 0;  // unexpired leases on outbox rows (deliveries in flight)
};

// Work shared by several nodes on one store (PostgresStore; docs/scale-out.md). A claim is a lease:
// the row is this node's until `now + lease`, and no other node's claim returns it before then; a
// node renews the leases of work it still does; a node that dies stops renewing and its rows are
// claimed by another node once the lease ran out. Not part of Store: a single SQLite node has nobody
// to share with.
class WorkClaims {
 public:
  virtual ~WorkClaims() = default;

  // Up to `limit` articles whose next check is due (next_check <= now) and whose lease is free or
  // expired, oldest due first; they are leased to `node` until now + lease.
  // Politeness for the cluster (docs/scale-out.md): only checks of origins `node` owns. The owner of an
  // origin is, among the live nodes (a heartbeat within `lease` of now, and `node` itself), the one with
  // the highest hash of (node name, origin) (rendezvous hashing); and a node takes an origin over only
  // once no other node holds an unexpired lease on one of its checks. Checks with no recorded origin
  // (planned by no node yet) are anyone's.
  virtual Result<std::vector<int64_t>> claim_checks(std::string_view node, Timestamp now, Duration lease,
                                                    size_t limit) = 0;
  // Extends the leases `node` still holds on these articles to now + lease; returns how many it held.
  virtual Result<int64_t> renew_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp now,
                                       Duration lease) = 0;
  // Gives the leases back (the check was recorded, or will not run).
  virtual Status release_checks(std::string_view node, std::span<const int64_t> article_ids) = 0;
  // Plans the first check of watches new to a node: records each article's origin (scheme://host[:port]
  // of the URL it is fetched from, for origin ownership) and sets its next check to `first` unless one is
  // planned already (a check another node recorded, or an overdue one: those stay as they are).
  virtual Status plan_checks(std::span<const PlannedCheck> checks) = 0;
  // Gives leases back and moves these checks to `until` (claimed work that no watch of this node
  // matches: a watch removed everywhere, or not yet read by this node).
  virtual Status defer_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp until) = 0;
  // The node is alive at `now` (a node heartbeats every lease/3), or, with leave(), stopped: its origins
  // go to the other nodes at once instead of when its heartbeat is a lease old.
  virtual Status heartbeat(std::string_view node, Timestamp now) = 0;
  virtual Status leave(std::string_view node) = 0;
  // Whether `node` owns `origin` now (the rendezvous of claim_checks over the nodes live within `lease`,
  // `node` counted live). Feeds are polled by the owner of their origin.
  virtual Result<bool> owns_origin(std::string_view node, std::string_view origin, Timestamp now, Duration lease) = 0;
  // The nodes whose heartbeat is within `within` of now, by name.
  virtual Result<std::vector<std::string>> live_nodes(Timestamp now, Duration within) = 0;
  // The same nodes with their heartbeats and the unexpired leases each holds at `now`, by name.
  virtual Result<std::vector<NodeRecord>> nodes(Timestamp now, Duration within) = 0;
  // due_outbox() as a claim: the rows returned are leased to `node` until now + lease, and another
  // node's claim skips them until they are marked or the lease expires (then they are delivered again,
  // with the same event id: at least once).
  virtual Result<std::vector<OutboxEntry>> claim_outbox(std::string_view node, Timestamp now, Duration lease,
                                                        size_t limit) = 0;
};

// Every role: what a backend is.
class Store : public ArticleStore,
              public WatchStore,
              public OutboxStore,
              public OutboxAdmin,
              public GroupedWrites,
              public RawStore,
              public StoreMaintenance {};

}  // namespace redline
