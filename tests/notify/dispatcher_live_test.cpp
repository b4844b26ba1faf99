// The dispatcher end to end: the real SqliteStore, the real CurlClient and a real HTTP receiver on
// 127.0.0.1 that checks signatures the way a consumer would. Only the dispatcher's clock is fake (it
// starts at the real time, so signatures stay within the receiver's tolerance) so retries need no sleeping.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <filesystem>

#include "live_fixture.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::LocalHttpServer;
using testing::ServerRequest;
using testing::ServerResponse;

using DispatcherLiveTest = testing::LiveDispatcherFixture;
using testing::k_secret;

TEST_F(DispatcherLiveTest, DeliversSignedEventsInOrder) {
  make({{"hook", WebhookTarget{server.url("/hook"), {k_secret}, 5s}}});
  const std::string a1 = add_event("a", "hook");
  const std::string a2 = add_event("a", "hook");
  const std::string b1 = add_event("b", "hook");
  round();  // a1 and b1 (a2 waits behind a1)
  round();  // a2
  for (const auto& id : {a1, a2, b1}) EXPECT_EQ(row_of(id).state, OutboxState::delivered) << id;

  auto verifier = WebhookSigner::create({k_secret});
  ASSERT_TRUE(verifier.ok());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::vector<std::string> order;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.header("content-type"), "application/json");
    const Status verified = verifier->verify(r.headers, r.body, clock.now());
    EXPECT_TRUE(verified.ok()) << (verified.ok() ? "" : verified.error().message);
    auto event = parse_event(r.body);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(event->id, r.header("webhook-id"));
    if (event->article_key == "a") order.push_back(event->id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{a1, a2}));
}

TEST_F(DispatcherLiveTest, RetriesAfterServiceUnavailableHonouringRetryAfter) {
  int calls = 0;  // touched only on the server thread
  server.route("/flaky", [&calls](const ServerRequest&) {
    return ++calls == 1 ? ServerResponse::text(503, "busy").with_header("Retry-After", "7")
                        : ServerResponse::text(200, "ok");
  });
  make({{"hook", WebhookTarget{server.url("/flaky"), {k_secret}, 5s}}});
  const std::string id = add_event("a", "hook");
  const Timestamp first = clock.now();
  round();
  OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::pending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt, first + 7s);
  EXPECT_NE(row.last_error.find("HTTP 503: busy"), std::string::npos) << row.last_error;

  clock.advance(7s);
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("webhook-id"), requests[1].header("webhook-id"));
  EXPECT_NE(requests[0].header("webhook-signature"), requests[1].header("webhook-signature"));
}

TEST_F(DispatcherLiveTest, FinalFailuresAndUnreachableReceivers) {
  server.route("/gone", [](const ServerRequest&) { return ServerResponse::text(410, "unsubscribed"); });
  server.route("/moved", [this](const ServerRequest&) { return ServerResponse::redirect(server.url("/hook"), 301); });
  LocalHttpServer closed;
  closed.start();
  const std::string unreachable = closed.url("/hook");
  closed.stop();

  make({{"gone", WebhookTarget{server.url("/gone"), {k_secret}, 5s}},
        {"moved", WebhookTarget{server.url("/moved"), {k_secret}, 5s}},
        {"down", WebhookTarget{unreachable, {k_secret}, 5s}}});
  const std::string gone = add_event("a", "gone");
  const std::string moved = add_event("b", "moved");
  const std::string down = add_event("c", "down");
  round();

  EXPECT_EQ(row_of(gone).state, OutboxState::dead);
  EXPECT_NE(row_of(gone).last_error.find("HTTP 410: unsubscribed"), std::string::npos) << row_of(gone).last_error;
  EXPECT_EQ(row_of(moved).state, OutboxState::dead);
  EXPECT_NE(row_of(moved).last_error.find("redirect"), std::string::npos) << row_of(moved).last_error;
  EXPECT_EQ(server.request_count("/hook"), 0u) << "the redirect was followed";
  const OutboxEntry d = row_of(down);
  EXPECT_EQ(d.state, OutboxState::pending);
  EXPECT_EQ(d.attempts, 1);
  EXPECT_NE(d.last_error.find("network error"), std::string::npos) << d.last_error;
}

TEST_F(DispatcherLiveTest, AHugeAnswerDoesNotHideTheStatus) {
  server.route("/chatty", [](const ServerRequest&) { return ServerResponse::huge(4u << 20, true, "text/plain"); });
  server.route("/chatty-error", [](const ServerRequest&) {
    ServerResponse r = ServerResponse::huge(4u << 20, false, "text/plain");
    r.status = 500;
    return r;
  });
  make({{"ok", WebhookTarget{server.url("/chatty"), {k_secret}, 5s}},
        {"err", WebhookTarget{server.url("/chatty-error"), {k_secret}, 5s}}});
  const std::string ok = add_event("a", "ok");
  const std::string err = add_event("b", "err");
  round();
  EXPECT_EQ(row_of(ok).state, OutboxState::delivered) << row_of(ok).last_error;
  EXPECT_EQ(row_of(err).state, OutboxState::pending);
  EXPECT_EQ(row_of(err).attempts, 1);
  EXPECT_EQ(row_of(err).last_error.substr(0, 8), "HTTP 500") << row_of(err).last_error;
}

TEST_F(DispatcherLiveTest, ASlowReceiverTimesOutAndIsRetried) {
  server.route("/stuck", [](const ServerRequest&) { return ServerResponse::text(200, "").with_delay(5s); });
  make({{"hook", WebhookTarget{server.url("/stuck"), {k_secret}, 500ms}}});
  const std::string id = add_event("a", "hook");
  const auto start = std::chrono::steady_clock::now();
  round();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  const OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::pending);
  EXPECT_NE(row.last_error.find("timeout"), std::string::npos) << row.last_error;
}

TEST_F(DispatcherLiveTest, DeliversABacklogConcurrentlyWithinTheLimit) {
  server.route("/slow", [](const ServerRequest&) { return ServerResponse::text(200, "").with_delay(5ms); });
  DispatcherOptions options;
  options.max_in_flight = 4;
  options.batch = 1000;
  make({{"hook", WebhookTarget{server.url("/slow"), {k_secret}, 5s}}}, options);
  constexpr int k_articles = 100;
  constexpr int k_per_article = 3;
  for (int v = 0; v < k_per_article; ++v)
    for (int a = 0; a < k_articles; ++a) add_event("article-" + std::to_string(a), "hook");

  const auto start = std::chrono::steady_clock::now();
  int rounds = 0;
  for (; rounds < 10; ++rounds) {
    auto pending = store->list_outbox(OutboxState::pending);
    ASSERT_TRUE(pending.ok());
    if (pending->empty()) break;
    round();
  }
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto delivered = store->list_outbox(OutboxState::delivered);
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(delivered->size(), static_cast<size_t>(k_articles * k_per_article));
  EXPECT_EQ(rounds, k_per_article);  // one event per article and round: per-article order holds
  EXPECT_EQ(server.request_count("/slow"), static_cast<size_t>(k_articles * k_per_article));
  EXPECT_GT(server.max_in_flight(), 1u);
  EXPECT_LE(server.max_in_flight(), 4u);
  std::printf("delivered %d events in %.3f s (%.0f/s), max %zu in flight\n", k_articles * k_per_article, elapsed,
              k_articles * k_per_article / elapsed, server.max_in_flight());
}

}  // namespace
}  // namespace redline
