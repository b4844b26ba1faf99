// CurlClient's per-origin politeness against real local servers: the in-flight limit is exact, the
// rate limit spaces request starts, Retry-After and backoff hold or defer requests of that origin only.
#include <map>
#include <mutex>
#include <vector>

#include "http/curl_client.hpp"
#include "http_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

// Arrival times of requests, recorded on the server's thread.
class Arrivals {
 public:
  void note() {
    std::lock_guard lock(m_mutex);
    m_times.push_back(std::chrono::steady_clock::now());
  }
  std::vector<SteadyTime> times() const {
    std::lock_guard lock(m_mutex);
    return m_times;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<SteadyTime> m_times;
};

class CurlPolitenessTest : public HttpFixture {};

TEST_F(CurlPolitenessTest, InFlightLimitPerOriginIsExactAndOverridable) {
  LocalHttpServer other;  // reached as "localhost": another origin with its own limit
  other.start();
  for (LocalHttpServer* s : {&server, &other})
    s->route("/slow", [](const ServerRequest&) { return ServerResponse::html("ok").with_delay(40ms); });
  CurlClientOptions options;
  options.politeness.defaults.connections = 1;
  options.politeness.overrides = {{"localhost", {3, 0}}};
  CurlClient client(io, options);
  int ok = 0;
  const std::string other_url = "http://localhost:" + std::to_string(other.port()) + "/slow";
  for (int i = 0; i < 8; ++i) {
    client.fetch(get(server.url("/slow")), [&](HttpResponse r) { ok += r.ok() ? 1 : 0; });
    client.fetch(get(other_url), [&](HttpResponse r) { ok += r.ok() ? 1 : 0; });
  }
  ASSERT_TRUE(run_until([&] { return ok == 16; }, 20s)) << ok;
  EXPECT_EQ(server.max_in_flight(), 1u);
  EXPECT_LE(other.max_in_flight(), 3u);
  EXPECT_GE(other.max_in_flight(), 2u) << "the override raised the limit";
  EXPECT_EQ(client.queued(), 0u);
}

TEST_F(CurlPolitenessTest, RateLimitSpacesRequestStarts) {
  Arrivals arrivals;
  server.route("/page", [&arrivals](const ServerRequest&) {
    arrivals.note();
    return ServerResponse::html("ok");
  });
  CurlClientOptions options;
  options.politeness.defaults = {0, 5.0};  // one start every 210 ms (200 ms and a 5 % margin)
  CurlClient client(io, options);
  int done = 0;
  for (int i = 0; i < 4; ++i) client.fetch(get(server.url("/page")), [&](HttpResponse) { ++done; });
  EXPECT_EQ(client.queued(), 4u);
  ASSERT_TRUE(run_until([&] { return done == 4; }));
  const auto times = arrivals.times();
  ASSERT_EQ(times.size(), 4u);
  // The client spaces the starts by 210 ms (its clock has millisecond steps; the request then still
  // travels, and on a loaded machine one request's travel can take tens of milliseconds longer than the
  // next one's, so an arrival gap can be shorter than a start gap). Without the limit the gaps are ~0.
  for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], 140ms) << i;
  EXPECT_GE(times.back() - times.front(), 540ms);
}

TEST_F(CurlPolitenessTest, ShortRetryAfterHoldsTheNextRequestUntilThen) {
  Arrivals arrivals;
  int calls = 0;  // server thread only
  server.route("/busy", [&](const ServerRequest&) {
    arrivals.note();
    return ++calls == 1 ? ServerResponse::text(503, "busy").with_header("Retry-After", "1")
                        : ServerResponse::html("ok");
  });
  CurlClient client(io);
  HttpResponse first = fetch(client, get(server.url("/busy")));
  EXPECT_EQ(first.status, 503);
  ASSERT_TRUE(first.retry_at.has_value()) << "the 503 response tells when the origin opens";
  HttpResponse second = fetch(client, get(server.url("/busy")));
  EXPECT_EQ(second.status, 200) << second.error_message;
  EXPECT_FALSE(second.retry_at.has_value());
  const auto times = arrivals.times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 950ms) << "the second request came before Retry-After allowed it";
}

