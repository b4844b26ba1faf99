// Dates as feeds write them. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace redline {

// Parses an RSS date (RFC 822/1123 as found in the wild: "Sat, 07 Sep 2024 10:05:00 GMT", numeric
// offsets with or without a colon, US and common European/Asian zone abbreviations, missing weekday
// or seconds, full month and day names, two-digit years (< 50 → 20xx), a trailing "(CEST)") or an
// ISO 8601 / W3C date ("2024-09-07T10:05:00+02:00", "2024-09-07"). An unknown zone abbreviation is
// taken as UTC. nullopt when the text is neither.
std::optional<Timestamp> parse_feed_date(std::string_view text);

}  // namespace redline
