// CurlClient against misbehaving servers: caps, timeouts, resets, refusals, cancellation.
#include <boost/asio/ip/tcp.hpp>
#include <map>

#include "http/curl_client.hpp"
#include "http_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class CurlLimitsTest : public HttpFixture {
 protected:
  CurlClient client{io};
};

TEST_F(CurlLimitsTest, ContentLengthOverCapIsRefusedUpFront) {
  server.route("/huge", [](const ServerRequest&) { return ServerResponse::huge(size_t{1} << 30); });  // 1 GiB
  HttpRequest request = get(server.url("/huge"));
  request.max_body = 1 << 20;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::too_large);
  EXPECT_NE(r.error_message.find("Content-Length"), std::string::npos) << r.error_message;
  EXPECT_TRUE(r.body.empty());
  EXPECT_LT(r.elapsed, 2s);
}

TEST_F(CurlLimitsTest, HugeBodyWithoutLengthIsCutAtCap) {
  server.route("/huge", [](const ServerRequest&) { return ServerResponse::huge(size_t{1} << 30, false); });
  HttpRequest request = get(server.url("/huge"));
  request.max_body = 1 << 20;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::too_large);
  EXPECT_NE(r.error_message.find("decoded"), std::string::npos) << r.error_message;
  EXPECT_LT(r.elapsed, 3s);
}

TEST_F(CurlLimitsTest, EndlessChunkedBodyIsCutWithBoundedMemory) {
  server.route("/endless", [](const ServerRequest&) { return ServerResponse::endless_chunked(); });
  reset_peak_rss();
  const long rss_before = peak_rss_kib();
  HttpRequest request = get(server.url("/endless"));
  request.max_body = 2 << 20;
  request.timeout = 20s;  // the cap, not the clock, must end it
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::too_large);
  EXPECT_TRUE(r.body.empty());
  EXPECT_LT(r.elapsed, 5s);
  EXPECT_LT(peak_rss_kib() - rss_before, 16 * 1024) << "peak RSS grew by more than 16 MiB";
}

TEST_F(CurlLimitsTest, GzipBombIsCaughtOnDecodedBytes) {
  const size_t decoded = size_t{16} << 20;
  server.route("/bomb", [decoded](const ServerRequest&) { return ServerResponse::gzip_bomb(decoded); });
  HttpRequest request = get(server.url("/bomb"));
  request.max_body = 1 << 20;
  reset_peak_rss();
  const long rss_before = peak_rss_kib();
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::too_large) << r.error_message;
  EXPECT_LT(peak_rss_kib() - rss_before, 12 * 1024);

  // The same bomb under a cap above its decoded size is a normal response: the cap is what refused it.
  request.max_body = decoded + 1;
  HttpResponse whole = fetch(client, request);
  EXPECT_EQ(whole.error, FetchError::none) << whole.error_message;
  EXPECT_EQ(whole.body.size(), decoded);
}

TEST_F(CurlLimitsTest, TricklingServerHitsTotalTimeout) {
  server.route("/drip", [](const ServerRequest&) { return ServerResponse::trickle(std::string(1000, 'x'), 20); });
  HttpRequest request = get(server.url("/drip"));
  request.timeout = 600ms;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::timeout) << r.error_message;
  EXPECT_GE(r.elapsed, 500ms);
  EXPECT_LT(r.elapsed, 3s);
}

TEST_F(CurlLimitsTest, TricklingServerHitsLowSpeedTimeout) {
  server.route("/drip", [](const ServerRequest&) { return ServerResponse::trickle(std::string(1000, 'x'), 10); });
  HttpRequest request = get(server.url("/drip"));
  request.timeout = 30s;
  request.low_speed_limit = 1000;
  request.low_speed_time = 1s;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::timeout) << r.error_message;
  EXPECT_LT(r.elapsed, 5s);
}

TEST_F(CurlLimitsTest, SlowButSteadyTrickleCompletes) {
  server.route("/drip", [](const ServerRequest&) { return ServerResponse::trickle(std::string(300, 'y'), 1000); });
  HttpResponse r = fetch(client, get(server.url("/drip")));
  EXPECT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_EQ(r.body, std::string(300, 'y'));
}

TEST_F(CurlLimitsTest, DelayedAnswerWithinTimeoutCompletes) {
  server.route("/late", [](const ServerRequest&) { return ServerResponse::html("late").with_delay(300ms); });
  HttpResponse r = fetch(client, get(server.url("/late")));
  EXPECT_EQ(r.body, "late");
  EXPECT_GE(r.elapsed, 250ms);
}

TEST_F(CurlLimitsTest, ConnectionResetIsReported) {
  server.route("/reset", [](const ServerRequest&) { return ServerResponse::reset(); });
  HttpResponse r = fetch(client, get(server.url("/reset")));
  EXPECT_EQ(r.error, FetchError::reset) << r.error_message;
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error_message.empty());
}

