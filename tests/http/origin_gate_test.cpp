// OriginGate with a FakeClock: in-flight accounting, rate spacing, Retry-After, backoff, overrides.
#include "http/origin_gate.hpp"

#include <gtest/gtest.h>

#include "support/fake_clock.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;
using Kind = GateDecision::Kind;

const std::string k_a = "https://a.example";
const std::string k_b = "https://b.example";

HttpResponse status(long code, Headers headers = {}) {
  HttpResponse r;
  r.status = code;
  r.headers = std::move(headers);
  return r;
}

HttpResponse error(FetchError e) {
  HttpResponse r;
  r.error = e;
  return r;
}

OriginGateOptions limits(long connections, double rate) {
  OriginGateOptions o;
  o.defaults = {connections, rate};
  return o;
}

class OriginGateTest : public ::testing::Test {
 protected:
  FakeClock clock;
};

TEST_F(OriginGateTest, InFlightLimitPerOrigin) {
  OriginGate gate(clock, limits(2, 0));
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  const GateDecision third = gate.admit(k_a);
  EXPECT_EQ(third.kind, Kind::wait);
  EXPECT_FALSE(third.until.has_value()) << "waits for a completion, not for a time";
  EXPECT_EQ(gate.in_flight(k_a), 2u);
  // Another origin — and the same host on another port or scheme — is not affected.
  EXPECT_EQ(gate.admit(k_b).kind, Kind::go);
  EXPECT_EQ(gate.admit("https://a.example:8443").kind, Kind::go);
  EXPECT_EQ(gate.admit("http://a.example").kind, Kind::go);

  gate.finished(k_a, status(200));
  EXPECT_EQ(gate.in_flight(k_a), 1u);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);
}

TEST_F(OriginGateTest, EveryCompletionPathFreesItsSlotExactlyOnce) {
  OriginGate gate(clock, limits(1, 0));
  gate.admit(k_a);
  gate.finished(k_a, error(FetchError::too_large));  // a refused answer
  EXPECT_EQ(gate.in_flight(k_a), 0u);
  gate.admit(k_a);
  gate.finished(k_a, error(FetchError::other));  // unknown outcome
  EXPECT_EQ(gate.in_flight(k_a), 0u);
  gate.admit(k_a);
  gate.cancelled(k_a);  // cancel_all / shutdown
  EXPECT_EQ(gate.in_flight(k_a), 0u);
  gate.admit(k_a);
  gate.finished(k_a, error(FetchError::timeout));  // a failure (starts a backoff)
  EXPECT_EQ(gate.in_flight(k_a), 0u);
  // Extra completions never drive the count below zero or free a slot that is taken.
  gate.cancelled(k_a);
  gate.finished(k_a, status(200));
  EXPECT_EQ(gate.in_flight(k_a), 0u);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);
}

TEST_F(OriginGateTest, UnlimitedWhenZero) {
  OriginGate gate(clock, limits(0, 0));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(gate.admit(k_a).kind, Kind::go) << i;
  EXPECT_EQ(gate.in_flight(k_a), 1000u);
}

TEST_F(OriginGateTest, RateSpacesRequestStarts) {
  OriginGate gate(clock, limits(0, 2.0));  // one start every 525 ms: 1/rate and the 5 % margin
  const Timestamp t0 = clock.now();
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a);
  GateDecision d = gate.admit(k_a);
  EXPECT_EQ(d.kind, Kind::wait);
  EXPECT_EQ(d.until, t0 + 525ms);
  EXPECT_EQ(gate.admit(k_b).kind, Kind::go) << "rates are per origin";
  clock.advance(524ms);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);
  clock.advance(1ms);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a);
  d = gate.admit(k_a);
  EXPECT_EQ(d.until, t0 + 1050ms);
  // After a quiet spell there is no burst credit: the next start again opens a 525 ms gap.
  clock.advance(10s);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);
  // Finishing a request does not make room under a rate limit.
  gate.finished(k_a, status(200));
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);
}

