// The decision logic of headline A/B tests (monitor/headline_test.hpp), driven by a fake clock.
#include "monitor/headline_test.hpp"

#include <gtest/gtest.h>

#include "support/fake_clock.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

constexpr Duration k_window = 24h;
constexpr Duration k_settle = 6h;

class HeadlineTestLogic : public ::testing::Test {
 protected:
  HeadlineSighting see(std::string headline, std::string body = "K") {
    return {std::move(headline), std::move(body), clock.now()};
  }
  // A stored version seen now; the clock then moves on by `gap`.
  void store(std::string headline, std::string body = "K", Duration gap = 15min) {
    versions.push_back(see(std::move(headline), std::move(body)));
    clock.advance(gap);
  }

  FakeClock clock;
  std::vector<HeadlineSighting> versions;
};

TEST_F(HeadlineTestLogic, AlternationBackToAnEarlierHeadlineStartsATest) {
  store("A");
  store("B");
  const auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  ASSERT_EQ(test->variants.size(), 2u);
  EXPECT_EQ(test->variants[0].headline, "A");
  EXPECT_EQ(test->variants[0].first_seen, versions[0].at);
  EXPECT_EQ(test->variants[0].last_seen, clock.now());
  EXPECT_EQ(test->variants[0].sightings, 2);
  EXPECT_EQ(test->variants[1].headline, "B");
  EXPECT_EQ(test->variants[1].first_seen, versions[1].at);
  EXPECT_EQ(test->current, "A");
  EXPECT_EQ(test->current_since, clock.now());
  EXPECT_EQ(test->body, "K");
}

TEST_F(HeadlineTestLogic, ThreeVariantsAreAllListed) {
  store("A");
  store("B");
  store("C");
  const auto test = detect_headline_test(versions, see("B"), k_window);
  ASSERT_TRUE(test);
  ASSERT_EQ(test->variants.size(), 2u);  // from the earlier B on: B, C
  const auto again = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->variants.size(), 3u);
}

TEST_F(HeadlineTestLogic, AnEditThatIsNotRevertedIsNoTest) {
  store("A");
  EXPECT_FALSE(detect_headline_test(versions, see("B"), k_window));
  store("B");
  EXPECT_FALSE(detect_headline_test(versions, see("C"), k_window));
}

TEST_F(HeadlineTestLogic, ARevertOutsideTheWindowIsNoTest) {
  store("A", "K", 20h);
  store("B", "K", 5h);
  EXPECT_FALSE(detect_headline_test(versions, see("A"), k_window));
  EXPECT_TRUE(detect_headline_test(versions, see("A"), 26h));
}

TEST_F(HeadlineTestLogic, ABodyChangeOnTheWayIsNoTest) {
  store("A", "K1");
  store("B", "K2");
  // Headline back to A, body still K2: the A of the past had another body.
  EXPECT_FALSE(detect_headline_test(versions, see("A", "K2"), k_window));
  // Both back: not headline-only.
  EXPECT_FALSE(detect_headline_test(versions, see("A", "K1"), k_window));
}

TEST_F(HeadlineTestLogic, NoVersionsNoTest) { EXPECT_FALSE(detect_headline_test({}, see("A"), k_window)); }

TEST_F(HeadlineTestLogic, FlipsAmongKnownVariantsAreQuietUntilOneAloneIsServedForSettle) {
  store("A");
  store("B");
  auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  for (const char* h : {"B", "A", "A", "B"}) {
    clock.advance(15min);
    const auto step = observe_headline_test(*test, see(h), k_settle);
    EXPECT_TRUE(step.quiet) << h;
    EXPECT_TRUE(step.known_variant);
    EXPECT_FALSE(step.ended);
  }
  EXPECT_EQ(test->current, "B");
  const Timestamp b_since = clock.now();
  EXPECT_EQ(test->current_since, b_since);
  clock.advance(5h);
  EXPECT_FALSE(observe_headline_test(*test, see("B"), k_settle).ended);
  EXPECT_EQ(test->current_since, b_since);  // an unbroken run of B
  clock.advance(1h);
  const auto end = observe_headline_test(*test, see("B"), k_settle);
  EXPECT_TRUE(end.quiet);
  EXPECT_TRUE(end.ended);
  EXPECT_EQ(test->current, "B");
  EXPECT_EQ(test->variants[1].sightings, 5);  // the version, three sightings, the end
}

TEST_F(HeadlineTestLogic, AFlipRestartsTheSettleTime) {
  store("A");
  store("B");
  auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  clock.advance(5h);
  EXPECT_FALSE(observe_headline_test(*test, see("A"), k_settle).ended);
  clock.advance(30min);
  observe_headline_test(*test, see("B"), k_settle);  // one more flip
  clock.advance(5h);
  EXPECT_FALSE(observe_headline_test(*test, see("B"), k_settle).ended);
  clock.advance(1h);
  EXPECT_TRUE(observe_headline_test(*test, see("B"), k_settle).ended);
}

TEST_F(HeadlineTestLogic, ABodyChangeIsReportedAndTheTestGoesOnOverTheNewBody) {
  store("A");
  store("B");
  auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  clock.advance(15min);
  const auto edit = observe_headline_test(*test, see("B", "K2"), k_settle);
  EXPECT_FALSE(edit.quiet);
  EXPECT_TRUE(edit.known_variant);
  EXPECT_EQ(test->body, "K2");
  clock.advance(15min);
  EXPECT_TRUE(observe_headline_test(*test, see("A", "K2"), k_settle).quiet);
  EXPECT_FALSE(observe_headline_test(*test, see("A", "K1"), k_settle).quiet);  // back to the old body: a change
}

TEST_F(HeadlineTestLogic, ANewHeadlineIsReportedAndJoinsTheVariants) {
  store("A");
  store("B");
  auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  clock.advance(15min);
  const auto c = observe_headline_test(*test, see("C"), k_settle);
  EXPECT_FALSE(c.quiet);
  EXPECT_FALSE(c.known_variant);
  ASSERT_EQ(test->variants.size(), 3u);
  clock.advance(15min);
  EXPECT_TRUE(observe_headline_test(*test, see("C"), k_settle).quiet);
}

TEST_F(HeadlineTestLogic, StateRoundTripsThroughJson) {
  store("A");
  store("B \"quoted\" \u00e9");
  auto test = detect_headline_test(versions, see("A"), k_window);
  ASSERT_TRUE(test);
  auto back = headline_test_from_json(to_json(*test));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(*back), to_json(*test));
  EXPECT_EQ(back->variants[1].headline, "B \"quoted\" \u00e9");
  EXPECT_EQ(back->current_since, test->current_since);
  EXPECT_FALSE(headline_test_from_json("{\"variants\":1}"));
  EXPECT_FALSE(headline_test_from_json("not json"));
}

}  // namespace
}  // namespace redline
