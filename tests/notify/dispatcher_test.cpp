#include "notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "fake_store.hpp"
#include "notify/event.hpp"
#include "support/fake_clock.hpp"
#include "support/scripted_http_client.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeStore;
using testing::ScriptedHttpClient;

constexpr const char* k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* k_url = "http://127.0.0.1:9/hook";

std::string header_of(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("redline-notify-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  void make(DispatcherOptions options = {}, std::vector<std::string> secrets = {k_secret}) {
    options.seed = 42;
    options.logger = std::make_shared<spdlog::logger>("notify-test", log_sink);
    options.logger->set_level(spdlog::level::info);
    std::vector<NotifierTarget> targets = {
        {"hook", WebhookTarget{k_url, std::move(secrets), 10s}},
        {"difflog", DiffLogTarget{m_dir / "diff.log"}},
    };
    auto d = Dispatcher::create(store, http, clock, io.get_executor(), std::move(targets), options);
    ASSERT_TRUE(d.ok()) << d.error().message;
    dispatcher = std::move(*d);
  }

  // A rendered article.changed payload for `article`.
  std::string payload(const std::string& event_id, int64_t article = 1) {
    Event e;
    e.id = event_id;
    e.occurred_at = clock.now();
    e.article_key = "site:" + std::to_string(article);
    e.url = "https://news.example/" + std::to_string(article);
    e.old_version = EventVersion{1, clock.now() - 1h, "Old headline"};
    e.new_version = EventVersion{2, clock.now(), "New headline"};
    e.classes = {"headline"};
    e.diff = "[-Old-]{+New+} headline\n";
    return render_event(e);
  }

  int64_t add(const std::string& event_id, int64_t article = 1, std::string notifier = "hook") {
    OutboxEntry e;
    e.event_id = event_id;
    e.article_id = article;
    e.notifier = std::move(notifier);
    e.payload = payload(event_id, article);
    e.created_at = clock.now();
    return store.add(std::move(e));
  }

  // One round, driven to completion; checks that `done` never runs inside run_once().
  void round() {
    bool finished = false;
    dispatcher->run_once([&] { finished = true; });
    EXPECT_FALSE(finished) << "done ran inside run_once()";
    io.run();
    io.restart();
    EXPECT_TRUE(finished);
  }

  boost::asio::io_context io;
  ScriptedHttpClient http{io};
  FakeClock clock;
  FakeStore store;
  std::unique_ptr<Dispatcher> dispatcher;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_sink =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
  std::filesystem::path m_dir;
};

TEST_F(DispatcherTest, TwoHundredIsDeliveredWithSignedPost) {
  make();
  const int64_t id = add("evt_one");
  http.push(ScriptedHttpClient::reply(204, ""));
  round();

  EXPECT_EQ(store.row(id).state, OutboxState::delivered);
  EXPECT_EQ(dispatcher->stats().delivered, 1u);
  ASSERT_EQ(http.request_count(), 1u);
  const HttpRequest r = http.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, k_url);
  EXPECT_EQ(r.body, store.row(id).payload);
  EXPECT_EQ(r.timeout, 10s);
  EXPECT_EQ(r.max_redirects, 0);
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(header_of(r, "webhook-id"), "evt_one");
  EXPECT_EQ(header_of(r, "webhook-timestamp"),
            std::to_string(std::chrono::floor<std::chrono::seconds>(clock.now()).time_since_epoch().count()));
  auto verifier = WebhookSigner::create({k_secret});
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->verify(r.headers, r.body, clock.now()).ok());
}

TEST_F(DispatcherTest, EmptyOutboxStillCompletesAsynchronously) {
  make();
  round();
  EXPECT_EQ(http.request_count(), 0u);
}

TEST_F(DispatcherTest, StoreReadFailureStillCompletes) {
  make();
  store.fail_reads = true;
  add("evt_x");
  round();
  EXPECT_EQ(http.request_count(), 0u);
}

