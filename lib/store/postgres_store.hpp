// PostgresStore: the Store on PostgreSQL, shared by any number of redlined nodes and redline commands.
//
// Concurrency: one PostgresStore object per thread (it owns one libpq connection). Every method is
// one transaction (or a savepoint inside begin_group()/commit_group()); PostgreSQL's row locks and
// unique constraints make concurrent writers from several nodes safe: two nodes adding the same
// article get one row, two versions with the same (article, capture time) are refused.
//
// Schema: numbered forward-only migrations (postgres_migrations.cpp) recorded in redline_schema, run
// under an advisory lock so that nodes starting together migrate once. A schema newer than this
// program knows is refused (Errc::io, naming both versions): upgrade the binaries, never downgrade.
//
// data_version(): each store object that writes keeps a row in `writer` and bumps it per committed
// write transaction; data_version() is the sum of the OTHER writers' rows, so it changes when
// another process (node, CLI) commits and stays put while only this object writes.
//
// Errors: the server unreachable is Errc::unavailable (exit 69); a connection lost between
// transactions is re-opened once per statement; constraint violations are Errc::invalid_input;
// unknown ids are Errc::not_found; anything else Errc::io. Nothing throws.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/pg_connection.hpp"
#include "store/sqlite_store.hpp"  // OpenMode
#include "store/store.hpp"

namespace redline {

struct PostgresOptions {
  std::string node = "redline";  // names this node in leases and in pg_stat_activity
};

class PostgresStore final : public Store, public WorkClaims {
 public:
  // `url`: a libpq URI ("postgresql://user@host:5432/db?sslmode=verify-full") or key=value string.
  // read_write migrates the schema to the newest version; read_only changes nothing and requires
  // the newest version.
  static Result<std::unique_ptr<PostgresStore>> open(const std::string& url, OpenMode mode,
                                                     const PostgresOptions& options = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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
  Result<std::optional<ArticleForCheck>> find_article_for_check(std::string_view key_or_url) override;
  Result<std::vector<ChangeRecord>> changes(int64_t article_id) override;

  Result<int64_t> add_version(const NewVersion& version) override;
  Result<std::vector<int64_t>> add_versions(std::span<const NewVersion> versions) override;
  Status record_state(const StateChange& change) override;
  Result<std::optional<std::string>> headline_test(int64_t article_id) override;
  Status record_headline_test(int64_t article_id, const std::optional<std::string>& state,
                              std::span<const OutboxEntry> outbox, Timestamp at) override;
  Status note_seen(int64_t article_id, Timestamp at) override;

  Status record_check(const CheckRecord& check) override;
  Status record_checks(std::span<const CheckRecord> checks) override;
  Result<bool> add_watch(const WatchRecord& watch) override;
  Result<bool> remove_watch(std::string_view url) override;
  Result<std::vector<WatchRecord>> list_watches() override;
  Result<int64_t> watch_generation() override;
  Result<std::optional<std::string>> watch_source(int64_t article_id) override;
  Result<int64_t> data_version() override;

  Result<std::vector<OutboxEntry>> due_outbox(Timestamp now, size_t limit) override;
  Status mark_delivered(int64_t outbox_id, Timestamp now) override;
  Status mark_all_delivered(std::span<const int64_t> outbox_ids, Timestamp now) override;
  Status mark_retry(int64_t outbox_id, int attempts, Timestamp next_attempt, std::string_view error) override;
  Status mark_dead(int64_t outbox_id, int attempts, std::string_view error) override;
  Result<std::vector<OutboxEntry>> list_outbox(std::optional<OutboxState> state) override;
  Result<int64_t> count_pending_outbox() override;
  Result<int> retry_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) override;
  Result<int> drop_outbox(std::string_view event_id, std::string_view notifier, Timestamp now) override;

  Status begin_group() override;
  Status commit_group() override;

  Result<std::string> put_raw(std::string_view bytes) override;
  Result<std::optional<std::string>> get_raw(std::string_view sha256) override;

