#include "util/http_date.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <ctime>

namespace redline {

std::string format_http_date(Timestamp t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  // Day and month names from fixed tables: strftime's %a/%b follow the locale.
  static constexpr const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[tm.tm_wday % 7], tm.tm_mday,
                k_months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::optional<Timestamp> parse_http_date(std::string_view text) {
  // curl's own date parser (the one it uses for cookies and -z): the three RFC 9110 forms, and zones.
  const std::string copy(text);
  const time_t seconds = curl_getdate(copy.c_str(), nullptr);
  if (seconds < 0) return std::nullopt;
  return from_epoch_ms(static_cast<long long>(seconds) * 1000);
}

}  // namespace redline
