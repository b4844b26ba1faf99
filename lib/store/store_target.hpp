// Opening the store a configuration names, on either backend, for every program that reads or
// writes it (redlined, redline, the API): SQLite at `path`, or PostgreSQL at `url` when that is set.
// lib/store knows no Config; callers fill a StoreTarget from theirs (monitor/status_report.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/read_model.hpp"
#include "store/sqlite_store.hpp"  // OpenMode
#include "store/store.hpp"

namespace redline {

struct StoreTarget {
  std::filesystem::path path;          // SQLite file
  std::string url;                     // PostgreSQL (libpq URI); when set, `path` is not used
  std::string node = "redline";        // names the connections in leases and pg_stat_activity
  std::string synchronous = "normal";  // SQLite's PRAGMA synchronous
  bool postgres() const { return !url.empty(); }
};

Result<std::unique_ptr<Store>> open_store(const StoreTarget& target, OpenMode mode);
// The API's read model (a connection of its own): SqliteReadModel or PostgresReadModel.
Result<std::unique_ptr<ReadModel>> open_read_model(const StoreTarget& target);

}  // namespace redline
