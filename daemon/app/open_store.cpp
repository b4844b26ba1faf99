#include "app/open_store.hpp"

namespace redline::app {

Result<std::unique_ptr<SqliteStore>> open_store(const Config& config, OpenMode mode) {
  SqliteOptions options;
  options.synchronous = synchronous_from_string(config.store.synchronous).value_or(Synchronous::normal);
  return SqliteStore::open(config.store.path, mode, options);
}

}  // namespace redline::app