TEST_F(DispatcherTest, ServiceUnavailableIsRetriedWithGrowingBackoff) {
  make();
  const int64_t id = add("evt_retry");
  http.set(k_url, ScriptedHttpClient::reply(503, "busy"));
  Duration previous{0};
  for (int attempt = 1; attempt <= 4; ++attempt) {
    const Timestamp sent_at = clock.now();
    round();
    const OutboxEntry& row = store.row(id);
    ASSERT_EQ(row.state, OutboxState::pending);
    EXPECT_EQ(row.attempts, attempt);
    EXPECT_NE(row.last_error.find("HTTP 503: busy"), std::string::npos) << row.last_error;
    const Duration delay = row.next_attempt - sent_at;
    const Duration nominal = 30s * (1 << (attempt - 1));
    EXPECT_GE(delay, nominal);
    EXPECT_LE(delay, nominal + nominal / 4);
    EXPECT_GT(delay, previous);
    previous = delay;

    // Not due yet: nothing is sent.
    clock.set(row.next_attempt - 1s);
    round();
    EXPECT_EQ(http.request_count(), static_cast<size_t>(attempt));
    clock.set(row.next_attempt);
  }
  EXPECT_EQ(dispatcher->stats().retried, 4u);
}

TEST_F(DispatcherTest, BackoffIsCapped) {
  DispatcherOptions o;
  o.backoff = BackoffPolicy{10s, 60s, 0.0};
  make(o);
  const int64_t id = add("evt_cap");
  http.set(k_url, ScriptedHttpClient::reply(500, ""));
  for (int attempt = 1; attempt <= 6; ++attempt) {
    const Timestamp sent_at = clock.now();
    round();
    const Duration expected = std::min<Duration>(10s * (1 << (attempt - 1)), 60s);
    EXPECT_EQ(store.row(id).next_attempt - sent_at, expected) << attempt;
    clock.set(store.row(id).next_attempt);
  }
}

TEST_F(DispatcherTest, RetryAfterSecondsIsHonoured) {
  make();
  const int64_t id = add("evt_ra");
  http.push(ScriptedHttpClient::reply(429, "", {{"retry-after", "120"}}));
  const Timestamp t0 = clock.now();
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::pending);
  EXPECT_EQ(store.row(id).next_attempt, t0 + 120s);
}

TEST_F(DispatcherTest, RetryAfterHttpDateIsHonoured) {
  make();
  clock.set(from_epoch_ms(784111777000));  // Sun, 06 Nov 1994 08:49:37 GMT
  const int64_t id = add("evt_ra_date");
  http.push(ScriptedHttpClient::reply(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:59:37 GMT"}}));
  round();
  EXPECT_EQ(store.row(id).next_attempt, clock.now() + 10min);
}

TEST_F(DispatcherTest, RetryAfterBeyondMaxAgeIsDead) {
  make();
  const int64_t id = add("evt_ra_far");
  http.push(ScriptedHttpClient::reply(503, "", {{"retry-after", std::to_string(2 * 24 * 3600)}}));
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::dead);
  EXPECT_NE(store.row(id).last_error.find("Retry-After"), std::string::npos);
}

TEST_F(DispatcherTest, NotFoundIsDeadWithReason) {
  make();
  const int64_t id = add("evt_404");
  http.push(ScriptedHttpClient::reply(404, "no such hook\n"));
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::dead);
  EXPECT_EQ(store.row(id).attempts, 1);
  EXPECT_EQ(store.row(id).last_error, "HTTP 404: no such hook");
  EXPECT_EQ(dispatcher->stats().dead, 1u);
}

TEST_F(DispatcherTest, RedirectIsDeadAndNamesTheNewLocation) {
  make();
  const int64_t id = add("evt_301");
  http.push(ScriptedHttpClient::reply(301, "", {{"location", "https://hooks.example/new"}}));
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::dead);
  EXPECT_NE(store.row(id).last_error.find("https://hooks.example/new"), std::string::npos);
}

TEST_F(DispatcherTest, NetworkErrorIsRetried) {
  make();
  const int64_t id = add("evt_net");
  http.push(ScriptedHttpClient::failure(FetchError::connect, "Connection refused"));
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::pending);
  EXPECT_EQ(store.row(id).attempts, 1);
  EXPECT_NE(store.row(id).last_error.find("Connection refused"), std::string::npos);
}

