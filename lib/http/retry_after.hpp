// Retry-After and HTTP-date parsing (RFC 9110 §10.2.3, §5.6.7) and exponential backoff, shared by the
// client's per-origin politeness (OriginGate) and the webhook retry policy. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/time.hpp"
#include "util/http_date.hpp"  // parse_http_date

namespace redline {

// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 or asctime forms). A date in the past gives 0.
// nullopt when the value is neither.
std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now);

// `base` doubled for each attempt after the first, at most `cap` (no overflow for any count); `base`
// for attempts <= 1.
Duration exponential_backoff(Duration base, Duration cap, int attempts);

}  // namespace redline
