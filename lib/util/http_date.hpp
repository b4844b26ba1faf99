// HTTP-dates (RFC 9110 §5.6.7): written as IMF-fixdate, read in all three forms. One place for the
// client (Retry-After), the webhook retry policy and the API's Last-Modified/If-Modified-Since.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace redline {

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (whole seconds, UTC).
std::string format_http_date(Timestamp t);

// Parses an HTTP-date (the three forms of RFC 9110 §5.6.7) with curl_getdate(), as curl itself does.
// curl is lenient where it does no harm: a missing time of day is midnight, a numeric zone is applied,
// and a day past the month's end rolls over ("29 Feb 2017" is 1 March). nullopt when it is not a date.
std::optional<Timestamp> parse_http_date(std::string_view text);

}  // namespace redline
