// What `redline add`, `remove`, `check` and `status` share: the configuration's watches (the store
// opened for writing is in store_access.hpp).
#pragma once

#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/store_access.hpp"

namespace redline::cli {

// The [[watch]] of the configuration with this URL, or nullptr.
const WatchConfig* config_watch(const Config& config, const std::string& url);

}  // namespace redline::cli