TEST_F(OriginGateTest, AnOriginTakenOverWaitsASpacingFromTheHandOver) {
  OriginGate gate(clock, limits(0, 5.0));  // one start every 210 ms (200 ms and the 5 % margin)
  const Timestamp taken = clock.now();
  GateDecision d = gate.admit(k_a, taken);
  EXPECT_EQ(d.kind, Kind::wait) << "the node it came from may have started a request just before";
  EXPECT_EQ(d.until, taken + 210ms);
  EXPECT_EQ(gate.admit(k_b).kind, Kind::go) << "only the origin taken over waits";
  clock.advance(210ms);
  EXPECT_EQ(gate.admit(k_a, taken).kind, Kind::go);
  gate.sent(k_a);
  EXPECT_EQ(gate.admit(k_a, taken).until, taken + 420ms) << "the hand-over counts once";
  clock.advance(10s);
  EXPECT_EQ(gate.admit(k_a, taken).kind, Kind::go) << "a hand-over long ago delays nothing";
  OriginGate unlimited(clock, limits(0, 0));
  EXPECT_EQ(unlimited.admit(k_a, clock.now()).kind, Kind::go) << "no rate, nothing to space";
}

TEST_F(OriginGateTest, TheSpacingRunsFromWhenARequestWasSent) {
  OriginGate gate(clock, limits(0, 5.0));  // one start every 210 ms (200 ms and the 5 % margin)
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  clock.advance(300ms);  // admitted, not sent yet: its thread was busy, its connection opening
  GateDecision d = gate.admit(k_a);
  EXPECT_EQ(d.kind, Kind::wait) << "the next start waits for the one before to go out";
  EXPECT_FALSE(d.until) << "asked again when it has gone";
  gate.sent(k_a);
  EXPECT_EQ(gate.admit(k_a).until, clock.now() + 210ms) << "a spacing from the send, not from the admission";
  clock.advance(210ms);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a, false);  // failed before it went out: the admission still spaces
  EXPECT_EQ(gate.admit(k_a).until, clock.now() + 210ms);
  clock.advance(210ms);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
}

TEST_F(OriginGateTest, FractionalRate) {
  OriginGate gate(clock, limits(0, 0.1));  // one every 10.5 s
  const Timestamp t0 = clock.now();
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a);
  EXPECT_EQ(gate.admit(k_a).until, t0 + 10500ms);
  clock.advance(10500ms);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
}

TEST_F(OriginGateTest, InFlightLimitIsCheckedBeforeTheRateSlotIsTaken) {
  OriginGate gate(clock, limits(1, 1.0));
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  gate.sent(k_a);
  clock.advance(5s);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::wait);  // slot taken
  gate.finished(k_a, status(200));
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go) << "a refused admission must not consume the rate slot";
}

TEST_F(OriginGateTest, RetryAfterSecondsDefersTheOrigin) {
  OriginGate gate(clock, limits(4, 0));
  const Timestamp t0 = clock.now();
  gate.admit(k_a);
  const auto blocked = gate.finished(k_a, status(503, {{"retry-after", "120"}}));
  EXPECT_EQ(blocked, t0 + 120s);
  const GateDecision d = gate.admit(k_a);
  EXPECT_EQ(d.kind, Kind::defer);
  EXPECT_EQ(d.until, t0 + 120s);
  EXPECT_NE(d.reason.find("503"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("Retry-After"), std::string::npos) << d.reason;
  EXPECT_EQ(gate.in_flight(k_a), 0u) << "a deferred request is not in flight";
  EXPECT_EQ(gate.admit(k_b).kind, Kind::go);
  EXPECT_EQ(gate.consecutive_failures(k_a), 0) << "Retry-After is an instruction, not a failure";

  clock.advance(110s);  // within defer_after (10 s) of the end: held, not deferred
  const GateDecision near = gate.admit(k_a);
  EXPECT_EQ(near.kind, Kind::wait);
  EXPECT_EQ(near.until, t0 + 120s);
  clock.advance(10s);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  EXPECT_FALSE(gate.blocked_until(k_a).has_value());
}

TEST_F(OriginGateTest, RetryAfterHttpDateOn429) {
  clock.set(from_epoch_ms(784111777000));  // Sun, 06 Nov 1994 08:49:37 GMT
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  const auto blocked = gate.finished(k_a, status(429, {{"retry-after", "Sun, 06 Nov 1994 08:59:37 GMT"}}));
  EXPECT_EQ(blocked, clock.now() + 10min);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::defer);
  // A date in the past does not block.
  OriginGate other(clock, limits(4, 0));
  other.admit(k_a);
  EXPECT_FALSE(other.finished(k_a, status(429, {{"retry-after", "Sat, 05 Nov 1994 08:49:37 GMT"}})).has_value());
  EXPECT_EQ(other.admit(k_a).kind, Kind::go);
}

