// Retry-After and HTTP-date parsing (RFC 9110 §10.2.3, §5.6.7) and exponential backoff, shared by the
// client's per-origin politeness (OriginGate) and the webhook retry policy. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace redline {

// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 or asctime forms). A date in the past gives 0.
// nullopt when the value is neither.
std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now);

// Parses an HTTP-date (the three forms of RFC 9110 §5.6.7) with curl_getdate(), as curl itself does.
// curl is lenient where it does no harm: a missing time of day is midnight, a numeric zone is applied,
// and a day past the month's end rolls over ("29 Feb 2017" is 1 March). nullopt when it is not a date.
std::optional<Timestamp> parse_http_date(std::string_view text);

// `base` doubled for each attempt after the first, at most `cap` (no overflow for any count); `base`
// for attempts <= 1.
Duration exponential_backoff(Duration base, Duration cap, int attempts);

}  // namespace redline
