// Timestamps and durations. All times are UTC, with millisecond precision.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace redline {

using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// "2024-06-01T12:00:00.000Z": RFC 3339, UTC, milliseconds.
std::string format_rfc3339(Timestamp t);

// Parses RFC 3339 / ISO 8601 date-times ("2024-06-01T12:00:00Z", "…+08:00", "…123Z",
// "2024-06-01 12:00:00", "2024-06-01"). Returns nullopt when the text is not such a time.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Parses "<n>(s|m|h|d)" and combinations ("1h30m"). nullopt on anything else.
std::optional<Duration> parse_duration(std::string_view text);

// "1h30m", "45s", "2d": the inverse of parse_duration.
std::string format_duration(Duration d);

Timestamp from_epoch_ms(long long ms);
long long to_epoch_ms(Timestamp t);

}  // namespace redline
