#include "monitor/monitor.hpp"

#include <boost/asio/io_context.hpp>

#include "monitor/monitor_fixture.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class MonitorTest : public MonitorFixture {
 protected:
  std::string config_text(int watches, const std::string& every) {
    std::string text;
    for (int i = 0; i < watches; ++i)
      text += "[[watch]]\nurl = \"https://news.example/a/" + std::to_string(i) + "\"\nevery = \"" + every + "\"\n";
    return text;
  }

  void serve_all(ScriptedHttpClient& http) {
    http.set_responder([](const HttpRequest& req) {
      return ScriptedHttpClient::reply(200, article_html("Story " + req.url, k_paragraphs),
                                       {{"content-type", "text/html"}});
    });
  }

  boost::asio::io_context io;
};

TEST_F(MonitorTest, NewWatchesAreSpreadOverAMinuteNotFiredAtOnce) {
  ScriptedHttpClient http(io);
  serve_all(http);
  Monitor monitor(make_config(config_text(60, "15m")), *store_, http, clock, 42);
  ASSERT_TRUE(monitor.load());
  monitor.tick();
  io.run();
  io.restart();
  const size_t at_start = http.request_count();
  EXPECT_LT(at_start, 10u);  // 60 watches over 60 s: a handful are due in the first millisecond at most
  for (int s = 0; s < 60; ++s) {
    clock.advance(1s);
    monitor.tick();
    io.run();
    io.restart();
  }
  EXPECT_EQ(http.request_count(), 60u);
  EXPECT_EQ(monitor.stats().first_versions, 60u);
}

TEST_F(MonitorTest, ChecksRepeatEveryIntervalWithJitter) {
  ScriptedHttpClient http(io);
  serve_all(http);
  Monitor monitor(make_config(config_text(1, "10m")), *store_, http, clock, 7);
  ASSERT_TRUE(monitor.load());
  clock.advance(1min);
  monitor.tick();
  io.run();
  io.restart();
  ASSERT_EQ(http.request_count(), 1u);
  const auto next = monitor.next_due();
  ASSERT_TRUE(next);
  EXPECT_GE(*next, clock.now() + 9min);
  EXPECT_LE(*next, clock.now() + 11min);
  clock.advance(8min + 59s);
  monitor.tick();
  io.run();
  io.restart();
  EXPECT_EQ(http.request_count(), 1u);  // not due yet
  clock.advance(2min + 1s);
  monitor.tick();
  io.run();
  io.restart();
  EXPECT_EQ(http.request_count(), 2u);
}

TEST_F(MonitorTest, RestartResumesStoredScheduleWithoutABurst) {
  ScriptedHttpClient http(io);
  serve_all(http);
  const auto config = make_config(config_text(20, "1h"));
  {
    Monitor first(config, *store_, http, clock, 1);
    ASSERT_TRUE(first.load());
    bool done = false;
    first.check_all([&] { done = true; });
    io.run();
    io.restart();
    ASSERT_TRUE(done);
    ASSERT_EQ(http.request_count(), 20u);
  }
  // Ten minutes later the daemon restarts: nothing is due until the stored next checks (≥ 54 min).
  clock.advance(10min);
  Monitor second(config, *store_, http, clock, 2);
  ASSERT_TRUE(second.load());
  second.tick();
  io.run();
  io.restart();
  EXPECT_EQ(http.request_count(), 20u);
  EXPECT_GE(*second.next_due(), clock.now() + 40min);
}

TEST_F(MonitorTest, CheckAllRunsEveryWatchAndReportsWhenDone) {
  ScriptedHttpClient http(io);
  http.set_responder([](const HttpRequest& req) {
    if (req.url == "https://news.example/a/1") return ScriptedHttpClient::failure(FetchError::connect, "refused");
    return ScriptedHttpClient::reply(200, article_html("Story " + req.url, k_paragraphs),
                                     {{"content-type", "text/html"}});
  });
  Monitor monitor(make_config(config_text(3, "1h")), *store_, http, clock, 3);
  ASSERT_TRUE(monitor.load());
  bool done = false;
  monitor.check_all([&] { done = true; });
  EXPECT_FALSE(done);  // answers arrive later, on the io_context
  io.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(monitor.stats().checks, 3u);
  EXPECT_EQ(monitor.stats().failures, 1u);
  EXPECT_EQ(monitor.stats().first_versions, 2u);  // one failing watch does not disturb the others
  EXPECT_EQ(monitor.in_flight(), 0u);
}

TEST_F(MonitorTest, ReloadKeepsScheduleOfSurvivingWatches) {
  ScriptedHttpClient http(io);
  serve_all(http);
  Monitor monitor(make_config(config_text(2, "1h")), *store_, http, clock, 5);
  ASSERT_TRUE(monitor.load());
  monitor.check_all([] {});
  io.run();
  io.restart();
  const auto before = monitor.next_due();
  ASSERT_TRUE(monitor.reconfigure(make_config(config_text(3, "1h"))));
  EXPECT_EQ(monitor.watch_count(), 3u);
  // The new watch is due within a minute; the old ones keep their times.
  ASSERT_TRUE(monitor.next_due());
  EXPECT_LE(*monitor.next_due(), clock.now() + 1min);
  EXPECT_GT(*before, clock.now() + 50min);
}

}  // namespace
}  // namespace redline::testing
