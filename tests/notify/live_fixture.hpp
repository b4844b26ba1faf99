// The fixture of the live notify tests: the real SqliteStore, the real CurlClient and real receivers on
// 127.0.0.1. Only the dispatcher's clock is fake (it starts at the real time, so signatures stay within
// a receiver's tolerance) so retries need no sleeping.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "http/curl_client.hpp"
#include "notify/dispatcher.hpp"
#include "notify/event.hpp"
#include "store/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/local_http_server.hpp"

namespace redline::testing {

using namespace std::chrono_literals;

inline constexpr const char* k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class LiveDispatcherFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("redline-notify-live-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    auto opened = SqliteStore::open(m_dir / "redline.db", OpenMode::read_write);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store = std::move(*opened);
    server.route("/hook", [](const ServerRequest&) { return ServerResponse::text(204, ""); });
    server.start();
  }
  void TearDown() override {
    server.stop();
    dispatcher.reset();
    store.reset();
    std::filesystem::remove_all(m_dir);
  }

  void make(std::vector<NotifierTarget> targets, DispatcherOptions options = {}, MailSender* mail = nullptr) {
    auto d = Dispatcher::create(*store, http, clock, io.get_executor(), std::move(targets), options, mail);
    ASSERT_TRUE(d.ok()) << d.error().message;
    dispatcher = std::move(*d);
  }

  // Stores a new version of article `key` whose outbox row goes to `notifier`; returns the event id.
  // The event copies `like`'s classes, diff and old version (so tests can send realistic events).
  std::string add_event(const std::string& key, const std::string& notifier, const Event& like = Event{}) {
    auto article = store->ensure_article(key, "https://news.example/" + key, clock.now());
    EXPECT_TRUE(article.ok());
    Event e = like;
    e.id = make_event_id();
    e.occurred_at = clock.now();
    e.article_key = key;
    e.url = "https://news.example/" + key;
    e.new_version = EventVersion{article->version_count + 1, clock.now(), "Headline " + e.id};
    NewVersion v;
    v.article_id = article->id;
    v.captured_at = clock.now();
    v.url = e.url;
    v.content.headline = e.new_version->headline;
    v.fingerprint = e.id;
    OutboxEntry row;
    row.event_id = e.id;
    row.article_id = article->id;
    row.notifier = notifier;
    row.payload = render_event(e);
    row.created_at = clock.now();
    v.outbox.push_back(row);
    auto added = store->add_version(v);
    EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
    clock.advance(1ms);
    return e.id;
  }

  // Runs one round and drives the io_context until its `done` ran (at most 20 s).
  void round() {
    bool finished = false;
    dispatcher->run_once([&] { finished = true; });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!finished && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(20ms);
    }
    ASSERT_TRUE(finished) << "round did not finish";
  }

  OutboxEntry row_of(const std::string& event_id) {
    auto rows = store->list_outbox(std::nullopt);
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows)
      if (r.event_id == event_id) return r;
    ADD_FAILURE() << "no outbox row for " << event_id;
    return {};
  }

  std::filesystem::path m_dir;
  boost::asio::io_context io;
  // Like the daemon's webhook client: no per-origin politeness, the dispatcher paces its retries itself.
  CurlClient http{io, [] {
    CurlClientOptions options;
    options.politeness = OriginGateOptions::none();
    return options;
  }()};
  FakeClock clock{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now())};
  LocalHttpServer server;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<Dispatcher> dispatcher;
};

}  // namespace redline::testing