TEST_F(DispatcherTest, MaxAgeTurnsRetriesIntoDead) {
  DispatcherOptions o;
  o.max_age = 2min;
  make(o);
  const int64_t id = add("evt_old");
  const Timestamp deadline = clock.now() + 2min;
  http.set(k_url, ScriptedHttpClient::reply(502, ""));
  int rounds = 0;
  while (store.row(id).state == OutboxState::pending && rounds < 20) {
    clock.set(store.row(id).next_attempt);
    round();
    ++rounds;
    EXPECT_LE(store.row(id).next_attempt, deadline);  // no retry is scheduled past max_age
  }
  ASSERT_EQ(store.row(id).state, OutboxState::dead);
  EXPECT_EQ(clock.now(), deadline);  // the last attempt ran exactly at the deadline
  EXPECT_NE(store.row(id).last_error.find("gave up"), std::string::npos) << store.row(id).last_error;
  // 30 s, 60 s (+jitter) then the deadline: 4 attempts.
  EXPECT_EQ(store.row(id).attempts, 4);
}

TEST_F(DispatcherTest, DeadEventDoesNotBlockTheNextOne) {
  make();
  const int64_t first = add("evt_first");
  clock.advance(1s);
  const int64_t second = add("evt_second");
  http.push(ScriptedHttpClient::reply(400, "bad"));
  http.push(ScriptedHttpClient::reply(200, "ok"));
  round();  // only the oldest row of the pair is due
  EXPECT_EQ(store.row(first).state, OutboxState::dead);
  EXPECT_EQ(store.row(second).state, OutboxState::pending);
  round();
  EXPECT_EQ(store.row(second).state, OutboxState::delivered);
  ASSERT_EQ(http.request_count(), 2u);
  EXPECT_EQ(header_of(http.requests()[0], "webhook-id"), "evt_first");
  EXPECT_EQ(header_of(http.requests()[1], "webhook-id"), "evt_second");
}

TEST_F(DispatcherTest, RetriesResignWithFreshTimestampButKeepTheId) {
  make();
  const int64_t id = add("evt_stable");
  http.push(ScriptedHttpClient::reply(503, ""));
  http.push(ScriptedHttpClient::reply(200, ""));
  const Timestamp first_time = clock.now();
  round();
  clock.set(store.row(id).next_attempt);
  const Timestamp second_time = clock.now();
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::delivered);
  ASSERT_EQ(http.request_count(), 2u);
  const auto a = http.requests()[0];
  const auto b = http.requests()[1];
  EXPECT_EQ(header_of(a, "webhook-id"), "evt_stable");
  EXPECT_EQ(header_of(b, "webhook-id"), "evt_stable");
  EXPECT_NE(header_of(a, "webhook-timestamp"), header_of(b, "webhook-timestamp"));
  EXPECT_NE(header_of(a, "webhook-signature"), header_of(b, "webhook-signature"));
  EXPECT_EQ(a.body, b.body);
  auto verifier = WebhookSigner::create({k_secret});
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->verify(a.headers, a.body, first_time).ok());
  EXPECT_TRUE(verifier->verify(b.headers, b.body, second_time).ok());
  // A replay of the first attempt is refused once the tolerance has passed.
  EXPECT_FALSE(verifier->verify(a.headers, a.body, second_time + 5min).ok());
}

TEST_F(DispatcherTest, RotatedSecretsSendTwoSignatures) {
  const std::string next_secret = generate_webhook_secret();
  make({}, {next_secret, k_secret});
  add("evt_rot");
  http.push(ScriptedHttpClient::reply(200, ""));
  round();
  ASSERT_EQ(http.request_count(), 1u);
  const auto r = http.requests()[0];
  const std::string sig = header_of(r, "webhook-signature");
  EXPECT_EQ(std::count(sig.begin(), sig.end(), ' '), 1);
  for (const auto& s : {next_secret, std::string(k_secret)}) {
    auto v = WebhookSigner::create({s});
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->verify(r.headers, r.body, clock.now()).ok());
  }
}

TEST_F(DispatcherTest, UnknownNotifierIsDeadWithoutARequest) {
  make();
  const int64_t id = add("evt_unknown", 1, "slack");
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::dead);
  EXPECT_NE(store.row(id).last_error.find("unknown notifier \"slack\""), std::string::npos);
  EXPECT_EQ(http.request_count(), 0u);
}

