// The test-support pieces other modules rely on: ScriptedHttpClient, LocalHttpServer routing, Process.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "http/curl_client.hpp"
#include "http_fixture.hpp"
#include "support/process.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

// ---- ScriptedHttpClient ----

class ScriptedTest : public HttpFixture {
 protected:
  void SetUp() override {}  // no server needed
  ScriptedHttpClient client{io};
};

TEST_F(ScriptedTest, QueueAnswersInOrderAndRecordsRequests) {
  client.push(ScriptedHttpClient::html("one"));
  client.push(ScriptedHttpClient::reply(503, "busy", {{"retry-after", "7"}}));
  std::vector<HttpResponse> got;
  client.fetch(get("http://a/1"), [&](HttpResponse r) { got.push_back(std::move(r)); });
  client.fetch(get("http://a/2"), [&](HttpResponse r) { got.push_back(std::move(r)); });
  client.fetch(get("http://a/3"), [&](HttpResponse r) { got.push_back(std::move(r)); });
  EXPECT_TRUE(got.empty());  // never inside fetch()
  EXPECT_TRUE(run_until([&] { return got.size() == 3; }));
  EXPECT_EQ(got[0].body, "one");
  EXPECT_EQ(got[0].effective_url, "http://a/1");
  EXPECT_EQ(got[1].status, 503);
  EXPECT_EQ(got[1].header("retry-after"), "7");
  EXPECT_EQ(got[2].error, FetchError::other);  // queue exhausted
  EXPECT_NE(got[2].error_message.find("http://a/3"), std::string::npos);
  ASSERT_EQ(client.request_count(), 3u);
  EXPECT_EQ(client.requests()[1].url, "http://a/2");
  EXPECT_EQ(client.queued(), 0u);
}

TEST_F(ScriptedTest, UrlMapTakesPrecedenceOverQueue) {
  client.set("http://a/fixed", ScriptedHttpClient::html("fixed"));
  client.push(ScriptedHttpClient::failure(FetchError::timeout));
  std::vector<std::string> bodies;
  std::vector<FetchError> errors;
  auto record = [&](HttpResponse r) {
    bodies.push_back(r.body);
    errors.push_back(r.error);
  };
  client.fetch(get("http://a/fixed"), record);
  client.fetch(get("http://a/fixed"), record);
  client.fetch(get("http://a/other"), record);
  EXPECT_TRUE(run_until([&] { return bodies.size() == 3; }));
  EXPECT_EQ(bodies[0], "fixed");
  EXPECT_EQ(bodies[1], "fixed");
  EXPECT_EQ(errors[2], FetchError::timeout);
  EXPECT_EQ(client.count_for("http://a/fixed"), 2u);
}

TEST_F(ScriptedTest, PerUrlQueueServesVersionsThenFallsBackToMap) {
  client.push_for("http://a/story", ScriptedHttpClient::html("v1"));
  client.push_for("http://a/story", ScriptedHttpClient::html("v2"));
  client.set("http://a/story", ScriptedHttpClient::html("latest"));
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) client.fetch(get("http://a/story"), [&](HttpResponse r) { bodies.push_back(r.body); });
  EXPECT_TRUE(run_until([&] { return bodies.size() == 4; }));
  EXPECT_EQ(bodies, (std::vector<std::string>{"v1", "v2", "latest", "latest"}));
}

TEST_F(ScriptedTest, ResponderAndDelay) {
  client.set_responder([](const HttpRequest& r) { return ScriptedHttpClient::html(r.method + " " + r.body); });
  client.set_delay(100ms);
  std::string body;
  HttpRequest request = get("http://a/post");
  request.method = "POST";
  request.body = "payload";
  const auto start = std::chrono::steady_clock::now();
  client.fetch(request, [&](HttpResponse r) { body = r.body; });
  EXPECT_TRUE(run_until([&] { return !body.empty(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 90ms);
  EXPECT_EQ(body, "POST payload");
}

// ---- LocalHttpServer ----

class ServerTest : public HttpFixture {
 protected:
  static CurlClientOptions impolite() {  // these tests are about the server: no pause after its 500s
    CurlClientOptions options;
    options.politeness = OriginGateOptions::none();
    return options;
  }
  CurlClient client{io, impolite()};
};

TEST_F(ServerTest, RoutingPrefersExactThenLongestPrefixThenFallback) {
  server.route("/a/b", [](const ServerRequest&) { return ServerResponse::text(200, "exact"); });
  server.route_prefix("/a/", [](const ServerRequest&) { return ServerResponse::text(200, "short prefix"); });
  server.route_prefix("/a/b/", [](const ServerRequest&) { return ServerResponse::text(200, "long prefix"); });
  EXPECT_EQ(fetch(client, get(server.url("/a/b?q=1"))).body, "exact");
  EXPECT_EQ(fetch(client, get(server.url("/a/b/c"))).body, "long prefix");
  EXPECT_EQ(fetch(client, get(server.url("/a/x"))).body, "short prefix");
  EXPECT_EQ(fetch(client, get(server.url("/zzz"))).status, 404);
  server.set_fallback([](const ServerRequest& r) { return ServerResponse::text(418, "teapot " + r.path); });
  HttpResponse r = fetch(client, get(server.url("/zzz")));
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(r.body, "teapot /zzz");
  EXPECT_EQ(server.request_count("/zzz"), 2u);
  EXPECT_EQ(server.request_count(), 5u);
}

TEST_F(ServerTest, ThrowingHandlerAnswers500AndRouteCanChange) {
  server.route("/x", [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("kaputt"); });
  HttpResponse r = fetch(client, get(server.url("/x")));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("kaputt"), std::string::npos);
  server.route("/x", [](const ServerRequest&) { return ServerResponse::html("v2"); });
  EXPECT_EQ(fetch(client, get(server.url("/x"))).body, "v2");
}

TEST_F(ServerTest, WaitForRequestsAndResetCounts) {
  server.route("/a", [](const ServerRequest&) { return ServerResponse::html("a"); });
  EXPECT_FALSE(server.wait_for_requests(1, 20ms));
  EXPECT_EQ(fetch(client, get(server.url("/a"))).body, "a");
  EXPECT_TRUE(server.wait_for_requests(1, 20ms));
  server.reset_counts();
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_EQ(server.request_count("/a"), 0u);
  EXPECT_TRUE(server.requests().empty());
}

TEST(GzipTest, CompressesAndIsSmallForRepetitiveInput) {
  std::string text(100000, 'a');
  std::string gz = gzip_compress(text);
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), 1000u);
  ServerResponse bomb = ServerResponse::gzip_bomb(size_t{16} << 20);
  EXPECT_LT(bomb.body.size(), size_t{64} << 10);  // small on the wire; decoding is tested in curl_client_limits_test
}

