// The headline_test table on both backends (SqliteStore, PostgresStore): one row per running headline
// A/B test, holding the monitor's JSON state (monitor/headline_test.hpp). See docs/architecture.md.
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"

namespace redline {

using sqlite::Transaction;

Result<std::optional<std::string>> SqliteStore::headline_test(int64_t article_id) {
  auto stmt = m_cache.use("SELECT state FROM headline_test WHERE article_id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->bind(1, article_id);
  auto row = (*stmt)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*stmt)->column_text(0));
}

Status SqliteStore::record_headline_test(int64_t article_id, const std::optional<std::string>& state,
                                         std::span<const OutboxEntry> outbox, Timestamp at) {
  if (auto s = require_writable(); !s) return s;
  auto tx = Transaction::begin(m_db);
  if (!tx) return tx.error();
  {
    auto exists = m_cache.use("SELECT 1 FROM article WHERE id = ?1");
    if (!exists) return exists.error();
    (*exists)->bind(1, article_id);
    auto row = (*exists)->step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::not_found, "no article with id " + std::to_string(article_id));
  }
  auto write = m_cache.use(state ? "INSERT INTO headline_test (article_id, state, updated_at) VALUES (?1, ?2, ?3) "
                                   "ON CONFLICT (article_id) DO UPDATE SET state = ?2, updated_at = ?3"
                                 : "DELETE FROM headline_test WHERE article_id = ?1");
  if (!write) return write.error();
  (*write)->bind(1, article_id);
  if (state) {
    (*write)->bind(2, *state);
    (*write)->bind(3, at);
  }
  if (auto r = (*write)->run(); !r) return r;
  for (const auto& o : outbox)
    if (auto r = insert_outbox(o, article_id, 0, at); !r) return r;
  return tx->commit();
}

Result<std::optional<std::string>> PostgresStore::headline_test(int64_t article_id) {
  auto rows = m_conn->exec("SELECT state FROM headline_test WHERE article_id = $1", {pg::integer(article_id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(rows->text(0, 0));
}

Status PostgresStore::record_headline_test(int64_t article_id, const std::optional<std::string>& state,
                                           std::span<const OutboxEntry> outbox, Timestamp at) {
  return write([&]() -> Status {
    if (auto s = require_article(article_id); !s) return s;
    auto written = state ? m_conn->exec(
                               "INSERT INTO headline_test (article_id, state, updated_at) VALUES ($1, $2, $3) "
                               "ON CONFLICT (article_id) DO UPDATE SET state = $2, updated_at = $3",
                               {pg::integer(article_id), pg::text(*state), pg::time(at)})
                         : m_conn->exec("DELETE FROM headline_test WHERE article_id = $1", {pg::integer(article_id)});
    if (!written) return written.error();
    for (const auto& o : outbox)
      if (auto r = insert_outbox(o, article_id, 0, at); !r) return r;
    return {};
  });
}

}  // namespace redline