TEST_F(DispatcherTest, DiffLogTargetAppendsTheEntry) {
  make();
  const int64_t id = add("evt_log", 7, "difflog");
  round();
  EXPECT_EQ(store.row(id).state, OutboxState::delivered);
  std::ifstream in(m_dir / "diff.log");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("article.changed [headline] evt_log\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("url: https://news.example/7\n"), std::string::npos);
  EXPECT_EQ(http.request_count(), 0u);
}

TEST_F(DispatcherTest, DiffLogWriteFailureIsRetriedAndBadPayloadIsDead) {
  make();
  std::filesystem::create_directories(m_dir / "diff.log");  // a directory where the file should be
  const int64_t unwritable = add("evt_io", 1, "difflog");
  OutboxEntry junk;
  junk.event_id = "evt_junk";
  junk.article_id = 2;
  junk.notifier = "difflog";
  junk.payload = "not json";
  junk.created_at = clock.now();
  const int64_t bad = store.add(junk);
  round();
  EXPECT_EQ(store.row(unwritable).state, OutboxState::pending);
  EXPECT_EQ(store.row(unwritable).attempts, 1);
  EXPECT_EQ(store.row(bad).state, OutboxState::dead);
}

TEST_F(DispatcherTest, MaxInFlightLimitsConcurrentRequests) {
  DispatcherOptions o;
  o.max_in_flight = 2;
  make(o);
  std::vector<int64_t> ids;
  for (int64_t article = 1; article <= 5; ++article) ids.push_back(add("evt_" + std::to_string(article), article));
  http.set(k_url, ScriptedHttpClient::reply(200, ""));
  bool finished = false;
  dispatcher->run_once([&] { finished = true; });
  EXPECT_EQ(http.request_count(), 2u);  // the rest wait for a free slot
  EXPECT_EQ(dispatcher->in_flight(), 5u);
  io.run();
  EXPECT_TRUE(finished);
  EXPECT_EQ(http.request_count(), 5u);
  for (int64_t id : ids) EXPECT_EQ(store.row(id).state, OutboxState::delivered);
  EXPECT_EQ(dispatcher->in_flight(), 0u);
}

TEST_F(DispatcherTest, OverlappingRoundsDoNotSendTwice) {
  make();
  const int64_t id = add("evt_once");
  http.set(k_url, ScriptedHttpClient::reply(200, ""));
  int finished = 0;
  dispatcher->run_once([&] { ++finished; });
  dispatcher->run_once([&] { ++finished; });  // the row is still in flight
  io.run();
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(http.request_count(), 1u);
  EXPECT_EQ(store.row(id).state, OutboxState::delivered);
}

TEST_F(DispatcherTest, LogsStateChangesNotEveryRetry) {
  make();
  const int64_t id = add("evt_log_once");
  for (int i = 0; i < 4; ++i) http.push(ScriptedHttpClient::reply(503, "busy"));
  http.push(ScriptedHttpClient::reply(200, ""));
  for (int i = 0; i < 5; ++i) {
    round();
    clock.set(store.row(id).next_attempt);
  }
  ASSERT_EQ(store.row(id).state, OutboxState::delivered);
  const auto lines = log_sink->last_formatted();
  ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_NE(lines[0].find("[warning] notify: delivery to hook failing (will retry): HTTP 503: busy"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("[info] notify: hook is delivering again"), std::string::npos) << lines[1];

  add("evt_dead_one");
  http.push(ScriptedHttpClient::reply(404, ""));
  round();
  const auto after = log_sink->last_formatted();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_NE(after[2].find("[error] notify: evt_dead_one to hook is dead: HTTP 404"), std::string::npos) << after[2];
}

TEST_F(DispatcherTest, StoreWriteFailureIsLoggedAndTheRowIsSentAgainLater) {
  make();
  const int64_t id = add("evt_unrecorded");
  http.set(k_url, ScriptedHttpClient::reply(200, ""));
  store.fail_marks = true;
  round();  // delivered, but the store could not record it
  EXPECT_EQ(store.row(id).state, OutboxState::pending);
  bool logged = false;
  for (const auto& line : log_sink->last_formatted())
    logged = logged || line.find("cannot record outbox row " + std::to_string(id) + ": disk full") != std::string::npos;
  EXPECT_TRUE(logged);
  store.fail_marks = false;
  round();  // at-least-once: the receiver sees the same webhook-id again and can drop it
  EXPECT_EQ(store.row(id).state, OutboxState::delivered);
  ASSERT_EQ(http.request_count(), 2u);
  EXPECT_EQ(header_of(http.requests()[0], "webhook-id"), header_of(http.requests()[1], "webhook-id"));
}

// `redlined --once`: one drain delivers whole chains, each article's rows in order.
TEST_F(DispatcherTest, DrainDeliversEveryDueRowOfEveryChainInOrder) {
  make();
  std::vector<int64_t> rows;
  for (int i = 0; i < 3; ++i) {
    rows.push_back(add("evt_a" + std::to_string(i), 1));
    rows.push_back(add("evt_a" + std::to_string(i), 1, "difflog"));
    if (i < 2) rows.push_back(add("evt_b" + std::to_string(i), 2));
    clock.advance(1s);
  }
  http.set(k_url, ScriptedHttpClient::reply(204, ""));
  std::optional<DrainReport> report;
  dispatcher->drain([&](const DrainReport& r) { report = r; });
  EXPECT_FALSE(report) << "done ran inside drain()";
  io.run();
  ASSERT_TRUE(report);
  for (const int64_t id : rows) EXPECT_EQ(store.row(id).state, OutboxState::delivered) << id;
  EXPECT_EQ(report->delivered, rows.size());
  EXPECT_EQ(report->failed, 0u);
  EXPECT_EQ(report->left, 0u);
  EXPECT_EQ(report->rounds, 4u);  // one per chain position, and one that finds nothing
  std::vector<std::string> sent;
  for (const auto& r : http.requests()) sent.push_back(header_of(r, "webhook-id"));
  EXPECT_EQ(sent, (std::vector<std::string>{"evt_a0", "evt_b0", "evt_a1", "evt_b1", "evt_a2"}));
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "evt_a0"), 1);
}

