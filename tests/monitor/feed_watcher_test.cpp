// FeedWatcher: feeds become watches (mode link) or versions (mode content), through the real parser,
// tracker, monitor and store; HTTP is scripted.
#include "monitor/feed_watcher.hpp"

#include <boost/asio/io_context.hpp>

#include "monitor/monitor_fixture.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

std::string rss(const std::vector<std::pair<std::string, std::string>>& items, const std::string& pub_date) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Wire</title>"
      "<link>https://news.example/</link>";
  for (const auto& [link, text] : items) {
    xml += "<item><title>Story " + link.substr(link.rfind('/') + 1) + "</title><link>" + link + "</link><guid>" + link +
           "</guid><pubDate>" + pub_date + "</pubDate>";
    if (!text.empty()) xml += "<content:encoded><![CDATA[" + text + "]]></content:encoded>";
    xml += "</item>";
  }
  return xml + "</channel></rss>";
}

class FeedWatcherTest : public MonitorFixture {
 protected:
  void run(std::function<void(std::function<void()>)> start) {
    bool done = false;
    start([&] { done = true; });
    io.run();
    io.restart();
    ASSERT_TRUE(done);
  }

  boost::asio::io_context io;
  std::string feed_xml;
};

TEST_F(FeedWatcherTest, NewLinksBecomeWatchesOnceAndAreChecked) {
  ScriptedHttpClient http(io);
  http.set_responder([&](const HttpRequest& req) {
    if (req.url == "https://news.example/feed.xml")
      return ScriptedHttpClient::reply(200, feed_xml, {{"content-type", "application/rss+xml"}});
    return ScriptedHttpClient::html(article_html("Story " + req.url, k_paragraphs));
  });
  const auto config = make_config("[[feed]]\nurl = \"https://news.example/feed.xml\"\nname = \"wire\"\n");
  Monitor monitor(config, *store_, http, clock, 1);
  ASSERT_TRUE(monitor.load());
  FeedWatcher feeds(config, *store_, http, clock, monitor, 2);
  const std::string today = "Mon, 13 Nov 2023 21:00:00 GMT";  // the fake clock's day
  feed_xml = rss({{"https://news.example/a/1", ""}, {"https://news.example/a/2?utm_source=rss", ""}}, today);
  run([&](auto done) { feeds.poll_all(done); });
  EXPECT_EQ(feeds.stats().links, 2u);
  EXPECT_EQ(monitor.watch_count(), 2u);
  const auto watches = store_->list_watches();
  ASSERT_EQ(watches->size(), 2u);
  EXPECT_EQ((*watches)[0].source, "feed:wire");
  EXPECT_FALSE((*watches)[0].every);  // discovered articles follow the news schedule
  run([&](auto done) { monitor.check_all(done); });
  EXPECT_EQ(monitor.stats().first_versions, 2u);

  // The same items again add nothing; a new one adds one watch.
  clock.advance(10min);
  run([&](auto done) { feeds.poll_all(done); });
  EXPECT_EQ(monitor.watch_count(), 2u);
  feed_xml = rss({{"https://news.example/a/1", ""}, {"https://news.example/a/3", ""}}, today);
  clock.advance(10min);
  run([&](auto done) { feeds.poll_all(done); });
  EXPECT_EQ(monitor.watch_count(), 3u);
  EXPECT_EQ(feeds.stats().links, 3u);
}

TEST_F(FeedWatcherTest, ContentModeStoresEachItemTextAsVersions) {
  ScriptedHttpClient http(io);
  http.set_responder([&](const HttpRequest&) {
    return ScriptedHttpClient::reply(200, feed_xml, {{"content-type", "application/rss+xml"}});
  });
  const auto config = make_config(
      "[[feed]]\nurl = \"https://news.example/full.xml\"\nname = \"full\"\nmode = \"content\"\n"
      "[[webhook]]\nname = \"hook\"\nurl = \"http://127.0.0.1:9/\"\nsecret = "
      "\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n");
  Monitor monitor(config, *store_, http, clock, 1);
  ASSERT_TRUE(monitor.load());
  FeedWatcher feeds(config, *store_, http, clock, monitor, 2);
  const std::string today = "Mon, 13 Nov 2023 21:00:00 GMT";
  std::string text;
  for (const auto& p : k_paragraphs) text += "<p>" + p + "</p>";
  feed_xml = rss({{"https://news.example/a/9", text}}, today);
  run([&](auto done) { feeds.poll_all(done); });
  EXPECT_EQ(monitor.watch_count(), 0u);  // nothing to fetch: the feed carries the text
  auto article = store_->find_article("https://news.example/a/9");
  ASSERT_TRUE(article && *article);
  EXPECT_EQ(store_->versions((*article)->id)->size(), 1u);

  // The newsroom edits the item; the next poll stores a second version, with its notification.
  clock.advance(10min);
  feed_xml = rss({{"https://news.example/a/9", text + "<p>Update: the ferry timetable was published.</p>"}}, today);
  run([&](auto done) { feeds.poll_all(done); });
  const auto versions = store_->versions((*article)->id);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(versions->back().content.blocks.size(), 4u);
  const auto changes = store_->changes((*article)->id);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().classes, (std::vector<std::string>{"body", "correction"}));  // an update note
  EXPECT_EQ(store_->list_outbox(OutboxState::pending)->size(), 2u);                       // hook + difflog

  // Unchanged text: no version.
  clock.advance(10min);
  feed_xml += " ";
  run([&](auto done) { feeds.poll_all(done); });
  EXPECT_EQ(store_->versions((*article)->id)->size(), 2u);
}

}  // namespace
}  // namespace redline::testing
