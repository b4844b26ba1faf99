// What `redline add`, `remove`, `check` and `status` share: the configuration's watches (the store
// opened for writing is in store_access.hpp).
#pragma once

#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/store_access.hpp"
#include "monitor/watch_edit.hpp"

namespace redline::cli {

using redline::config_watch;  // monitor/watch_edit.hpp

}  // namespace redline::cli