TEST_F(OriginGateTest, ShortRetryAfterHoldsTheRequest) {
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  gate.finished(k_a, status(429, {{"retry-after", "2"}}));
  const GateDecision d = gate.admit(k_a);
  EXPECT_EQ(d.kind, Kind::wait);
  EXPECT_EQ(d.until, clock.now() + 2s);
}

TEST_F(OriginGateTest, RetryAfterOnlyCountsOn429And503AndIsCapped) {
  OriginGateOptions o = limits(4, 0);
  o.retry_after_max = 1h;
  OriginGate gate(clock, o);
  gate.admit(k_a);
  EXPECT_FALSE(gate.finished(k_a, status(200, {{"retry-after", "600"}})).has_value());
  gate.admit(k_a);
  EXPECT_FALSE(gate.finished(k_a, status(301, {{"retry-after", "600"}})).has_value());
  gate.admit(k_a);
  EXPECT_EQ(gate.finished(k_a, status(503, {{"retry-after", "999999"}})), clock.now() + 1h);
}

TEST_F(OriginGateTest, UnparsableRetryAfterFallsBackToBackoff) {
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  EXPECT_EQ(gate.finished(k_a, status(503, {{"retry-after", "soon"}})), clock.now() + 30s);
  EXPECT_EQ(gate.consecutive_failures(k_a), 1);
  gate.admit(k_b);
  EXPECT_EQ(gate.finished(k_b, status(429)), clock.now() + 30s) << "429 without Retry-After backs off";
}

TEST_F(OriginGateTest, BackoffDoublesUpToTheCap) {
  OriginGateOptions o = limits(4, 0);
  o.backoff_initial = 30s;
  o.backoff_max = 1h;
  OriginGate gate(clock, o);
  const std::vector<Duration> expected = {30s, 60s, 120s, 240s, 480s, 960s, 1920s, 3600s, 3600s, 3600s};
  const std::vector<FetchError> failures = {FetchError::connect, FetchError::dns, FetchError::tls, FetchError::timeout,
                                            FetchError::reset};
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(gate.admit(k_a).kind, Kind::go) << "the block has ended";
    const auto until = gate.finished(k_a, error(failures[i % failures.size()]));
    EXPECT_EQ(until, clock.now() + expected[i]) << "failure " << i + 1;
    EXPECT_EQ(gate.consecutive_failures(k_a), static_cast<int>(i) + 1);
    const GateDecision d = gate.admit(k_a);
    ASSERT_EQ(d.kind, Kind::defer) << i;
    EXPECT_NE(d.reason.find(std::to_string(i + 1) + " consecutive failure"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find(std::string(to_string(failures[i % failures.size()]))), std::string::npos) << d.reason;
    clock.advance(expected[i]);  // the block ends; the next attempt fails again
  }
}

TEST_F(OriginGateTest, FiveHundredsBackOffAndHealthyAnswersReset) {
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  gate.finished(k_a, status(502));
  clock.advance(30s);
  gate.admit(k_a);
  EXPECT_EQ(gate.finished(k_a, status(500)), clock.now() + 60s);
  // A request that was already in flight comes back healthy (here: a 404 — the server is answering).
  gate.admit(k_a);
  EXPECT_FALSE(gate.finished(k_a, status(404)).has_value());
  EXPECT_EQ(gate.consecutive_failures(k_a), 0);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
  // And the streak starts again from the beginning.
  EXPECT_EQ(gate.finished(k_a, error(FetchError::reset)), clock.now() + 30s);
}

