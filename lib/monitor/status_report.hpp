// StatusReport: what `redline status` and the API's /api/v1/status show: watches by origin,
// articles by state, failing checks by error class, the next checks and the outbox.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"
#include "store/store_target.hpp"

namespace redline {

// The articles of one origin whose last check failed.
struct FailingOrigin {
  size_t articles = 0;
  std::map<std::string, size_t> classes;  // by failure_class()
  std::string example_url;                // one of them, with its error
  std::string example_error;
};

struct StatusReport {
  std::map<std::string, size_t> watches;   // by source: "config", "cli", "feed:<name>"
  std::map<std::string, size_t> articles;  // by state
  int64_t versions = 0;
  std::map<std::string, size_t> failing;                       // by failure_class()
  std::map<std::string, FailingOrigin> failing_origins;        // by host
  std::vector<std::pair<std::string, Timestamp>> next_checks;  // url, time; soonest first
  size_t outbox_pending = 0;
  size_t outbox_dead = 0;
  std::string api;  // where the running daemon serves its API ("" when not known)
  // The live nodes (heartbeat within [node] lease) of a store shared by several (PostgreSQL);
  // nullopt for a store of one node (SQLite).
  std::optional<std::vector<NodeRecord>> nodes;
};

// The file where redlined notes the address of its API, for `redline status`: "<store>.api" beside a
// SQLite store; on PostgreSQL (no file of the store on this machine) "redline-<node>.api" in the
// directory of the default [store] path, i.e. the state directory ($STATE_DIRECTORY under systemd).
std::filesystem::path api_address_file(const Config& config);
// The store the configuration names ([store] path or url, [node] name).
StoreTarget store_target(const Config& config);

// Reads the report from `store` (reads every article: for operators, not for scrapers). With a clock,
// a store shared by several nodes (WorkClaims) also lists its live nodes at clock->now().
Result<StatusReport> status_report(const Config& config, Store& store, size_t next_count, const Clock* clock = nullptr);
// The JSON `redline status --json` prints.
nlohmann::json to_json(const StatusReport& report);

}  // namespace redline
