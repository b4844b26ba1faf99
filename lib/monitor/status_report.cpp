#include "monitor/status_report.hpp"

#include <algorithm>
#include <fstream>

#include "monitor/check_pipeline.hpp"
#include "util/url.hpp"

namespace redline {

std::filesystem::path api_address_file(const Config& config) {
  if (config.store.url.empty()) return config.store.path.string() + ".api";
  return config.store.path.parent_path() / ("redline-" + config.node.name + ".api");
}

StoreTarget store_target(const Config& config) {
  return StoreTarget{config.store.path, config.store.url, config.node.name, config.store.synchronous};
}

Result<StatusReport> status_report(const Config& config, Store& store, size_t next_count, const Clock* clock) {
  auto articles = store.list_articles();
  if (!articles) return articles.error();
  auto watches = store.list_watches();
  if (!watches) return watches.error();
  auto pending = store.list_outbox(OutboxState::pending);
  if (!pending) return pending.error();
  auto dead = store.list_outbox(OutboxState::dead);
  if (!dead) return dead.error();

  StatusReport r;
  r.watches["config"] = config.watches.size();
  for (const auto& w : *watches) ++r.watches[w.source];
  std::vector<const ArticleRecord*> upcoming;
  for (const auto& a : *articles) {
    ++r.articles[a.state];
    r.versions += a.version_count;
    if (!a.last_error.empty()) {
      const std::string cls = failure_class(a.last_error);
      ++r.failing[cls];
      FailingOrigin& origin = r.failing_origins[url_host(a.url)];
      ++origin.articles;
      ++origin.classes[cls];
      if (origin.example_url.empty()) {
        origin.example_url = a.url;
        origin.example_error = a.last_error;
      }
    }
    if (a.next_check) upcoming.push_back(&a);
  }
  const size_t n = std::min(next_count, upcoming.size());
  std::partial_sort(upcoming.begin(), upcoming.begin() + static_cast<long>(n), upcoming.end(),
                    [](const auto* x, const auto* y) { return *x->next_check < *y->next_check; });
  for (size_t i = 0; i < n; ++i) r.next_checks.emplace_back(upcoming[i]->url, *upcoming[i]->next_check);
  r.outbox_pending = pending->size();
  r.outbox_dead = dead->size();
  std::ifstream(api_address_file(config)) >> r.api;
  if (auto* claims = dynamic_cast<WorkClaims*>(&store); claims && clock) {
    auto nodes = claims->nodes(clock->now(), config.node.lease);
    if (!nodes) return nodes.error();
    r.nodes = std::move(*nodes);
  }
  return r;
}

nlohmann::json to_json(const StatusReport& r) {
  nlohmann::json next = nlohmann::json::array();
  for (const auto& [url, at] : r.next_checks) next.push_back({{"url", url}, {"at", format_rfc3339(at)}});
  nlohmann::json nodes = nullptr;  // a store of one node
  if (r.nodes) {
    nodes = nlohmann::json::array();
    for (const auto& n : *r.nodes)
      nodes.push_back({{"name", n.name},
                       {"started", format_rfc3339(n.started)},
                       {"last_heartbeat", format_rfc3339(n.last_seen)},
                       {"checks_leased", n.checks_leased},
                       {"deliveries_leased", n.outbox_leased}});
  }
  return {{"watches", r.watches},
          {"articles", r.articles},
          {"versions", r.versions},
          {"failing", r.failing},
          {"next_checks", next},
          {"outbox", {{"pending", r.outbox_pending}, {"dead", r.outbox_dead}}},
          {"api", r.api.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.api)},
          {"nodes", nodes}};
}

}  // namespace redline
