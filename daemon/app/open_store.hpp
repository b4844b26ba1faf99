// Opening the configured store, shared by redlined and redline: SQLite ([store] path) or
// PostgreSQL ([store] url).
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "store/sqlite_store.hpp"

namespace redline::app {

Result<std::unique_ptr<Store>> open_store(const Config& config, OpenMode mode);

// The store for logs and messages: the SQLite path, or the PostgreSQL URI without its password.
std::string store_name(const Config& config);
// A libpq URI without its password: postgresql://user:secret@host/db -> postgresql://user:***@host/db.
std::string masked_url(std::string url);

}  // namespace redline::app
