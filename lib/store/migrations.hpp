// Schema migrations for the SQLite store: forward-only, numbered from 1, recorded in PRAGMA user_version.
//
// Migration N turns a schema at version N-1 into version N. Each runs in its own BEGIN IMMEDIATE
// transaction together with the user_version bump, so a failed or interrupted migration leaves the
// database at the previous version. Never edit a released migration; append a new one.
//
// Thread safety: none; call with a connection no other thread uses.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "store/sqlite_statement.hpp"

namespace redline::sqlite {

struct Migration {
  int version;           // the user_version after this migration
  std::string_view sql;  // one or more statements
};

// The store's migrations, in order.
std::span<const Migration> store_migrations();
// The newest schema version this build knows.
int latest_schema_version();

// Applies every migration in `migrations` whose version is above the database's user_version and at
// most `target`. Fails (changing nothing) when the database is newer than the newest known migration.
Status migrate(SqliteDb& db, std::span<const Migration> migrations, int target);
inline Status migrate(SqliteDb& db) { return migrate(db, store_migrations(), latest_schema_version()); }

}  // namespace redline::sqlite
