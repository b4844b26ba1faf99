// CurlClient against a real LocalHttpServer on 127.0.0.1: success paths and protocol features.
#include <atomic>
#include <thread>

#include "http/curl_client.hpp"
#include "http/curl_transfer.hpp"
#include "http_fixture.hpp"

namespace redline::testing {
namespace {

class CurlClientTest : public HttpFixture {
 protected:
  CurlClient client{io};
};

TEST_F(CurlClientTest, GetReturnsStatusHeadersAndBody) {
  server.route("/article", [](const ServerRequest&) {
    return ServerResponse::html("<h1>Hello</h1>").with_header("X-Article-Id", "Abc-42").with_header("ETag", "\"v1\"");
  });
  HttpRequest request = get(server.url("/article?x=1"));
  request.headers = {{"If-None-Match", "\"v0\""}};
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>Hello</h1>");
  EXPECT_EQ(r.header("x-article-id"), "Abc-42");  // names lower-cased, values as sent
  EXPECT_EQ(r.header("etag"), "\"v1\"");
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.effective_url, server.url("/article?x=1"));
  EXPECT_TRUE(r.error_message.empty());

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/article");
  EXPECT_EQ(requests[0].query, "x=1");
  EXPECT_EQ(requests[0].header("if-none-match"), "\"v0\"");
  EXPECT_EQ(requests[0].header("user-agent"), "redline/" REDLINE_VERSION " (+https://github.com/redline)");
  EXPECT_NE(requests[0].header("accept-encoding").find("gzip"), std::string::npos);
}

TEST_F(CurlClientTest, CustomUserAgent) {
  CurlClientOptions options;
  options.user_agent = "test-agent/1";
  CurlClient custom(io, options);
  HttpResponse r = fetch(custom, get(server.url("/x")));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(server.requests().at(0).header("user-agent"), "test-agent/1");
}

TEST_F(CurlClientTest, GzipResponseIsDecoded) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "<p>paragraph " + std::to_string(i) + "</p>\n";
  server.route("/gz", [text](const ServerRequest&) { return ServerResponse::gzipped(text); });
  HttpResponse r = fetch(client, get(server.url("/gz")));
  ASSERT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  EXPECT_EQ(r.body, text);
}

TEST_F(CurlClientTest, PostSendsBodyAndHeaders) {
  server.route("/hook", [](const ServerRequest& req) {
    return ServerResponse::json("{\"echo\":" + req.body + ",\"sig\":\"" + req.header("x-signature") + "\"}", 201)
        .with_header("X-Method", req.method);
  });
  HttpRequest request = get(server.url("/hook"));
  request.method = "POST";
  request.body = "{\"a\":1}";
  request.headers = {{"Content-Type", "application/json"}, {"X-Signature", "sha256=abc"}};
  HttpResponse r = fetch(client, request);
  ASSERT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header("x-method"), "POST");
  EXPECT_EQ(r.body, "{\"echo\":{\"a\":1},\"sig\":\"sha256=abc\"}");
  EXPECT_EQ(server.requests().at(0).header("content-type"), "application/json");
}

TEST_F(CurlClientTest, LargePostBodyArrivesWhole) {
  server.route("/big",
               [](const ServerRequest& req) { return ServerResponse::text(200, std::to_string(req.body.size())); });
  HttpRequest request = get(server.url("/big"));
  request.method = "POST";
  request.body = std::string(300'000, 'x');
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.body, "300000");
  EXPECT_LT(r.elapsed, std::chrono::milliseconds(900));  // no "Expect: 100-continue" stall
}

TEST_F(CurlClientTest, ErrorStatusesAreResponsesNotErrors) {
  server.route("/boom", [](const ServerRequest&) { return ServerResponse::text(500, "internal"); });
  CurlClientOptions options;
  options.politeness.backoff_initial = Duration(0);  // a 500 would otherwise defer the next request
  CurlClient lenient(io, options);
  HttpResponse missing = fetch(lenient, get(server.url("/nope")));
  EXPECT_EQ(missing.error, FetchError::none);
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.ok());
  HttpResponse boom = fetch(lenient, get(server.url("/boom")));
  EXPECT_EQ(boom.error, FetchError::none);
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body, "internal");

  HttpRequest bad = get(server.url("/boom"));
  bad.max_body = 3;
  EXPECT_EQ(fetch(lenient, bad).error, FetchError::too_large);
  CurlClientStats stats = lenient.stats();
  EXPECT_EQ(stats.started, 3u);
  EXPECT_EQ(stats.responses, 2u);
  EXPECT_EQ(stats.body_bytes, missing.body.size() + boom.body.size());
  EXPECT_EQ(stats.errors[static_cast<size_t>(FetchError::too_large)], 1u);
  EXPECT_EQ(stats.errors[static_cast<size_t>(FetchError::other)], 0u);
}

