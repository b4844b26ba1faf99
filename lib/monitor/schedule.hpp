// When to check an article next: fixed intervals or the news tiers, jitter, and the even spread of
// checks that are new or overdue at start-up. Pure functions of their inputs (the caller passes the
// random generator), so they are tested without a clock.
#pragma once

#include <optional>
#include <random>
#include <span>

#include "config/config.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace redline {

// The moment a news article's age counts from: its publication (or first sighting when the date is
// unknown or in the future), moved forward to its latest change, so that an edited article goes back
// to the fastest tier.
Timestamp age_anchor(const ArticleTimes& times);

// The interval for an article of age `age` under `tiers`; nullopt once it is older than the last tier.
std::optional<Duration> tier_interval(std::span<const ScheduleTier> tiers, Duration age);

// `interval` moved by a uniform random amount within ±jitter of itself.
Duration jittered(Duration interval, double jitter, std::mt19937& rng);

// Start times for `count` checks that are all due now, spread evenly over `window` starting at
// `now`: slot i is at now + window·i/count, so no second of the window gets more than its share.
// The slots come back in a random order so that config order does not become fetch order.
std::vector<Timestamp> spread_evenly(size_t count, Timestamp now, Duration window, std::mt19937& rng);

}  // namespace redline
