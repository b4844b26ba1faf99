// Retry-After and HTTP-date parsing (RFC 9110 §10.2.3, §5.6.7), shared by the client's per-origin
// politeness (OriginGate) and the webhook retry policy. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace redline {

// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 or asctime forms). A date in the past gives 0.
// nullopt when the value is neither.
std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now);

// Parses an HTTP-date (the three forms of RFC 9110 §5.6.7). nullopt when it is not one.
std::optional<Timestamp> parse_http_date(std::string_view text);

}  // namespace redline
