// SqliteStore: the embedded Store, one SQLite file in WAL mode.
//
// Concurrency: one SqliteStore object per thread (it owns one connection and its prepared
// statements). Any number of processes and threads may open the same file: readers never block
// the writer nor each other (WAL); writers queue on the file lock for up to `busy_timeout`, then
// fail with Errc::io "database is locked". Every write transaction is BEGIN IMMEDIATE, so a writer
// never fails half-way on a lock upgrade.
//
// Durability: a committed add_version() survives a crash of the process (kill -9) for every
// `synchronous` setting; with `normal` (the default) the last transactions before a power loss may
// be lost but the file stays consistent; `full` also survives power loss. See docs/storage.md.
//
// Errors: everything returns Result/Status. I/O trouble (locked, read-only, corrupt, full disk) is
// Errc::io with a message naming the file and SQLite's reason; constraint violations (a duplicate
// version or outbox event) are Errc::invalid_input; unknown ids are Errc::not_found. Nothing throws.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/sqlite_statement.hpp"
#include "store/store.hpp"

namespace redline {

enum class OpenMode {
  read_write,  // creates the file and its parent directory; migrates the schema to the newest version
  read_only,   // never creates or changes anything; a missing file is Errc::not_found
};

// PRAGMA synchronous in WAL mode (see docs/storage.md for what each survives).
enum class Synchronous { off, normal, full, extra };
std::optional<Synchronous> synchronous_from_string(std::string_view name);

struct SqliteOptions {
  Synchronous synchronous = Synchronous::normal;
  // How long a write waits for another writer's lock (and a read for a checkpoint) before failing.
  Duration busy_timeout = std::chrono::seconds(5);
  // Caps the file at this many pages (SQLite's max_page_count); writes beyond it fail like a full
  // disk would. 0 = no cap. For quotas and for tests of the "disk full" path.
  int64_t max_page_count = 0;
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path, OpenMode mode,
                                                   const SqliteOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<ArticleRecord> ensure_article(std::string_view key, std::string_view url, Timestamp now) override;
  Result<std::vector<ArticleRecord>> ensure_articles(std::span<const std::pair<std::string, std::string>> keys_urls,
                                                     Timestamp now) override;
  Result<bool> rekey_article(int64_t article_id, std::string_view key) override;
  Result<std::optional<ArticleRecord>> find_article(std::string_view key_or_url) override;
  Result<std::vector<ArticleRecord>> list_articles() override;

  Result<std::vector<VersionRecord>> versions(int64_t article_id) override;
  Result<std::optional<VersionRecord>> latest_version(int64_t article_id) override;
  Result<int64_t> latest_version_id(int64_t article_id) override;
  Result<CheckContext> check_context(int64_t article_id) override;
  Result<std::vector<ChangeRecord>> changes(int64_t article_id) override;

  Status record_check(const CheckRecord& check) override;
  Result<int64_t> add_version(const NewVersion& version) override;
  Result<std::vector<int64_t>> add_versions(std::span<const NewVersion> versions) override;
  Status begin_group() override;
  Status commit_group() override;
  Status record_state(const StateChange& change) override;
  Result<std::optional<std::string>> headline_test(int64_t article_id) override;
  Status record_headline_test(int64_t article_id, const std::optional<std::string>& state,
                              std::span<const OutboxEntry> outbox, Timestamp at) override;

  Result<std::vector<OutboxEntry>> due_outbox(Timestamp now, size_t limit) override;
  Result<std::vector<OutboxEntry>> list_outbox(std::optional<OutboxState> state) override;
  Result<int64_t> count_pending_outbox() override;
  Status mark_delivered(int64_t outbox_id, Timestamp now) override;
  Status mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) override;
  Status mark_dead(int64_t outbox_id, int attempts, std::string_view error) override;

  Result<bool> add_watch(const WatchRecord& watch) override;
  Result<bool> remove_watch(std::string_view url) override;
  Result<std::vector<WatchRecord>> list_watches() override;
  Result<int64_t> watch_generation() override;
  Result<int64_t> data_version() override;
  Result<std::optional<std::string>> watch_source(int64_t article_id) override;
  Status record_checks(std::span<const CheckRecord> checks) override;

  Result<int> retry_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) override;
  Result<int> drop_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) override;
  Status note_seen(int64_t article_id, Timestamp at) override;

  // Raw bytes are stored zstd-compressed; gc's vacuum is SQLite's VACUUM; the schema version is
  // PRAGMA user_version.
  Result<GcReport> collect_garbage(const GcOptions& options) override;
  Result<std::string> put_raw(std::string_view bytes) override;
  Result<std::optional<std::string>> get_raw(std::string_view sha256) override;
  Result<std::string> integrity_check() override;
  Result<int> schema_version() override;
  const std::filesystem::path& path() const { return m_db.path(); }

 private:
  SqliteStore(sqlite::SqliteDb db, OpenMode mode);
  Result<int64_t> insert_version(const NewVersion& version);
  Status insert_outbox(const OutboxEntry& entry, int64_t article_id, int64_t version_id, Timestamp default_time);
  Result<std::string> put_raw_locked(std::string_view bytes, const PackedRaw* packed);
  Status require_writable() const;
  Status update_check(const CheckRecord& check);  // inside an open transaction
  Result<ArticleRecord> ensure_article_locked(std::string_view key, std::string_view url, Timestamp now);

  sqlite::SqliteDb m_db;
  sqlite::StatementCache m_cache;
  OpenMode m_mode;
  std::optional<sqlite::Transaction> m_group;  // between begin_group() and commit_group()
};

}  // namespace redline