TEST_F(DispatcherTest, DrainHoldsOnlyTheChainBehindAFailureAndTriesNothingTwice) {
  make();
  const int64_t a0 = add("evt_a0", 1);
  const int64_t b0 = add("evt_b0", 2);
  clock.advance(1s);
  const int64_t a1 = add("evt_a1", 1);
  const int64_t b1 = add("evt_b1", 2);
  http.push(ScriptedHttpClient::reply(503, ""));  // evt_a0
  http.push(ScriptedHttpClient::reply(200, ""));  // evt_b0
  http.push(ScriptedHttpClient::reply(200, ""));  // evt_b1
  std::optional<DrainReport> report;
  dispatcher->drain([&](const DrainReport& r) { report = r; });
  io.run();
  ASSERT_TRUE(report);
  EXPECT_EQ(store.row(a0).state, OutboxState::pending);
  EXPECT_EQ(store.row(a0).attempts, 1);
  EXPECT_EQ(store.row(a1).state, OutboxState::pending);
  EXPECT_EQ(store.row(a1).attempts, 0);  // waits for evt_a0: per-article order
  EXPECT_EQ(store.row(b0).state, OutboxState::delivered);
  EXPECT_EQ(store.row(b1).state, OutboxState::delivered);
  EXPECT_EQ(http.request_count(), 3u);
  EXPECT_EQ(report->delivered, 2u);
  EXPECT_EQ(report->failed, 1u);
  EXPECT_EQ(report->left, 2u);
}

TEST_F(DispatcherTest, DrainNeverTriesARowTwiceEvenWhenItStaysDue) {
  make();
  const int64_t id = add("evt_unrecorded");
  http.set(k_url, ScriptedHttpClient::reply(200, ""));
  store.fail_marks = true;  // delivered, not recorded: the row stays due
  std::optional<DrainReport> report;
  dispatcher->drain([&](const DrainReport& r) { report = r; });
  io.run();
  ASSERT_TRUE(report);
  EXPECT_EQ(http.request_count(), 1u);
  EXPECT_EQ(store.row(id).state, OutboxState::pending);
  EXPECT_EQ(report->left, 1u);
}

TEST_F(DispatcherTest, InvalidTargetsAreRejected) {
  auto bad_secret = Dispatcher::create(store, http, clock, io.get_executor(),
                                       {{"hook", WebhookTarget{k_url, {"whsec_c2hvcnQ="}, 10s}}});
  ASSERT_FALSE(bad_secret.ok());
  EXPECT_NE(bad_secret.error().message.find("webhook \"hook\""), std::string::npos);
  auto twice =
      Dispatcher::create(store, http, clock, io.get_executor(),
                         {{"a", WebhookTarget{k_url, {k_secret}, 10s}}, {"a", DiffLogTarget{m_dir / "x.log"}}});
  EXPECT_FALSE(twice.ok());
  auto no_url = Dispatcher::create(store, http, clock, io.get_executor(), {{"a", WebhookTarget{"", {k_secret}, 10s}}});
  EXPECT_FALSE(no_url.ok());
}

}  // namespace
}  // namespace redline