  // vacuum runs VACUUM on the tables gc deleted from (not FULL: no long exclusive lock).
  Result<GcReport> collect_garbage(const GcOptions& options) override;
  // amcheck is not assumed: "ok" when every version's article and raw blob exist.
  Result<std::string> integrity_check() override;
  Result<int> schema_version() override;

  Result<std::vector<int64_t>> claim_checks(std::string_view node, Timestamp now, Duration lease,
                                            size_t limit) override;
  Result<int64_t> renew_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp now,
                               Duration lease) override;
  Status release_checks(std::string_view node, std::span<const int64_t> article_ids) override;
  Status plan_checks(std::span<const PlannedCheck> checks) override;
  Status heartbeat(std::string_view node, Timestamp now) override;
  Status leave(std::string_view node) override;
  Result<bool> owns_origin(std::string_view node, std::string_view origin, Timestamp now, Duration lease) override;
  Result<std::vector<std::string>> live_nodes(Timestamp now, Duration within) override;
  Result<std::vector<NodeRecord>> nodes(Timestamp now, Duration within) override;
  Status defer_checks(std::string_view node, std::span<const int64_t> article_ids, Timestamp until) override;
  Result<std::vector<OutboxEntry>> claim_outbox(std::string_view node, Timestamp now, Duration lease,
                                                size_t limit) override;

  const std::string& where() const { return m_conn->where(); }

 private:
  PostgresStore(std::unique_ptr<pg::Connection> conn, OpenMode mode, PostgresOptions options);
  Status require_writable() const;
  // Runs `body` in a transaction (or a savepoint inside a group) and counts the write for data_version.
  template <typename F>
  auto write(F&& body) -> decltype(body()) {
    if (auto s = require_writable(); !s) return s.error();
    auto tx = pg::Transaction::begin(*m_conn);
    if (!tx) return tx.error();
    auto out = body();
    if (!out) return out;  // ~Transaction rolls back
    std::string counted;
    if (tx->outermost()) {
      auto count = count_write();
      if (!count) return count.error();
      counted = std::move(*count);
    }
    if (auto s = tx->commit(counted); !s) return s.error();
    return out;
  }
  // write() for a body whose refusals write nothing (its checks come before its writes, or it is one
  // statement): inside a group it runs without a savepoint, two round trips fewer; a statement that
  // fails there leaves the group's transaction failed, and commit_group() then commits nothing.
  template <typename F>
  auto write_statement(F&& body) -> decltype(body()) {
    if (!m_group) return write(std::forward<F>(body));
    if (auto s = require_writable(); !s) return s.error();
    return body();
  }
  // An outbox mark: one statement, in the open transaction or on its own, not counted (data_version).
  template <typename F>
  Status mark(F&& body) {
    if (auto s = require_writable(); !s) return s;
    return body();
  }
  // Counts a write for data_version: registers this object's `writer` row at its first write, and
  // returns the statement to send with the COMMIT for the others ("" when there is none to send).
  Result<std::string> count_write();
  Result<ArticleRecord> ensure_article_locked(std::string_view key, std::string_view url, Timestamp now);
  Result<int64_t> insert_version(const NewVersion& version);
  Status insert_outbox(const OutboxEntry& entry, int64_t article_id, int64_t version_id, Timestamp default_time);
  Result<std::string> put_raw_locked(std::string_view bytes, const PackedRaw* packed);
  Status update_check(const CheckRecord& check);
  Status update_checks(std::span<const CheckRecord* const> checks);  // of distinct articles
  // Ends `node`'s holds on the origins of these checks where it leases none of their checks any more.
  Status drop_holds(std::string_view node, std::span<const int64_t> article_ids);
  Status require_article(int64_t article_id);
  Result<int> operator_action(std::string_view update, std::string_view event_id, std::string_view notifier,
                              std::vector<pg::Param> extra, std::string_view unchanged_reason);

  std::unique_ptr<pg::Connection> m_conn;
  OpenMode m_mode;
  PostgresOptions m_options;
  int64_t m_writer_id = 0;  // this object's row in `writer`, once it wrote
  std::optional<pg::Transaction> m_group;
};

}  // namespace redline