TEST_F(CurlClientTest, ConditionalGetReturnsNotModified) {
  server.route("/cached", [](const ServerRequest& req) {
    if (req.header("if-none-match") == "\"v7\"") return ServerResponse::text(304, "").with_header("ETag", "\"v7\"");
    return ServerResponse::html("fresh").with_header("ETag", "\"v7\"");
  });
  HttpResponse first = fetch(client, get(server.url("/cached")));
  EXPECT_EQ(first.status, 200);
  HttpRequest again = get(server.url("/cached"));
  again.headers = {{"If-None-Match", first.header("etag")}};
  HttpResponse second = fetch(client, again);
  EXPECT_EQ(second.error, FetchError::none) << second.error_message;
  EXPECT_EQ(second.status, 304);
  EXPECT_FALSE(second.ok());
  EXPECT_TRUE(second.body.empty());
}

TEST_F(CurlClientTest, RedirectsAreFollowed) {
  server.route("/old", [&](const ServerRequest&) { return ServerResponse::redirect("/middle", 301); });
  server.route("/middle", [&](const ServerRequest&) { return ServerResponse::redirect(server.url("/new")); });
  server.route("/new", [](const ServerRequest&) { return ServerResponse::html("moved here"); });
  HttpResponse r = fetch(client, get(server.url("/old")));
  ASSERT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "moved here");
  EXPECT_EQ(r.effective_url, server.url("/new"));
  EXPECT_EQ(r.header("location"), "");  // headers are those of the final response
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(CurlClientTest, RedirectLoopIsStoppedAtTheFirstRepeat) {
  server.route("/loop", [](const ServerRequest&) { return ServerResponse::redirect("/loop"); });
  server.route("/a", [](const ServerRequest&) { return ServerResponse::redirect("/b"); });
  server.route("/b", [&](const ServerRequest&) { return ServerResponse::redirect(server.url("/c")); });
  server.route("/c", [](const ServerRequest&) { return ServerResponse::redirect("/a", 301); });
  HttpResponse r = fetch(client, get(server.url("/loop")));
  EXPECT_EQ(r.error, FetchError::redirects);
  EXPECT_NE(r.error_message.find("redirect loop: back to " + server.url("/loop") + " after 1 redirect"),
            std::string::npos)
      << r.error_message;
  EXPECT_EQ(server.request_count("/loop"), 2u);  // not max_redirects (10) more

  HttpResponse cycle = fetch(client, get(server.url("/a")));
  EXPECT_EQ(cycle.error, FetchError::redirects);
  EXPECT_NE(cycle.error_message.find("after 3 redirects"), std::string::npos) << cycle.error_message;
  EXPECT_EQ(server.request_count("/a"), 2u);
}

TEST_F(CurlClientTest, TooManyRedirectsFail) {
  server.route_prefix("/hop/", [](const ServerRequest& req) {
    return ServerResponse::redirect("/hop/" + std::to_string(std::stoi(req.path.substr(5)) + 1));
  });
  HttpRequest request = get(server.url("/hop/0"));
  request.max_redirects = 3;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::redirects);
  EXPECT_NE(r.error_message.find("redirects"), std::string::npos) << r.error_message;
  EXPECT_EQ(server.request_count(), 4u);  // the first request plus 3 followed redirects
}

TEST_F(CurlClientTest, ZeroMaxRedirectsReturnsTheRedirect) {
  server.route("/old", [](const ServerRequest&) { return ServerResponse::redirect("/new"); });
  HttpRequest request = get(server.url("/old"));
  request.max_redirects = 0;
  HttpResponse r = fetch(client, request);
  EXPECT_EQ(r.error, FetchError::none);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("location"), "/new");
  EXPECT_EQ(server.request_count("/new"), 0u);
}

