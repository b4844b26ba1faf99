// Schema migrations for PostgresStore: forward-only, numbered from 1, recorded in redline_schema.
//
// They run at open (read_write) under a transaction-scoped advisory lock, so that nodes starting at
// the same time migrate once; PostgreSQL's DDL is transactional, so a failed migration leaves the
// previous version. Never edit a released migration; append a new one. The upgrade order for a
// cluster: one node (or `redline store migrate`) migrates, then the other nodes are upgraded;
// an old binary refuses a newer schema.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "store/pg_connection.hpp"

namespace redline::pg {

struct Migration {
  int version;
  std::string_view sql;
};

std::span<const Migration> store_migrations();
int latest_schema_version();

// The schema version of the database (0 for an empty one).
Result<int> schema_version(Connection& conn);
// Applies the migrations above the database's version and at most `target`; refuses (changing
// nothing) a database newer than the newest known migration.
Status migrate(Connection& conn, std::span<const Migration> migrations, int target);
inline Status migrate(Connection& conn) { return migrate(conn, store_migrations(), latest_schema_version()); }

}  // namespace redline::pg
