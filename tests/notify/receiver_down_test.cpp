// A long receiver outage, end to end: the receiver answers 503 for hours of simulated time, then
// refuses connections (stopped), then comes back on the same port. Checks the delivery guarantees: every
// event still within [notify] max_age arrives, in order per article, exactly once after dedupe by
// webhook-id, each attempt with a fresh webhook-timestamp and a valid signature; events older than
// max_age are dead and listed as such by the store.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>

#include "live_fixture.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

using testing::ServerRequest;
using testing::ServerResponse;

class ReceiverDownTest : public testing::LiveDispatcherFixture {
 protected:
  // Advances the clock in `step`s until `until`, running a round at each step.
  void run_until(Timestamp until, Duration step) {
    while (clock.now() < until) {
      clock.advance(step);
      round();
    }
  }
};

TEST_F(ReceiverDownTest, EveryEventWithinMaxAgeArrivesOnceAndInOrder) {
  std::atomic<bool> up{false};
  server.route("/down", [&up](const ServerRequest&) {
    return up ? ServerResponse::text(200, "ok") : ServerResponse::text(503, "maintenance");
  });
  DispatcherOptions options;
  options.max_age = 3h;
  options.seed = 7;
  make({{"hook", WebhookTarget{server.url("/down"), {testing::k_secret}, 5s}}}, options);
  const Timestamp t0 = clock.now();

  const std::string a1 = add_event("a", "hook");  // older than max_age when the receiver is back: dead
  const std::string b1 = add_event("b", "hook");
  round();
  run_until(t0 + 1h + 50min, 5min);               // 503s
  const std::string a2 = add_event("a", "hook");  // waits behind a1 until a1 is dead
  const std::string a3 = add_event("a", "hook");
  const std::string b2 = add_event("b", "hook");
  run_until(t0 + 4h, 5min);  // still 503s

  server.stop();  // connection refused for half an hour
  const std::string c1 = add_event("c", "hook");
  run_until(t0 + 4h + 30min, 5min);

  const size_t failed_requests = server.requests().size();
  up = true;
  server.start(server.port());  // back on the same port
  run_until(t0 + 8h, 5min);

  // Outcomes in the store.
  for (const auto& id : {a1, b1}) EXPECT_EQ(row_of(id).state, OutboxState::dead) << id;
  for (const auto& id : {a2, a3, b2, c1}) EXPECT_EQ(row_of(id).state, OutboxState::delivered) << id;
  auto dead = store->list_outbox(OutboxState::dead);
  ASSERT_TRUE(dead.ok());
  std::set<std::string> dead_ids;
  for (const auto& row : *dead) dead_ids.insert(row.event_id);
  EXPECT_EQ(dead_ids, (std::set<std::string>{a1, b1}));
  EXPECT_NE(row_of(a1).last_error.find("gave up after"), std::string::npos) << row_of(a1).last_error;

  // What the receiver saw.
  auto verifier = WebhookSigner::create({testing::k_secret});
  ASSERT_TRUE(verifier.ok());
  const auto requests = server.requests();
  ASSERT_GT(failed_requests, 10u);
  std::map<std::string, std::vector<long long>> timestamps;  // per webhook-id, every attempt
  std::vector<std::string> accepted;                         // answered 2xx, in arrival order
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    const std::string id = r.header("webhook-id");
    const long long ts = std::stoll(r.header("webhook-timestamp"));
    timestamps[id].push_back(ts);
    const Status ok = verifier->verify(r.headers, r.body, from_epoch_ms(ts * 1000));
    EXPECT_TRUE(ok.ok()) << id << ": " << (ok.ok() ? "" : ok.error().message);
    if (i >= failed_requests) accepted.push_back(id);
  }
  for (const auto& [id, stamps] : timestamps) {
    EXPECT_GE(stamps.size(), 1u);
    for (size_t i = 1; i < stamps.size(); ++i) EXPECT_LT(stamps[i - 1], stamps[i]) << id << ": stale timestamp";
  }
  EXPECT_GT(timestamps[a1].size(), 3u) << "a1 was retried through the outage";

  std::set<std::string> unique(accepted.begin(), accepted.end());
  EXPECT_EQ(unique, (std::set<std::string>{a2, a3, b2, c1}));
  EXPECT_EQ(unique.size(), accepted.size()) << "an event was delivered twice";
  const auto pos = [&](const std::string& id) { return std::find(accepted.begin(), accepted.end(), id); };
  EXPECT_LT(pos(a2), pos(a3)) << "order per article";
  for (const auto& id : {a1, b1}) EXPECT_EQ(pos(id), accepted.end()) << "a dead event arrived";
}

}  // namespace
}  // namespace redline
