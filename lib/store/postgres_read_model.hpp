// PostgresReadModel: ReadModel over one libpq connection of its own to the store's database, with
// the semantics and cursors of SqliteReadModel. Requires PostgreSQL schema version 6 or later (the
// event table, the article order index and the counts: postgres_migrations.cpp); a node started
// once migrates older databases.
//
// Differences from SQLite, all invisible in the results:
// - Headline search is a substring test (strpos over lower(); ASCII is folded in any locale) on every
//   version's headline: a scan of `version`, not an index (no pg_trgm, so that a database user
//   without CREATE rights works too). Correct in any language; slower on a large store.
// - The `site` filters run host_matches() (util/url.hpp) in this process on the rows that a cheap
//   SQL superset (the URL contains the suffix) lets through, fetched in keyset batches.
// - store_bytes is the size of the store's own tables with their indexes and TOAST (the relations of
//   the connection's current schema), not of the whole database.
// - Events are numbered when written; with several nodes a transaction that commits late shows its
//   event below newer ones (a reader paging newest first at that moment may miss it on that walk).
//
// Thread safety: one object per thread.
#pragma once

#include <memory>
#include <string>

#include "store/pg_connection.hpp"
#include "store/read_model.hpp"

namespace redline {

class PostgresReadModel final : public ReadModel {
 public:
  // `url`: a libpq URI or key=value string; `node` names the connection in pg_stat_activity.
  static Result<std::unique_ptr<PostgresReadModel>> open(const std::string& url, const std::string& node);

  Result<ArticlePage> articles(const ArticleQuery& query) override;
  Result<std::optional<ArticleSummary>> article(int64_t id) override;
  Result<EventPage> events(const EventQuery& query) override;
  Result<std::optional<EventRecord>> event(std::string_view event_id) override;
  Result<StoreGauges> gauges() override;
  Result<WatchPage> watches(const WatchQuery& query) override;

 private:
  explicit PostgresReadModel(std::unique_ptr<pg::Connection> conn) : m_conn(std::move(conn)) {}
  std::unique_ptr<pg::Connection> m_conn;
};

}  // namespace redline
