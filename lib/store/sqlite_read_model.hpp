// SqliteReadModel: ReadModel over one read-only SQLite connection of its own (WAL: it never blocks
// the daemon's writer, nor waits for it). Requires schema version 7 or later (the event table, the
// headline index and the counters); SqliteStore::open in read_write mode migrates older files.
#pragma once

#include <filesystem>
#include <memory>

#include "store/read_model.hpp"
#include "store/sqlite_statement.hpp"

namespace redline {

class SqliteReadModel final : public ReadModel {
 public:
  static Result<std::unique_ptr<SqliteReadModel>> open(const std::filesystem::path& path);

  Result<ArticlePage> articles(const ArticleQuery& query) override;
  Result<std::optional<ArticleSummary>> article(int64_t id) override;
  Result<EventPage> events(const EventQuery& query) override;
  Result<std::optional<EventRecord>> event(std::string_view event_id) override;
  Result<StoreGauges> gauges() override;
  Result<WatchPage> watches(const WatchQuery& query) override;

 private:
  explicit SqliteReadModel(sqlite::SqliteDb db) : m_db(std::move(db)), m_cache(m_db) {}
  sqlite::SqliteDb m_db;
  sqlite::StatementCache m_cache;
};

}  // namespace redline