TEST_F(CurlLimitsTest, ConnectionRefusedIsConnectError) {
  uint16_t port = 0;
  {  // a port that was free a moment ago and has no listener now
    boost::asio::io_context scratch;
    boost::asio::ip::tcp::acceptor probe(scratch, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  HttpResponse r = fetch(client, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(r.error, FetchError::connect) << r.error_message;
  EXPECT_NE(r.error_message.find(std::to_string(port)), std::string::npos) << r.error_message;
}

TEST_F(CurlLimitsTest, TlsHandshakeWithPlainServerIsTlsError) {
  server.route("/", [](const ServerRequest&) { return ServerResponse::html("plain"); });
  HttpResponse r = fetch(client, get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_EQ(r.error, FetchError::tls) << r.error_message;
}

TEST_F(CurlLimitsTest, UnresolvableHostIsDnsError) {
  HttpRequest request = get("http://redline-test-host.invalid/");  // RFC 6761: never resolves
  request.timeout = 3s;
  HttpResponse r = fetch(client, request);
  if (r.error == FetchError::timeout) GTEST_SKIP() << "resolver did not answer here: " << r.error_message;
  EXPECT_EQ(r.error, FetchError::dns) << r.error_message;
  EXPECT_NE(r.error_message.find("redline-test-host.invalid"), std::string::npos) << r.error_message;
}

TEST_F(CurlLimitsTest, NonHtmlIsRefusedBeforeTheBody) {
  server.route("/image", [](const ServerRequest&) {
    return ServerResponse::huge(size_t{512} << 20, true, "image/png");  // would take a while to download
  });
  HttpRequest request = get(server.url("/image"));
  request.html_only = true;
  request.max_body = size_t{1} << 30;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::not_html);
  EXPECT_NE(r.error_message.find("image/png"), std::string::npos) << r.error_message;
  EXPECT_LT(r.elapsed, 2s);

  request.html_only = false;  // without the flag the content type does not matter
  server.route("/small", [](const ServerRequest&) { return ServerResponse::text(200, "PNG", "image/png"); });
  request.url = server.url("/small");
  EXPECT_EQ(fetch(client, request).body, "PNG");
}

TEST_F(CurlLimitsTest, CancelAllCompletesEveryCallbackOnce) {
  server.route("/hang", [](const ServerRequest&) { return ServerResponse::html("never").with_delay(30s); });
  std::map<int, int> calls;
  std::map<int, FetchError> errors;
  for (int i = 0; i < 5; ++i) {
    client.fetch(get(server.url("/hang")), [&, i](HttpResponse r) {
      ++calls[i];
      errors[i] = r.error;
    });
  }
  // By default 4 requests per origin are in flight: four are on the wire, one waits for its origin.
  ASSERT_TRUE(run_until([&] { return server.request_count() == 4; }));
  run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(server.request_count(), 4u);
  client.fetch(get(server.url("/hang")), [&](HttpResponse r) {  // not even looked at yet
    ++calls[5];
    errors[5] = r.error;
  });
  EXPECT_EQ(client.in_flight(), 4u);
  EXPECT_EQ(client.queued(), 2u);
  client.cancel_all();
  EXPECT_EQ(client.in_flight(), 0u);
  EXPECT_TRUE(calls.empty());  // callbacks are posted, not run inside cancel_all()
  run_until([&] { return calls.size() == 6; }, 500ms);
  run_for(100ms);
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(client.stats().errors[static_cast<size_t>(FetchError::other)], 6u);
  EXPECT_EQ(client.stats().started, 4u);
  for (auto [i, n] : calls) {
    EXPECT_EQ(n, 1) << i;
    EXPECT_EQ(errors[i], FetchError::other) << i;
  }
  // The client still works afterwards.
  server.route("/ok", [](const ServerRequest&) { return ServerResponse::html("ok"); });
  EXPECT_EQ(fetch(client, get(server.url("/ok"))).body, "ok");
}

TEST_F(CurlLimitsTest, DestructionCompletesEveryCallbackOnce) {
  server.route("/hang", [](const ServerRequest&) { return ServerResponse::html("never").with_delay(30s); });
  int calls = 0, cancelled = 0;
  auto callback = [&](HttpResponse r) {
    ++calls;
    if (r.error == FetchError::other && r.error_message.find("cancelled") != std::string::npos) ++cancelled;
  };
  {
    CurlClient doomed(io);
    for (int i = 0; i < 4; ++i) doomed.fetch(get(server.url("/hang")), callback);
    ASSERT_TRUE(run_until([&] { return server.request_count() == 4; }));
    doomed.fetch(get(server.url("/hang")), callback);  // never started
  }
  EXPECT_EQ(calls, 0);
  run_for(200ms);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(cancelled, 5);
}

// Cancels and destroys clients in the middle of mixed, misbehaving transfers, round after round: every
// callback still runs exactly once, and (under ASan) nothing touches freed sockets or handles.
TEST_F(CurlLimitsTest, ChurnWhileTransfersAreInEveryState) {
  server.route("/ok", [](const ServerRequest&) { return ServerResponse::html("ok"); });
  server.route("/slow", [](const ServerRequest&) { return ServerResponse::html("slow").with_delay(15ms); });
  server.route("/drip", [](const ServerRequest&) { return ServerResponse::trickle(std::string(500, 'x'), 200); });
  server.route("/endless", [](const ServerRequest&) { return ServerResponse::endless_chunked(); });
  server.route("/reset", [](const ServerRequest&) { return ServerResponse::reset(); });
  const std::vector<std::string> paths = {"/ok", "/slow", "/drip", "/endless", "/reset"};
  for (int round = 0; round < 12; ++round) {
    std::vector<int> calls(40, 0);
    {
      CurlClientOptions options;
      options.politeness.defaults.connections = 6;
      options.max_active_transfers = 20;
      CurlClient churn(io, options);
      for (size_t i = 0; i < calls.size(); ++i) {
        HttpRequest request = get(server.url(paths[i % paths.size()]));
        request.max_body = 256 << 10;
        churn.fetch(request, [&calls, i](HttpResponse) { ++calls[i]; });
      }
      run_for(std::chrono::milliseconds(3 * round));
      if (round % 2 == 0) churn.cancel_all();
      run_for(std::chrono::milliseconds(round % 3));
    }  // destroyed with whatever is still running
    run_for(50ms);
    for (size_t i = 0; i < calls.size(); ++i) ASSERT_EQ(calls[i], 1) << "round " << round << " request " << i;
  }
}

}  // namespace
}  // namespace redline::testing
