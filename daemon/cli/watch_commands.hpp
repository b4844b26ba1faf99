// What `redline add`, `remove`, `check` and `status` share: the configuration's watches and the
// store opened for writing.
#pragma once

#include <memory>
#include <string>

#include "cli/command.hpp"
#include "store/sqlite_store.hpp"

namespace redline::cli {

// Opens the configured store read-write (creating it when missing); prints the error and sets
// `status` on failure. The daemon may have it open at the same time: writes are short transactions.
std::unique_ptr<SqliteStore> open_store_for_writing(const Config& config, int& status);

// The [[watch]] of the configuration with this URL, or nullptr.
const WatchConfig* config_watch(const Config& config, const std::string& url);

}  // namespace redline::cli
