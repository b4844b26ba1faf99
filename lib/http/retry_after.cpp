#include "http/retry_after.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "util/text.hpp"

namespace redline {

using namespace std::chrono;

std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long secs = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    secs = std::min<long long>(secs, 10LL * 365 * 24 * 3600);  // keeps the arithmetic below in range
    return duration_cast<Duration>(seconds(secs));
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  return *date > now ? *date - now : Duration(0);
}

Duration exponential_backoff(Duration base, Duration cap, int attempts) {
  Duration d = base;
  for (int i = 1; i < attempts && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

}  // namespace redline