TEST_F(CurlClientTest, HtmlOnlyAcceptsDocuments) {
  server.route("/page", [](const ServerRequest&) { return ServerResponse::html("<p>x</p>"); });
  server.route("/feed",
               [](const ServerRequest&) { return ServerResponse::text(200, "<rss/>", "application/rss+xml"); });
  HttpRequest request = get(server.url("/page"));
  request.html_only = true;
  EXPECT_EQ(fetch(client, request).body, "<p>x</p>");
  request.url = server.url("/feed");
  EXPECT_EQ(fetch(client, request).body, "<rss/>");
}

TEST_F(CurlClientTest, ConnectionsAreReused) {
  server.route("/a", [](const ServerRequest&) { return ServerResponse::html("a"); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(fetch(client, get(server.url("/a"))).body, "a");
  EXPECT_EQ(server.request_count("/a"), 5u);
  EXPECT_EQ(server.connection_count(), 1u);
}

// More requests in flight per origin than max_cached_connections: every connection is still reused
// (curl's cache counts connections in use; a smaller cache closed one at every completed transfer).
TEST_F(CurlClientTest, ConnectionsAreReusedWhenMoreAreInFlightThanCached) {
  constexpr int k_rounds = 4, k_wide = 48;
  server.route_prefix(
      "/n/", [](const ServerRequest&) { return ServerResponse::html("x").with_delay(std::chrono::milliseconds(20)); });
  CurlClientOptions options;
  options.politeness.defaults.connections = k_wide;
  options.max_cached_connections = 8;
  CurlClient wide(io, options);
  int done = 0;
  for (int i = 0; i < k_rounds * k_wide; ++i)
    wide.fetch(get(server.url("/n/" + std::to_string(i))), [&](HttpResponse r) { done += r.ok() ? 1 : 1000; });
  EXPECT_TRUE(run_until([&] { return done == k_rounds * k_wide; }, std::chrono::seconds(30)));
  EXPECT_EQ(done, k_rounds * k_wide);
  EXPECT_LE(server.connection_count(), static_cast<size_t>(k_wide));
}

TEST_F(CurlClientTest, CallbackNeverRunsInsideFetch) {
  server.route("/a", [](const ServerRequest&) { return ServerResponse::html("a"); });
  int calls = 0;
  client.fetch(get(server.url("/a")), [&](HttpResponse) { ++calls; });
  client.fetch(get("not a url at all"), [&](HttpResponse) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(run_until([&] { return calls == 2; }));
  run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(calls, 2);
}

TEST_F(CurlClientTest, FetchFromAnotherThread) {
  server.route("/a", [](const ServerRequest&) { return ServerResponse::html("a"); });
  std::atomic<int> calls{0};
  std::thread caller([&] {
    for (int i = 0; i < 20; ++i)
      client.fetch(get(server.url("/a")), [&](HttpResponse r) { calls += r.ok() ? 1 : 100; });
  });
  EXPECT_TRUE(run_until([&] { return calls.load() >= 20; }));
  caller.join();
  EXPECT_EQ(calls.load(), 20);
}

TEST_F(CurlClientTest, ManyConcurrentRequestsAllComplete) {
  constexpr int k_requests = 200;
  server.route_prefix("/n/", [](const ServerRequest& req) {
    return ServerResponse::html("page " + req.path.substr(3)).with_delay(std::chrono::milliseconds(20));
  });
  CurlClientOptions options;
  options.politeness.defaults.connections = 16;
  CurlClient wide(io, options);
  int done = 0, right = 0;
  for (int i = 0; i < k_requests; ++i) {
    wide.fetch(get(server.url("/n/" + std::to_string(i))), [&, i](HttpResponse r) {
      ++done;
      if (r.ok() && r.body == "page " + std::to_string(i)) ++right;
    });
  }
  EXPECT_TRUE(run_until([&] { return done == k_requests; }, std::chrono::seconds(30)));
  EXPECT_EQ(right, k_requests);
  EXPECT_EQ(server.request_count(), static_cast<size_t>(k_requests));
  EXPECT_LE(server.max_open_connections(), 16u);
  EXPECT_GT(server.max_in_flight(), 1u);  // they did run concurrently
  EXPECT_EQ(wide.in_flight(), 0u);
}

TEST_F(CurlClientTest, PerHostConnectionLimitIsRespected) {
  server.route("/slow", [](const ServerRequest&) {
    return ServerResponse::html("ok").with_delay(std::chrono::milliseconds(30));
  });
  CurlClientOptions options;
  options.politeness.defaults.connections = 1;
  CurlClient narrow(io, options);
  int ok = 0;
  for (int i = 0; i < 10; ++i) narrow.fetch(get(server.url("/slow")), [&](HttpResponse r) { ok += r.ok() ? 1 : 0; });
  EXPECT_TRUE(run_until([&] { return ok == 10; }));
  EXPECT_EQ(server.max_in_flight(), 1u);
  EXPECT_EQ(server.max_open_connections(), 1u);
}

TEST_F(CurlClientTest, ActiveTransfersAreCappedAndTheRestQueueInOrder) {
  server.route_prefix("/q/", [](const ServerRequest&) {
    return ServerResponse::html("ok").with_delay(std::chrono::milliseconds(100));
  });
  CurlClientOptions options;
  options.max_active_transfers = 2;
  options.politeness.defaults.connections = 8;
  CurlClient capped(io, options);
  int ok = 0;
  for (int i = 0; i < 10; ++i)
    capped.fetch(get(server.url("/q/" + std::to_string(i))), [&](HttpResponse r) { ok += r.ok() ? 1 : 0; });
  EXPECT_EQ(capped.queued(), 10u);
  ASSERT_TRUE(run_until([&] { return capped.in_flight() == 2; }));
  EXPECT_EQ(capped.queued(), 8u);
  EXPECT_TRUE(run_until([&] { return ok == 10; }));
  EXPECT_EQ(server.max_in_flight(), 2u);
  EXPECT_EQ(capped.queued(), 0u);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 10u);
  EXPECT_EQ(requests.front().path, "/q/0");  // FIFO, up to the two that run side by side
  EXPECT_EQ(requests.back().path, "/q/9");
}

TEST(ContentTypeTest, DocumentTypes) {
  EXPECT_TRUE(is_document_content_type("text/html"));
  EXPECT_TRUE(is_document_content_type("Text/HTML; charset=ISO-8859-1"));
  EXPECT_TRUE(is_document_content_type("application/xhtml+xml"));
  EXPECT_TRUE(is_document_content_type("application/atom+xml"));
  EXPECT_TRUE(is_document_content_type("application/xml"));
  EXPECT_FALSE(is_document_content_type("image/png"));
  EXPECT_FALSE(is_document_content_type("application/pdf"));
  EXPECT_FALSE(is_document_content_type("application/json"));
  EXPECT_FALSE(is_document_content_type("application/octet-stream"));
}

TEST(ClassifyTest, CurlCodes) {
  EXPECT_EQ(classify_curl_error(CURLE_OK), FetchError::none);
  EXPECT_EQ(classify_curl_error(CURLE_COULDNT_RESOLVE_HOST), FetchError::dns);
  EXPECT_EQ(classify_curl_error(CURLE_COULDNT_CONNECT), FetchError::connect);
  EXPECT_EQ(classify_curl_error(CURLE_PEER_FAILED_VERIFICATION), FetchError::tls);
  EXPECT_EQ(classify_curl_error(CURLE_SSL_CONNECT_ERROR), FetchError::tls);
  EXPECT_EQ(classify_curl_error(CURLE_OPERATION_TIMEDOUT), FetchError::timeout);
  EXPECT_EQ(classify_curl_error(CURLE_TOO_MANY_REDIRECTS), FetchError::redirects);
  EXPECT_EQ(classify_curl_error(CURLE_GOT_NOTHING), FetchError::reset);
  EXPECT_EQ(classify_curl_error(CURLE_RECV_ERROR), FetchError::reset);
  EXPECT_EQ(classify_curl_error(CURLE_URL_MALFORMAT), FetchError::other);
}

}  // namespace
}  // namespace redline::testing
