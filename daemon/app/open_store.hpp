// Opening the configured store, shared by redlined and redline.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "core/result.hpp"
#include "store/sqlite_store.hpp"

namespace redline::app {

Result<std::unique_ptr<SqliteStore>> open_store(const Config& config, OpenMode mode);

}  // namespace redline::app
