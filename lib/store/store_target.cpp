#include "store/store_target.hpp"

#include "store/postgres_read_model.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_read_model.hpp"

namespace redline {

namespace {

// Result<unique_ptr<Derived>> as Result<unique_ptr<Base>>.
template <typename Base, typename Derived>
Result<std::unique_ptr<Base>> upcast(Result<std::unique_ptr<Derived>> r) {
  if (!r) return r.error();
  return std::unique_ptr<Base>(std::move(*r));
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(const StoreTarget& target, OpenMode mode) {
  if (target.postgres())
    return upcast<Store>(PostgresStore::open(target.url, mode, PostgresOptions{.node = target.node}));
  SqliteOptions options;
  options.synchronous = synchronous_from_string(target.synchronous).value_or(Synchronous::normal);
  return upcast<Store>(SqliteStore::open(target.path, mode, options));
}

Result<std::unique_ptr<ReadModel>> open_read_model(const StoreTarget& target) {
  if (target.postgres()) return upcast<ReadModel>(PostgresReadModel::open(target.url, target.node));
  return upcast<ReadModel>(SqliteReadModel::open(target.path));
}

}  // namespace redline