TEST_F(OriginGateTest, RefusedAnswersAreHealthyUnknownOutcomesChangeNothing) {
  EXPECT_EQ(origin_health(status(200)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(status(304)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(status(404)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(status(429)), OriginHealth::failing);
  EXPECT_EQ(origin_health(status(503)), OriginHealth::failing);
  EXPECT_EQ(origin_health(error(FetchError::too_large)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(error(FetchError::not_html)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(error(FetchError::redirects)), OriginHealth::healthy);
  EXPECT_EQ(origin_health(error(FetchError::other)), OriginHealth::unknown);
  EXPECT_EQ(origin_health(error(FetchError::deferred)), OriginHealth::unknown);

  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  gate.finished(k_a, error(FetchError::timeout));
  const auto blocked = gate.blocked_until(k_a);
  ASSERT_TRUE(blocked.has_value());
  gate.cancelled(k_a);
  gate.finished(k_a, error(FetchError::other));
  EXPECT_EQ(gate.blocked_until(k_a), blocked);
  EXPECT_EQ(gate.consecutive_failures(k_a), 1);
}

TEST_F(OriginGateTest, RetryAfterOutlivesABackoffReset) {
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  gate.admit(k_a);
  const Timestamp until = *gate.finished(k_a, status(503, {{"retry-after", "300"}}));
  gate.finished(k_a, status(200));  // was in flight already
  EXPECT_EQ(gate.blocked_until(k_a), until);
}

TEST_F(OriginGateTest, BackoffCanBeDisabledAndRetryAfterIgnored) {
  OriginGate gate(clock, OriginGateOptions::none());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(gate.admit(k_a).kind, Kind::go);
  EXPECT_FALSE(gate.finished(k_a, error(FetchError::connect)).has_value());
  EXPECT_FALSE(gate.finished(k_a, status(503, {{"retry-after", "600"}})).has_value());
  EXPECT_EQ(gate.admit(k_a).kind, Kind::go);
}

TEST_F(OriginGateTest, OverridesMatchByHostSuffixFirstWins) {
  OriginGateOptions o = limits(1, 0);
  o.overrides = {{"wire.example", {8, 0}}, {"example", {2, 0}}};
  OriginGate gate(clock, o);
  EXPECT_EQ(gate.limits_for_host("news.wire.example").connections, 8);
  EXPECT_EQ(gate.limits_for_host("wire.example").connections, 8);
  EXPECT_EQ(gate.limits_for_host("a.example").connections, 2);
  EXPECT_EQ(gate.limits_for_host("example.org").connections, 1);
  EXPECT_EQ(gate.limits_for_host("notwire.example").connections, 2) << "suffix matches at a dot only";
  for (int i = 0; i < 8; ++i) ASSERT_EQ(gate.admit("https://news.wire.example").kind, Kind::go);
  EXPECT_EQ(gate.admit("https://news.wire.example").kind, Kind::wait);
  EXPECT_EQ(gate.admit("http://example.org:8080").kind, Kind::go);
  EXPECT_EQ(gate.admit("http://example.org:8080").kind, Kind::wait);
}

TEST_F(OriginGateTest, EmptyOriginIsNeverHeld) {
  OriginGate gate(clock, limits(1, 1.0));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gate.admit("").kind, Kind::go);
  EXPECT_FALSE(gate.finished("", error(FetchError::connect)).has_value());
  EXPECT_EQ(gate.tracked_origins(), 0u);
}

TEST_F(OriginGateTest, IdleOriginsAreForgottenBlockedOnesAreKept) {
  OriginGate gate(clock, limits(4, 0));
  gate.admit(k_a);
  gate.finished(k_a, error(FetchError::connect));  // blocked for 30 s
  for (int i = 0; i < 5000; ++i) {
    const std::string origin = "https://site" + std::to_string(i) + ".example";
    ASSERT_EQ(gate.admit(origin).kind, Kind::go);
    gate.finished(origin, status(200));
  }
  EXPECT_LE(gate.tracked_origins(), 1100u);
  EXPECT_EQ(gate.admit(k_a).kind, Kind::defer) << "a blocked origin must not be forgotten";
}

}  // namespace
}  // namespace redline::testing