TEST_F(CurlPolitenessTest, LongRetryAfterDefersAtOnceWithoutARequest) {
  server.route("/limited", [](const ServerRequest&) {
    return ServerResponse::text(429, "slow down").with_header("Retry-After", "120");
  });
  server.route("/other", [](const ServerRequest&) { return ServerResponse::html("fine"); });
  LocalHttpServer elsewhere;
  elsewhere.route("/other", [](const ServerRequest&) { return ServerResponse::html("fine"); });
  elsewhere.start();
  CurlClient client(io);
  const auto before = std::chrono::system_clock::now();
  HttpResponse limited = fetch(client, get(server.url("/limited")));
  EXPECT_EQ(limited.status, 429);
  ASSERT_TRUE(limited.retry_at.has_value());
  EXPECT_GE(*limited.retry_at, before + 119s);

  const auto start = std::chrono::steady_clock::now();
  HttpResponse deferred = fetch(client, get(server.url("/other")));  // same origin, another path
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(deferred.error, FetchError::deferred);
  EXPECT_EQ(deferred.status, 0);
  EXPECT_EQ(deferred.retry_at, limited.retry_at);
  EXPECT_EQ(deferred.error_message.rfind("deferred: ", 0), 0u) << deferred.error_message;
  EXPECT_NE(deferred.error_message.find("Retry-After"), std::string::npos) << deferred.error_message;
  EXPECT_NE(deferred.error_message.find(server.url("/other")), std::string::npos) << deferred.error_message;
  EXPECT_EQ(server.request_count(), 1u) << "a deferred request must not reach the server";
  EXPECT_EQ(client.stats().errors[static_cast<size_t>(FetchError::deferred)], 1u);

  EXPECT_EQ(fetch(client, get(elsewhere.url("/other"))).body, "fine") << "other origins are not affected";
}

TEST_F(CurlPolitenessTest, FailuresBackOffTheOriginOnly) {
  server.route("/reset", [](const ServerRequest&) { return ServerResponse::reset(); });
  server.route("/page", [](const ServerRequest&) { return ServerResponse::html("page"); });
  LocalHttpServer healthy;
  healthy.route("/page", [](const ServerRequest&) { return ServerResponse::html("page"); });
  healthy.start();
  CurlClient client(io);
  HttpResponse reset = fetch(client, get(server.url("/reset")));
  EXPECT_EQ(reset.error, FetchError::reset);
  ASSERT_TRUE(reset.retry_at.has_value()) << "the failure started a backoff";
  HttpResponse next = fetch(client, get(server.url("/page")));
  EXPECT_EQ(next.error, FetchError::deferred);
  EXPECT_NE(next.error_message.find("1 consecutive failure"), std::string::npos) << next.error_message;
  EXPECT_EQ(server.request_count("/page"), 0u);
  EXPECT_EQ(fetch(client, get(healthy.url("/page"))).body, "page");
}

TEST_F(CurlPolitenessTest, WaitingRequestsAreCancelledOnceAndFreeNothingTwice) {
  server.route("/hang", [](const ServerRequest&) { return ServerResponse::html("late").with_delay(30s); });
  CurlClientOptions options;
  options.politeness.defaults = {1, 0.5};
  CurlClient client(io, options);
  std::map<int, int> calls;
  for (int i = 0; i < 5; ++i)
    client.fetch(get(server.url("/hang")), [&calls, i](HttpResponse r) {
      ++calls[i];
      EXPECT_EQ(r.error, FetchError::other);
    });
  ASSERT_TRUE(run_until([&] { return server.request_count() == 1; }));
  EXPECT_EQ(client.in_flight(), 1u);
  EXPECT_EQ(client.queued(), 4u);
  client.cancel_all();
  EXPECT_EQ(client.queued(), 0u);
  run_for(200ms);
  ASSERT_EQ(calls.size(), 5u);
  for (auto [i, n] : calls) EXPECT_EQ(n, 1) << i;

  // The slot is free again, and the rate still applies: the next request waits its turn, then goes.
  server.route("/ok", [](const ServerRequest&) { return ServerResponse::html("ok"); });
  EXPECT_EQ(fetch(client, get(server.url("/ok"))).body, "ok");
}

}  // namespace
}  // namespace redline::testing
