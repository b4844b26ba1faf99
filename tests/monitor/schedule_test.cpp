#include "monitor/schedule.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

const std::vector<ScheduleTier> k_tiers = ScheduleConfig{}.news;

TEST(ScheduleTest, TiersFollowArticleAgeThenStop) {
  EXPECT_EQ(tier_interval(k_tiers, 0min), Duration(15min));
  EXPECT_EQ(tier_interval(k_tiers, 2h + 59min), Duration(15min));
  EXPECT_EQ(tier_interval(k_tiers, 3h), Duration(1h));
  EXPECT_EQ(tier_interval(k_tiers, 23h), Duration(1h));
  EXPECT_EQ(tier_interval(k_tiers, 2 * 24h), Duration(3h));
  EXPECT_EQ(tier_interval(k_tiers, 8 * 24h), Duration(24h));
  EXPECT_EQ(tier_interval(k_tiers, 29 * 24h), Duration(24h));
  EXPECT_FALSE(tier_interval(k_tiers, 30 * 24h));
}

TEST(ScheduleTest, AgeCountsFromPublicationOrTheLatestChange) {
  const Timestamp seen = from_epoch_ms(1'700'000'000'000);
  ArticleTimes t;
  t.first_seen = seen;
  EXPECT_EQ(age_anchor(t), seen);
  t.published = seen - 48h;  // discovered two days after publication
  EXPECT_EQ(age_anchor(t), seen - 48h);
  t.published = seen + 1h;  // a date in the future is not trusted
  EXPECT_EQ(age_anchor(t), seen);
  t.published = seen - 48h;
  t.last_change = seen + 5h;  // an edit makes it young again
  EXPECT_EQ(age_anchor(t), seen + 5h);
}

TEST(ScheduleTest, JitterStaysWithinItsShareAndVaries) {
  std::mt19937 rng(3);
  std::set<long long> seen;
  for (int i = 0; i < 1000; ++i) {
    const Duration d = jittered(10min, 0.1, rng);
    ASSERT_GE(d, Duration(9min));
    ASSERT_LE(d, Duration(11min));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 500u);
  EXPECT_EQ(jittered(10min, 0.0, rng), Duration(10min));
}

TEST(ScheduleTest, SpreadGivesNoSecondMoreThanItsShare) {
  std::mt19937 rng(9);
  const Timestamp now = from_epoch_ms(1'700'000'000'000);
  const auto slots = spread_evenly(5000, now, 60s, rng);
  ASSERT_EQ(slots.size(), 5000u);
  std::map<long long, int> per_second;
  for (const auto t : slots) {
    ASSERT_GE(t, now);
    ASSERT_LT(t, now + 60s);
    ++per_second[std::chrono::duration_cast<std::chrono::seconds>(t - now).count()];
  }
  EXPECT_EQ(per_second.size(), 60u);
  for (const auto& [second, n] : per_second) EXPECT_LE(n, 5000 / 60 + 1) << "second " << second;
  EXPECT_NE(slots.front(), now);  // shuffled: the first watch does not always go first
}

}  // namespace
}  // namespace redline::testing
