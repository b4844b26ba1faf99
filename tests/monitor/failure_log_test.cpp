// A failing watch is logged once per state change (a new failure class, or recovery), not on every check.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include "monitor/monitor.hpp"
#include "monitor/monitor_fixture.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class FailureLogTest : public MonitorFixture {
 protected:
  void SetUp() override {
    MonitorFixture::SetUp();
    m_previous = spdlog::default_logger();
    m_sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
    m_sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("failure-log-test", m_sink));
  }
  void TearDown() override {
    spdlog::set_default_logger(m_previous);
    MonitorFixture::TearDown();
  }

  // One round: every watch checked once with the next queued response.
  void round(Monitor& monitor) {
    clock.advance(1h);
    monitor.check_all([] {});
    io.run();
    io.restart();
  }

  std::vector<std::string> lines() const { return m_sink->last_formatted(); }

  boost::asio::io_context io;
  std::shared_ptr<spdlog::logger> m_previous;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> m_sink;
};

TEST_F(FailureLogTest, OnePerClassChangeAndOneOnRecovery) {
  ScriptedHttpClient http(io);
  const std::string url = "https://news.example/a/1";
  Monitor monitor(make_config("[[watch]]\nurl = \"" + url + "\"\n"), *store_, http, clock, 1);
  ASSERT_TRUE(monitor.load());
  HttpResponse busy = ScriptedHttpClient::reply(503, "busy");
  http.push(ScriptedHttpClient::failure(FetchError::timeout, "timeout: Operation timed out after 30001 milliseconds"));
  http.push(ScriptedHttpClient::failure(FetchError::timeout, "timeout: Operation timed out after 30004 milliseconds"));
  http.push(ScriptedHttpClient::failure(FetchError::deferred, "deferred: blocked until 2026-01-01T00:00:00.000Z"));
  http.push(ScriptedHttpClient::failure(FetchError::deferred, "deferred: blocked until 2026-01-01T00:10:00.000Z"));
  http.push(busy);
  http.push(busy);
  http.push(ScriptedHttpClient::html(article_html("Pier closes", k_paragraphs)));
  http.push(ScriptedHttpClient::html(article_html("Pier closes", k_paragraphs)));
  http.push(ScriptedHttpClient::failure(FetchError::connect, "connect: refused"));
  for (int i = 0; i < 9; ++i) round(monitor);
  EXPECT_EQ(monitor.stats().checks, 9u);
  EXPECT_EQ(monitor.stats().failures, 7u);

  std::vector<std::string> about_watch;
  for (const auto& line : lines())
    if (line.find(url) != std::string::npos && line.find("first version") == std::string::npos)
      about_watch.push_back(line);
  ASSERT_EQ(about_watch.size(), 5u) << ::testing::PrintToString(about_watch);
  EXPECT_EQ(about_watch[0].rfind("warning " + url + ": check failed: timeout: ", 0), 0u) << about_watch[0];
  EXPECT_EQ(about_watch[1].rfind("warning " + url + ": check failed: deferred: ", 0), 0u) << about_watch[1];
  EXPECT_EQ(about_watch[2], "warning " + url + ": check failed: http 503\n");
  EXPECT_EQ(about_watch[3].rfind("info " + url + ": recovered after 6 failed checks (last: http 503)", 0), 0u)
      << about_watch[3];
  EXPECT_EQ(about_watch[4], "warning " + url + ": check failed: connect: refused\n");
}

}  // namespace
}  // namespace redline::testing
