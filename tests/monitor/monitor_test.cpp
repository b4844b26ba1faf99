#include "monitor/monitor.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "monitor/monitor_fixture.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

std::string if_none_match(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers)
    if (name == "If-None-Match") return value;
  return "";
}

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

  // One check_all() round, then the clock on by `step`: the If-None-Match of the last request.
  std::string check_round(Monitor& monitor, ScriptedHttpClient& http, Duration step) {
    monitor.check_all([] {});
    io.run();
    io.restart();
    clock.advance(step);
    return if_none_match(http.requests().back());
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

// Checks in flight never exceed [http] max_connections, in check_all() and when many are due at once,
// so response bodies cannot pile up when extraction is slower than the network; the rest start as
// earlier checks finish, without waiting for another tick.
TEST_F(MonitorTest, ChecksInFlightAreCappedAndTheRestFollow) {
  ScriptedHttpClient http(io);
  Monitor* watched = nullptr;
  size_t most = 0;
  http.set_responder([&](const HttpRequest& req) {
    most = std::max(most, watched->in_flight());
    return ScriptedHttpClient::reply(200, article_html("Story " + req.url, k_paragraphs),
                                     {{"content-type", "text/html"}});
  });
  http.set_delay(2ms);
  Monitor monitor(make_config("[http]\nmax_connections = 3\n" + config_text(20, "1h")), *store_, http, clock, 3);
  watched = &monitor;
  ASSERT_TRUE(monitor.load());
  bool done = false;
  monitor.check_all([&] { done = true; });
  EXPECT_EQ(monitor.in_flight(), 3u);
  io.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(monitor.stats().first_versions, 20u);
  EXPECT_EQ(most, 3u);

  // Two hours later all 20 are due at once: one tick starts 3, and the others follow.
  most = 0;
  clock.advance(2h);
  io.restart();
  monitor.tick();
  EXPECT_EQ(monitor.in_flight(), 3u);
  io.run();
  EXPECT_EQ(http.request_count(), 40u);
  EXPECT_EQ(monitor.stats().checks, 40u);
  EXPECT_EQ(most, 3u);
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

// Runs the monitor for `seconds` of fake time, one tick per second; returns the requests per second.
std::vector<size_t> run_seconds(Monitor& monitor, ScriptedHttpClient& http, FakeClock& clock,
                                boost::asio::io_context& io, int seconds) {
  std::vector<size_t> per_second;
  for (int s = 0; s < seconds; ++s) {
    const size_t before = http.request_count();
    monitor.tick();
    io.run();
    io.restart();
    per_second.push_back(http.request_count() - before);
    clock.advance(1s);
  }
  return per_second;
}

TEST_F(MonitorTest, ConditionalGetsSendTheStoredValidatorsAndWhatAnotherProcessStored) {
  ScriptedHttpClient http(io);
  std::string etag = "\"v1\"";
  http.set_responder([&](const HttpRequest& req) {
    if (if_none_match(req) == etag) return ScriptedHttpClient::reply(304, "");
    return ScriptedHttpClient::reply(200, article_html("Harbour", k_paragraphs),
                                     {{"content-type", "text/html"}, {"etag", etag}});
  });
  Monitor monitor(make_config(config_text(1, "10m")), *store_, http, clock, 9);
  ASSERT_TRUE(monitor.load());
  const auto round = [&] { return check_round(monitor, http, 10min); };
  EXPECT_EQ(round(), "");  // no version yet: nothing to compare with
  EXPECT_EQ(monitor.stats().first_versions, 1u);
  EXPECT_EQ(round(), "\"v1\"");  // the validators of the stored version
  EXPECT_EQ(round(), "\"v1\"");  // still, after a 304
  EXPECT_EQ(monitor.stats().not_modified, 2u);
  const auto article = store_->find_article("https://news.example/a/0");
  ASSERT_TRUE(article && *article);
  EXPECT_EQ((*article)->last_checked, clock.now() - 10min);  // written when check_all finished

  // `redline check` in another process fetched the page meanwhile and stored new validators.
  auto other = SqliteStore::open(m_dir / "redline.db", OpenMode::read_write);
  ASSERT_TRUE(other);
  etag = "\"v2\"";
  CheckRecord check;
  check.article_id = (*article)->id;
  check.checked_at = clock.now();
  check.next_check = clock.now() + 10min;
  check.url = "https://news.example/a/0";
  check.etag = etag;
  check.body_hash = (*article)->body_hash;
  ASSERT_TRUE((*other)->record_check(check));
  EXPECT_EQ(round(), "\"v2\"");
  EXPECT_EQ(monitor.stats().not_modified, 3u);
  EXPECT_EQ(monitor.stats().first_versions + monitor.stats().changes + monitor.stats().failures, 1u);
}

// A server that ignores validators, or changes its ETag without changing the page (a deploy, a
// cache), answers 200 with the bytes of the last fetch: unchanged, the new validators recorded and
// sent with the next request.
TEST_F(MonitorTest, TheSameBytesWithNewValidatorsAreUnchangedAndTheNewValidatorsAreSentNext) {
  ScriptedHttpClient http(io);
  int served = 0;
  http.set_responder([&](const HttpRequest&) {
    ++served;
    return ScriptedHttpClient::reply(200, article_html("Harbour", k_paragraphs),
                                     {{"content-type", "text/html"}, {"etag", "\"v" + std::to_string(served) + "\""}});
  });
  Monitor monitor(make_config(config_text(1, "10m")), *store_, http, clock, 9);
  ASSERT_TRUE(monitor.load());
  const auto round = [&] { return check_round(monitor, http, 10min); };
  EXPECT_EQ(round(), "");
  EXPECT_EQ(round(), "\"v1\"");
  EXPECT_EQ(round(), "\"v2\"");  // the ETag of the same bytes fetched again
  EXPECT_EQ(round(), "\"v3\"");
  EXPECT_EQ(monitor.stats().first_versions, 1u);
  EXPECT_EQ(monitor.stats().not_modified, 3u);
  EXPECT_EQ(monitor.stats().changes, 0u);
  ASSERT_TRUE(monitor.stop());
  const auto article = store_->find_article("https://news.example/a/0");
  ASSERT_TRUE(article && *article);
  EXPECT_EQ((*article)->etag, "\"v4\"") << "the validators of the last answer are stored";
  EXPECT_EQ((*article)->version_count, 1);

  // The page changes: a new version, whatever the validators say.
  http.set_responder([&](const HttpRequest&) {
    return ScriptedHttpClient::reply(200, article_html("Harbour reopens", k_paragraphs),
                                     {{"content-type", "text/html"}, {"etag", "\"v4\""}});
  });
  round();
  EXPECT_EQ(monitor.stats().changes, 1u);
}

TEST_F(MonitorTest, BookkeepingOfUnchangedChecksWaitsAtMostItsWindowAndSurvivesARestart) {
  ScriptedHttpClient http(io);
  http.set_responder([](const HttpRequest&) { return ScriptedHttpClient::reply(304, ""); });
  const auto config = make_config("[schedule]\njitter = 0\ncatch_up = \"1s\"\n" + config_text(1, "1m"));
  const auto stored_check = [&] { return (*store_->find_article("https://news.example/a/0"))->last_checked; };
  Timestamp first_check;
  {
    Monitor monitor(config, *store_, http, clock, 4);
    ASSERT_TRUE(monitor.load());
    for (int s = 0; s < 2 && http.request_count() == 0; ++s) {
      monitor.tick();
      io.run();
      io.restart();
      if (http.request_count() == 0) clock.advance(1s);
    }
    ASSERT_EQ(http.request_count(), 1u);
    first_check = clock.now();
    clock.advance(Monitor::k_bookkeeping_window - 1s);
    monitor.tick();
    EXPECT_FALSE(stored_check());  // a 304 changed nothing but the times: it waits for more
    clock.advance(1s);
    monitor.tick();
    EXPECT_EQ(stored_check(), first_check);
    clock.advance(1min - Monitor::k_bookkeeping_window);
    monitor.tick();
    io.run();
    io.restart();
    ASSERT_EQ(http.request_count(), 2u);
    EXPECT_EQ(stored_check(), first_check);
  }  // the daemon stops: what waited is written
  EXPECT_EQ(stored_check(), first_check + 1min);
  EXPECT_EQ((*store_->find_article("https://news.example/a/0"))->next_check, first_check + 2min);
  Monitor second(config, *store_, http, clock, 5);
  ASSERT_TRUE(second.load());
  EXPECT_EQ(second.next_due(), first_check + 2min);  // resumed, not overdue
}

TEST_F(MonitorTest, RestartWithFiveThousandOverdueWatchesSpreadsThemEvenly) {
  ScriptedHttpClient http(io);
  http.set_responder([](const HttpRequest&) { return ScriptedHttpClient::reply(304, ""); });
  // 5 000 run-time watches whose stored next checks passed while the daemon was down.
  std::vector<CheckRecord> overdue;
  for (int i = 0; i < 5000; ++i) {
    const std::string url = "https://news.example/a/" + std::to_string(i);
    auto article = store_->ensure_article(url, url, clock.now());
    ASSERT_TRUE(article);
    ASSERT_TRUE(store_->add_watch({url, article->id, std::chrono::minutes(30), "cli", clock.now(), {}, {}}));
    overdue.push_back({article->id, clock.now(), clock.now() - 1h, url, "", "", "", "", false});
  }
  ASSERT_TRUE(store_->record_checks(overdue));
  clock.advance(2h);
  Monitor monitor(make_config("[schedule]\ncatch_up = \"50s\"\n"), *store_, http, clock, 11);
  ASSERT_TRUE(monitor.load());
  EXPECT_EQ(monitor.watch_count(), 5000u);
  const auto per_second = run_seconds(monitor, http, clock, io, 52);
  EXPECT_EQ(http.request_count(), 5000u);
  for (size_t s = 0; s < per_second.size(); ++s) EXPECT_LE(per_second[s], 5000u / 50 + 1) << "second " << s;
}

TEST_F(MonitorTest, NewsScheduleFollowsTiersAndReturnsToFastAfterAChange) {
  ScriptedHttpClient http(io);
  std::string headline = "Storm hits the coast";
  http.set_responder([&](const HttpRequest&) {
    return ScriptedHttpClient::reply(200, article_html(headline, k_paragraphs), {{"content-type", "text/html"}});
  });
  Monitor monitor(make_config("[schedule]\njitter = 0\ncatch_up = \"1s\"\n"
                              "news = [{ until = \"1h\", every = \"10m\" }, { until = \"3h\", every = \"30m\" }]\n"
                              "[[watch]]\nurl = \"https://news.example/a/1\"\nschedule = \"news\"\n"),
                  *store_, http, clock, 13);
  ASSERT_TRUE(monitor.load());
  const Timestamp start = clock.now();
  std::vector<long long> minutes;  // when each check happened, in minutes since the start
  for (int s = 0; s < 6 * 3600; s += 60) {
    const size_t before = http.request_count();
    if (s == 100 * 60) headline = "Storm hits the coast, thousands without power";  // edited after 100 min
    monitor.tick();
    io.run();
    io.restart();
    if (http.request_count() > before)
      minutes.push_back(std::chrono::duration_cast<std::chrono::minutes>(clock.now() - start).count());
    clock.advance(1min);
  }
  // Every 10 min for the first hour, then every 30 min; the edit seen at 120 min brings back 10-minute
  // checks for an hour; past 3 h without a change the article is no longer checked.
  const std::vector<long long> expected = {0,   10,  20,  30,  40,  50,  60,  90,  120, 130,
                                           140, 150, 160, 170, 180, 210, 240, 270, 300};
  EXPECT_EQ(minutes, expected);
  EXPECT_EQ(monitor.stats().changes, 1u);
}

TEST_F(MonitorTest, ExtractionOnAThreadPoolStoresTheSameAsInline) {
  ScriptedHttpClient http(io);
  int edition = 0;
  http.set_responder([&](const HttpRequest& req) {
    auto paragraphs = k_paragraphs;
    if (edition > 0 && req.url.back() % 2 == 0) paragraphs.push_back("Update: the ferry timetable was published.");
    return ScriptedHttpClient::reply(200, article_html("Story " + req.url, paragraphs),
                                     {{"content-type", "text/html"}});
  });
  boost::asio::thread_pool pool(2);
  Monitor monitor(make_config(config_text(20, "1h")), *store_, http, clock, 3);
  monitor.use_cpu_pool(pool.get_executor(), io.get_executor());
  ASSERT_TRUE(monitor.load());
  for (; edition < 2; ++edition) {
    auto guard = boost::asio::make_work_guard(io);  // the pool's results come back to io later
    monitor.check_all([&] { guard.reset(); });
    io.run();
    io.restart();
    clock.advance(1h);
  }
  EXPECT_EQ(monitor.stats().first_versions, 20u);
  EXPECT_EQ(monitor.stats().changes, 10u);  // the even-numbered articles got a paragraph
  EXPECT_EQ(monitor.in_flight(), 0u);
  size_t versions = 0;
  for (const auto& a : *store_->list_articles()) versions += static_cast<size_t>(a.version_count);
  EXPECT_EQ(versions, 30u);
}

TEST_F(MonitorTest, AWatchKeepsItsArticleAfterTheCanonicalUrlReKeyedIt) {
  ScriptedHttpClient http(io);
  http.set_responder([](const HttpRequest&) {
    std::string html = article_html("Harbour reopens", k_paragraphs);
    html.replace(html.find("<title>"), 0, "<link rel=\"canonical\" href=\"https://news.example/harbour\">");
    return ScriptedHttpClient::html(html);
  });
  const auto config = make_config(config_text(1, "1h"));
  for (int restart = 0; restart < 2; ++restart) {
    Monitor monitor(config, *store_, http, clock, 5);
    ASSERT_TRUE(monitor.load());
    monitor.check_all([] {});
    io.run();
    io.restart();
    clock.advance(2h);
  }
  const auto articles = store_->list_articles();
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_EQ(articles->front().key, "https://news.example/harbour");
  EXPECT_EQ(articles->front().version_count, 1);
}

TEST_F(MonitorTest, WatchesAddedByAnotherProcessAreCheckedAndRemovedOnesStop) {
  ScriptedHttpClient http(io);
  serve_all(http);
  Monitor monitor(make_config("[schedule]\ncatch_up = \"10s\"\n"), *store_, http, clock, 17);
  ASSERT_TRUE(monitor.load());
  EXPECT_EQ(monitor.watch_count(), 0u);
  {
    // `redline add` in another process: its own connection to the same file.
    auto cli = SqliteStore::open(store_->path(), OpenMode::read_write);
    ASSERT_TRUE(cli);
    auto article = (*cli)->ensure_article("https://news.example/new", "https://news.example/new", clock.now());
    ASSERT_TRUE(article);
    ASSERT_TRUE((*cli)->add_watch(
        {"https://news.example/new", article->id, std::chrono::minutes(5), "cli", clock.now(), {}, {}}));
  }
  run_seconds(monitor, http, clock, io, 12);
  EXPECT_EQ(monitor.watch_count(), 1u);
  EXPECT_EQ(http.request_count(), 1u);
  ASSERT_TRUE(store_->remove_watch("https://news.example/new"));
  clock.advance(1h);
  run_seconds(monitor, http, clock, io, 2);
  EXPECT_EQ(monitor.watch_count(), 0u);
  EXPECT_EQ(http.request_count(), 1u);
}

}  // namespace
}  // namespace redline::testing