// ---- Process ----

TEST(ProcessTest, CapturesOutputAndExitCode) {
  ProcessOptions options;
  options.args = {"-c", "echo out; echo err >&2; exit 3"};
  Process p("sh", options);
  ASSERT_TRUE(p.start().ok());
  auto status = p.wait(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->exited());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(p.stdout_text(), "out\n");
  EXPECT_EQ(p.stderr_text(), "err\n");
}

TEST(ProcessTest, EnvironmentAndWorkingDirectory) {
  auto dir = std::filesystem::temp_directory_path() / ("redline-process-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ProcessOptions options;
  options.args = {"-c", "echo \"$REDLINE_TEST_VAR\"; pwd; test -n \"$PATH\" && echo has-path"};
  options.env = {{"REDLINE_TEST_VAR", "hello world"}};
  options.working_dir = dir.string();
  auto result = Process::run("/bin/sh", options, 5s);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->code, 0);
  Process p("/bin/sh", options);
  ASSERT_TRUE(p.start().ok());
  ASSERT_TRUE(p.wait(5s).has_value());
  EXPECT_EQ(p.stdout_text(), "hello world\n" + std::filesystem::canonical(dir).string() + "\nhas-path\n");
  std::filesystem::remove_all(dir);
}

TEST(ProcessTest, OutputToFiles) {
  auto base = std::filesystem::temp_directory_path() / ("redline-process-out-" + std::to_string(::getpid()));
  ProcessOptions options;
  options.args = {"-c", "echo to-file; echo to-err >&2"};
  options.stdout_path = base.string() + ".out";
  options.stderr_path = base.string() + ".err";
  ASSERT_TRUE(Process::run("sh", options, 5s).ok());
  std::ifstream out(options.stdout_path), err(options.stderr_path);
  std::string line;
  std::getline(out, line);
  EXPECT_EQ(line, "to-file");
  std::getline(err, line);
  EXPECT_EQ(line, "to-err");
  std::filesystem::remove(options.stdout_path);
  std::filesystem::remove(options.stderr_path);
}

TEST(ProcessTest, SignalsAndTimeouts) {
  ProcessOptions options;
  options.args = {"-c", "trap 'echo got-hup' HUP; echo ready; while true; do sleep 0.05; done"};
  Process p("sh", options);
  ASSERT_TRUE(p.start().ok());
  ASSERT_TRUE(p.wait_for_output("ready", 5s));
  EXPECT_FALSE(p.wait(100ms).has_value());  // still running
  EXPECT_TRUE(p.running());
  ASSERT_TRUE(p.hangup().ok());
  EXPECT_TRUE(p.wait_for_output("got-hup", 5s));
  ASSERT_TRUE(p.terminate().ok());
  auto status = p.wait(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal, SIGTERM);
  EXPECT_FALSE(status->exited());
  EXPECT_FALSE(p.running());
  EXPECT_FALSE(p.kill().ok());  // already gone
}

TEST(ProcessTest, RunKillsOnTimeout) {
  ProcessOptions options;
  options.args = {"30"};
  const auto start = std::chrono::steady_clock::now();
  auto result = Process::run("sleep", options, 200ms);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(ProcessTest, DestructorTakesDownGrandchildren) {
  ProcessOptions options;
  options.args = {"-c", "sleep 30 & echo started; wait"};
  const auto start = std::chrono::steady_clock::now();
  {
    Process p("sh", options);
    ASSERT_TRUE(p.start().ok());
    ASSERT_TRUE(p.wait_for_output("started", 5s));
  }  // the background sleep holds the output pipe; the destructor must not wait 30 s for it
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(ProcessTest, MissingProgramExits127) {
  Process p("/nonexistent/redline-no-such-program");
  ASSERT_TRUE(p.start().ok());
  auto status = p.wait(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 127);
  EXPECT_NE(p.stderr_text().find("exec failed"), std::string::npos);
}

}  // namespace
}  // namespace redline::testing
