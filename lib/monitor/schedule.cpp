#include "monitor/schedule.hpp"

#include <algorithm>

namespace redline {

Timestamp age_anchor(const ArticleTimes& times) {
  Timestamp anchor = times.first_seen;
  if (times.published && *times.published < times.first_seen) anchor = *times.published;
  if (times.last_change && *times.last_change > anchor) anchor = *times.last_change;
  return anchor;
}

std::optional<Duration> tier_interval(std::span<const ScheduleTier> tiers, Duration age) {
  for (const auto& tier : tiers)
    if (age < tier.until) return tier.every;
  return std::nullopt;
}

Duration jittered(Duration interval, double jitter, std::mt19937& rng) {
  const auto spread = static_cast<long long>(static_cast<double>(interval.count()) * jitter);
  if (spread <= 0) return interval;
  return interval + Duration(std::uniform_int_distribution<long long>(-spread, spread)(rng));
}

std::vector<Timestamp> spread_evenly(size_t count, Timestamp now, Duration window, std::mt19937& rng) {
  std::vector<Timestamp> slots;
  slots.reserve(count);
  // window·i stays far below 2^63 for any window up to a year and 10^8 checks.
  const long long width = window.count();
  const auto n = static_cast<long long>(count);
  for (long long i = 0; i < n; ++i) slots.push_back(now + Duration(width * i / n));
  std::shuffle(slots.begin(), slots.end(), rng);
  return slots;
}

}  // namespace redline
