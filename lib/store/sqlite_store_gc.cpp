// SqliteStore: retention. Deletes raw blobs no recent version needs and old delivered outbox rows,
// in short transactions, so that it can run while the daemon writes.
#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite_store.hpp"

namespace redline {

using sqlite::Transaction;

namespace {

constexpr int64_t k_batch = 256;  // rows per transaction: keeps each write lock to milliseconds

// A blob is unneeded when no version captured at or after ?1 references it (orphans included).
constexpr std::string_view k_unneeded_blobs =
    "FROM raw_blob b WHERE NOT EXISTS "
    "(SELECT 1 FROM version v WHERE v.raw_sha256 = b.sha256 AND v.captured_at >= ?1)";
constexpr std::string_view k_old_delivered = "FROM outbox WHERE state = 'delivered' AND delivered_at < ?1";

}  // namespace

Result<GcReport> SqliteStore::collect_garbage(const GcOptions& options) {
  if (!options.dry_run)
    if (auto s = require_writable(); !s) return s.error();
  GcReport report;
  const auto file_bytes = [this]() -> Result<int64_t> {
    auto pages = m_db.query_int("PRAGMA page_count");
    if (!pages) return pages.error();
    auto size = m_db.query_int("PRAGMA page_size");
    if (!size) return size.error();
    return *pages * *size;
  };
  auto before = file_bytes();
  if (!before) return before.error();
  report.file_bytes_before = *before;

  // What would go: counted in one read, whether or not it is then deleted.
  if (options.raw_before) {
    auto stmt = m_cache.use(
        "SELECT count(*), coalesce(sum(length(b.data)), 0), (SELECT count(*) FROM version v "
        "WHERE v.raw_sha256 IN (SELECT b.sha256 " +
        std::string(k_unneeded_blobs) + ")) " + std::string(k_unneeded_blobs));
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, *options.raw_before);
    if (auto row = (*stmt)->step(); !row) return row.error();
    report.raw_blobs = (*stmt)->column_int(0);
    report.raw_bytes = (*stmt)->column_int(1);
    report.versions_unlinked = (*stmt)->column_int(2);
  }
  if (options.delivered_before) {
    auto stmt = m_cache.use("SELECT count(*), coalesce(sum(length(payload)), 0) " + std::string(k_old_delivered));
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, *options.delivered_before);
    if (auto row = (*stmt)->step(); !row) return row.error();
    report.outbox_rows = (*stmt)->column_int(0);
    report.outbox_bytes = (*stmt)->column_int(1);
  }

  if (!options.dry_run) {
    // Raw blobs: unlink the versions first (version.raw_sha256 references raw_blob), then delete.
    while (options.raw_before) {
      auto tx = Transaction::begin(m_db);
      if (!tx) return tx.error();
      std::vector<std::string> batch;
      {
        auto pick = m_cache.use("SELECT b.sha256 " + std::string(k_unneeded_blobs) + " LIMIT ?2");
        if (!pick) return pick.error();
        (*pick)->bind(1, *options.raw_before);
        (*pick)->bind(2, k_batch);
        for (;;) {
          auto row = (*pick)->step();
          if (!row) return row.error();
          if (!*row) break;
          batch.push_back((*pick)->column_text(0));
        }
      }
      if (batch.empty()) break;
      for (const std::string& sha : batch) {
        auto unlink = m_cache.use("UPDATE version SET raw_sha256 = NULL WHERE raw_sha256 = ?1");
        if (!unlink) return unlink.error();
        (*unlink)->bind(1, sha);
        if (auto s = (*unlink)->run(); !s) return s.error();
        auto drop = m_cache.use("DELETE FROM raw_blob WHERE sha256 = ?1");
        if (!drop) return drop.error();
        (*drop)->bind(1, sha);
        if (auto s = (*drop)->run(); !s) return s.error();
      }
      if (auto s = tx->commit(); !s) return s.error();
    }
    while (options.delivered_before) {
      auto tx = Transaction::begin(m_db);
      if (!tx) return tx.error();
      auto drop =
          m_cache.use("DELETE FROM outbox WHERE id IN (SELECT id " + std::string(k_old_delivered) + " LIMIT ?2)");
      if (!drop) return drop.error();
      (*drop)->bind(1, *options.delivered_before);
      (*drop)->bind(2, k_batch);
      if (auto s = (*drop)->run(); !s) return s.error();
      const int deleted = sqlite3_changes(m_db.get());
      if (auto s = tx->commit(); !s) return s.error();
      if (deleted == 0) break;
    }
    if (options.vacuum)
      if (auto s = m_db.exec("VACUUM"); !s) return s.error();
  }

  auto after = file_bytes();
  if (!after) return after.error();
  report.file_bytes_after = *after;
  auto free_pages = m_db.query_int("PRAGMA freelist_count");
  if (!free_pages) return free_pages.error();
  auto page_size = m_db.query_int("PRAGMA page_size");
  if (!page_size) return page_size.error();
  report.free_bytes_after = *free_pages * *page_size;
  return report;
}

}  // namespace redline
