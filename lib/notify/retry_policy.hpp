// How a delivery attempt's result maps to what happens next: delivered, retried later, or dead.
//
// Follows the Standard Webhooks recommendations: 2xx is success; 408, 429, 5xx and network errors
// are worth retrying (honouring Retry-After); 3xx (redirects are not followed) and other 4xx are
// final. Retries back off exponentially with random jitter, up to a cap.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "http/http_client.hpp"
#include "http/retry_after.hpp"  // parse_retry_after, parse_http_date

namespace redline {

enum class Verdict { delivered, retry, dead };
std::string_view to_string(Verdict v);

struct AttemptOutcome {
  Verdict verdict = Verdict::dead;
  std::string reason;                   // short, one line; empty when delivered
  std::optional<Duration> retry_after;  // from the response's Retry-After header, when present and valid
};

// Classifies one webhook response. `now` resolves a Retry-After given as an HTTP-date.
AttemptOutcome classify_response(const HttpResponse& response, Timestamp now);

struct BackoffPolicy {
  Duration base = std::chrono::seconds(30);  // delay after the first failed attempt
  Duration cap = std::chrono::hours(1);      // no delay grows beyond this (before jitter)
  double jitter = 0.25;                      // the delay is drawn from [d, d * (1 + jitter)]
};

// Delay before the next attempt after `attempts` failed ones (attempts >= 1):
// min(cap, base * 2^(attempts-1)) stretched by jitter * `unit` with `unit` in [0, 1).
Duration backoff_delay(int attempts, const BackoffPolicy& policy, double unit);

}  // namespace redline
