// The HTTP client options the daemon derives from the configuration.
#pragma once

#include "config/config.hpp"
#include "http/curl_client.hpp"

namespace redline::app {

// For article pages: [http] limits and politeness, with the [[site]] per_host_* overrides (by host
// suffix, in file order, like site_for()).
CurlClientOptions curl_options(const Config& config);

// For webhook deliveries: the same client settings without per-origin politeness. The receivers are
// our own endpoints and the dispatcher schedules their retries itself (Retry-After, backoff).
CurlClientOptions webhook_curl_options(const Config& config);

}  // namespace redline::app
