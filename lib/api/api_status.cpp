// GET /api/v1/status without a table scan per request. The counts of articles by state and of the
// outbox come from the counter rows the store's triggers keep (a few indexed reads, live). The rest of
// the report (watches by source, versions, failing checks by class, the next checks) needs a pass
// over the articles, so it comes from a snapshot at most k_status_ttl old: the first request computes
// it; later ones are answered from it at once while a thread of its own (with its own read-only
// connection) computes the next one, when the snapshot has expired. With a million watches a request
// then costs what /metrics costs, and the pass runs at most once per k_status_ttl, only while someone
// asks. On PostgreSQL the live nodes (`nodes`) are read per request, not from the snapshot.
#include <spdlog/spdlog.h>

#include <mutex>
#include <thread>

#include "api/api_state.hpp"
#include "monitor/status_report.hpp"

namespace redline::api {

namespace {
constexpr auto k_status_ttl = std::chrono::seconds(10);
}  // namespace

struct StatusCache {
  std::mutex mutex;
  std::optional<StatusReport> report;
  std::chrono::steady_clock::time_point taken{};
  bool refreshing = false;
};

Result<StatusReport> ApiService::State::status_snapshot() {
  if (!status_cache) status_cache = std::make_shared<StatusCache>();
  const auto now = std::chrono::steady_clock::now();
  std::optional<StatusReport> report;
  {
    std::lock_guard lock(status_cache->mutex);
    report = status_cache->report;
    if (report && now - status_cache->taken > k_status_ttl && !status_cache->refreshing) {
      status_cache->refreshing = true;
      std::thread([cache = status_cache, config = config] {
        auto store = open_store(store_target(*config), OpenMode::read_only);
        Result<StatusReport> fresh = store ? status_report(*config, **store, 5) : Result<StatusReport>(store.error());
        std::lock_guard guard(cache->mutex);
        cache->refreshing = false;
        if (!fresh) {
          spdlog::warn("api: status snapshot: {}", fresh.error().message);
          return;
        }
        cache->report = std::move(*fresh);
        cache->taken = std::chrono::steady_clock::now();
      }).detach();
    }
  }
  if (!report) {
    auto fresh = status_report(*config, *reader, 5);
    if (!fresh) return fresh.error();
    report = *fresh;
    std::lock_guard lock(status_cache->mutex);
    status_cache->report = report;
    status_cache->taken = now;
  }
  // The live counts over the snapshot's.
  auto gauges = model->gauges();
  if (!gauges) return gauges.error();
  report->articles.clear();
  for (const auto& [state, count] : gauges->articles_by_state)
    if (count > 0) report->articles[state] = static_cast<size_t>(count);
  report->outbox_pending = static_cast<size_t>(gauges->outbox_pending);
  report->outbox_dead = static_cast<size_t>(gauges->outbox_dead);
  // A store shared by several nodes: who is alive now (a few rows: the node table and their leases).
  if (auto* claims = dynamic_cast<WorkClaims*>(reader.get())) {
    auto nodes = claims->nodes(clock->now(), config->node.lease);
    if (!nodes) return nodes.error();
    report->nodes = std::move(*nodes);
  }
  return *report;
}

Response ApiService::State::status(const RouteRequest& r) {
  if (auto denied = authorize(r, Access::read)) return *denied;
  if (auto failed = open_readers()) return *failed;
  auto report = status_snapshot();
  if (!report) return store_error(report.error());
  return reply(to_json(*report));
}

}  // namespace redline::api
