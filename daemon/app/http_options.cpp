#include "app/http_options.hpp"

#include <algorithm>

namespace redline::app {

CurlClientOptions curl_options(const Config& config) {
  CurlClientOptions options;
  if (!config.http.user_agent.empty()) options.user_agent = config.http.user_agent;
  options.max_connections = config.http.max_connections;
  OriginGateOptions& polite = options.politeness;
  polite.defaults = {config.http.per_host_connections, config.http.per_host_rate};
  polite.backoff_max = config.http.backoff_max;
  polite.backoff_initial = std::min(polite.backoff_initial, polite.backoff_max);
  for (const auto& site : config.sites) {
    if (!site.per_host_connections && !site.per_host_rate) continue;
    polite.overrides.push_back({site.match,
                                {site.per_host_connections.value_or(config.http.per_host_connections),
                                 site.per_host_rate.value_or(config.http.per_host_rate)}});
  }
  return options;
}

CurlClientOptions webhook_curl_options(const Config& config) {
  CurlClientOptions options = curl_options(config);
  options.politeness = OriginGateOptions::none();
  return options;
}

}  // namespace redline::app
