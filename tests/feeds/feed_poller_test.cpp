// FeedPoller: fetch, conditional GET, sitemap indexes, modes and errors — with scripted HTTP, and
// once against a real local server through CurlClient.
#include "feeds/feed_poller.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "diff/compare.hpp"
#include "feeds_test_util.hpp"
#include "http/curl_client.hpp"
#include "support/fake_clock.hpp"
#include "support/local_http_server.hpp"
#include "support/scripted_http_client.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::sample;
using testing::ScriptedHttpClient;

const std::string k_feed = "https://courier.example.org/feed/";

HttpResponse xml(std::string body, Headers headers = {}) {
  headers.emplace_back("content-type", "application/rss+xml; charset=UTF-8");
  return ScriptedHttpClient::reply(200, std::move(body), std::move(headers));
}

// A poller wired to scripted HTTP and a fake clock, recording what it reports.
struct PollerFixture : ::testing::Test {
  boost::asio::io_context io;
  ScriptedHttpClient http{io};
  testing::FakeClock clock{at("2024-09-03T12:00:00Z")};
  std::vector<std::string> links;
  std::vector<Article> articles;
  std::vector<std::string> errors;
  FeedPollerOptions options;
  std::unique_ptr<FeedPoller> poller;

  void SetUp() override { make_poller(); }

  void make_poller() {
    poller = std::make_unique<FeedPoller>(
        http, clock,
        FeedCallbacks{
            .on_new_link = [this](const FeedSource&, const FeedItem& item) { links.push_back(item.link); },
            .on_content = [this](const FeedSource&, const FeedItem&, const Article& a) { articles.push_back(a); },
            .on_error = [this](const FeedSource&, const std::string& message) { errors.push_back(message); },
        },
        options);
  }

  FeedPollResult poll(const FeedSource& feed) {
    std::optional<FeedPollResult> result;
    poller->poll(feed, [&](const FeedPollResult& r) { result = r; });
    io.restart();
    io.run();
    EXPECT_TRUE(result.has_value()) << "done must run";
    return result.value_or(FeedPollResult{});
  }

  void clear() {
    links.clear();
    articles.clear();
    errors.clear();
    http.clear_requests();
  }
};

std::string header_of(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers)
    if (k == name) return v;
  return {};
}

TEST_F(PollerFixture, NewLinksThenConditionalGet) {
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml"),
                            {{"etag", "\"v1\""}, {"last-modified", "Tue, 03 Sep 2024 10:41:07 GMT"}}));
  auto result = poll({.url = k_feed});
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.items, 3u);
  EXPECT_EQ(result.reported, 2u);
  EXPECT_EQ(links,
            (std::vector<std::string>{"https://courier.example.org/2024/09/02/eagles-beat-rams/",
                                      "https://courier.example.org/2024/09/03/council-approves-bridge-budget/"}));
  const HttpRequest first = http.requests().at(0);
  EXPECT_FALSE(first.html_only);
  EXPECT_NE(header_of(first, "Accept").find("application/rss+xml"), std::string::npos);
  EXPECT_EQ(header_of(first, "If-None-Match"), "");

  clear();
  http.push_for(k_feed, ScriptedHttpClient::reply(304, ""));
  clock.advance(10min);
  result = poll({.url = k_feed});
  EXPECT_TRUE(result.ok);
  EXPECT_TRUE(result.not_modified);
  EXPECT_TRUE(links.empty());
  const HttpRequest second = http.requests().at(0);
  EXPECT_EQ(header_of(second, "If-None-Match"), "\"v1\"");
  EXPECT_EQ(header_of(second, "If-Modified-Since"), "Tue, 03 Sep 2024 10:41:07 GMT");
}

TEST_F(PollerFixture, SameBytesAreNotParsedAgainAndNewItemsAreReported) {
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  ASSERT_EQ(poll({.url = k_feed}).reported, 2u);
  clear();
  auto result = poll({.url = k_feed});
  EXPECT_TRUE(result.not_modified);
  EXPECT_EQ(result.items, 0u);

  std::string updated = sample("wordpress_rss2.xml");
  const std::string new_item =
      "<item><title>Breaking: road closed</title><link>https://courier.example.org/2024/09/03/road-closed/"
      "?utm_source=rss&amp;utm_medium=rss</link><guid isPermaLink=\"false\">https://courier.example.org/?p=48220</guid>"
      "<pubDate>Tue, 03 Sep 2024 12:05:00 +0000</pubDate></item>";
  updated.insert(updated.find("<item>"), new_item);
  http.push_for(k_feed, xml(updated));
  clock.advance(10min);
  result = poll({.url = k_feed});
  EXPECT_EQ(result.items, 4u);
  EXPECT_EQ(links, std::vector<std::string>{"https://courier.example.org/2024/09/03/road-closed/"
                                            "?utm_source=rss&utm_medium=rss"});
}

TEST_F(PollerFixture, SitemapIndexFollowsRecentChildren) {
  const std::string index = "https://www.example-times.com/sitemap.xml";
  http.set(index, xml(sample("sitemap_index.xml")));
  http.set("https://www.example-times.com/sitemaps/2024-09.xml", xml(sample("sitemap_2024_09.xml")));
  // The news sitemap is served as a .gz file (no Content-Encoding): it is unzipped.
  http.set("https://www.example-times.com/sitemaps/news.xml",
           ScriptedHttpClient::reply(200, testing::gzip_compress(sample("google_news_sitemap.xml")),
                                     {{"content-type", "application/x-gzip"}}));
  const auto result = poll({.url = index, .max_age = 48h});
  EXPECT_TRUE(result.ok) << (errors.empty() ? "" : errors[0]);
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(result.documents, 3u);
  EXPECT_EQ(http.count_for("https://www.example-times.com/sitemaps/2024-08.xml"), 0u) << "older than max_age";
  EXPECT_EQ(http.count_for("https://www.example-times.com/sitemaps/2019-01.xml"), 0u);
  EXPECT_EQ(links, (std::vector<std::string>{
                       "https://www.example-times.com/culture/2024/09/02/festival.html",
                       "https://www.example-times.com/business/2024/09/02/markets.html",
                       "https://www.example-times.com/world/2024/09/03/election-results.html",
                       "https://www.example-times.com/about.html",
                   }))
      << "deduped across the two children, oldest first";
}

TEST_F(PollerFixture, SitemapDepthAndBreadthAreBounded) {
  options.max_sitemap_children = 3;
  make_poller();
  // An index whose children are indexes again, forever.
  http.set_responder([](const HttpRequest& request) {
    std::string body = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
    for (int i = 0; i < 5; ++i) body += "<sitemap><loc>" + request.url + "/" + std::to_string(i) + "</loc></sitemap>";
    return xml(body + "</sitemapindex>");
  });
  const auto result = poll({.url = "https://loop.example/s"});
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(http.request_count(), 1u + 3u + 9u) << "depth 2, three children per index";
  EXPECT_TRUE(links.empty());
}

TEST_F(PollerFixture, ErrorsAreReported) {
  http.push_for(k_feed, ScriptedHttpClient::reply(404, "gone"));
  auto result = poll({.url = k_feed, .name = "courier"});
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "GET " + k_feed + ": HTTP 404");

  clear();
  http.push_for(k_feed, ScriptedHttpClient::html(sample("html_page.html")));
  result = poll({.url = k_feed});
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("not a feed"), std::string::npos) << errors[0];

  clear();
  http.push_for(k_feed, ScriptedHttpClient::failure(FetchError::timeout, "timed out after 30s"));
  result = poll({.url = k_feed});
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("timeout"), std::string::npos) << errors[0];

  clear();
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  EXPECT_EQ(poll({.url = k_feed}).reported, 2u) << "a failed poll does not poison the next";
}

TEST_F(PollerFixture, ContentModeReportsArticlesAndChangedVersions) {
  const std::string url = "https://feedx.net/rss/dw.xml";
  clock.set(at("2024-09-17T14:30:00Z"));
  http.push_for(url, xml(sample("dw_feedx_v1.xml")));
  http.push_for(url, xml(sample("dw_feedx_v2.xml")));
  const FeedSource source{.url = url, .name = "dw", .mode = FeedMode::content, .max_age = 30 * 24h};
  auto result = poll(source);
  EXPECT_EQ(result.reported, 2u);
  ASSERT_EQ(articles.size(), 2u);
  EXPECT_TRUE(links.empty());
  EXPECT_EQ(articles[1].headline, "哈贝克会晤汪文涛：欧中应谈判解决电动汽车关税问题") << "oldest first";
  EXPECT_EQ(articles[1].language, "zh-cn");
  const std::string before = fingerprint(articles[1]);

  clear();
  clock.set(at("2024-09-17T15:00:00Z"));
  result = poll(source);
  ASSERT_EQ(articles.size(), 1u) << "only the item whose text changed";
  EXPECT_TRUE(articles[0].canonical_url.ends_with("/a-70241396"));
  EXPECT_NE(fingerprint(articles[0]), before);
}

TEST_F(PollerFixture, ContentModeAppliesSiteRules) {
  std::vector<std::string> asked;
  options.rules_for = [&](const std::string& url) {
    asked.push_back(url);
    ExtractRules rules;
    rules.drop_text = {"^The post .* appeared first on"};
    return rules;
  };
  make_poller();
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  poll({.url = k_feed, .mode = FeedMode::content});
  ASSERT_EQ(articles.size(), 2u);
  EXPECT_EQ(asked.size(), 2u);
  const std::string body = articles[1].body();
  EXPECT_NE(body.find("Construction could begin next spring."), std::string::npos) << body;
  EXPECT_EQ(body.find("appeared first on"), std::string::npos) << "dropped by the site rule";
}

TEST_F(PollerFixture, ContentModeItemWithoutTextIsALink) {
  http.push_for(k_feed, xml(sample("bbc_rss2.xml")));
  poll({.url = k_feed, .mode = FeedMode::content});
  EXPECT_EQ(articles.size(), 2u) << "BBC descriptions are text";
  http.push_for(k_feed, xml(sample("google_news_sitemap.xml")));
  clear();
  poll({.url = k_feed, .mode = FeedMode::content});
  EXPECT_TRUE(articles.empty());
  EXPECT_EQ(links.size(), 2u) << "sitemap entries have no text: followed as links";
}

TEST_F(PollerFixture, APollInFlightRefusesASecond) {
  http.set_delay(50ms);
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  std::vector<FeedPollResult> results;
  poller->poll({.url = k_feed}, [&](const FeedPollResult& r) { results.push_back(r); });
  EXPECT_TRUE(poller->polling(k_feed));
  poller->poll({.url = k_feed}, [&](const FeedPollResult& r) { results.push_back(r); });
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].busy);
  io.run();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].ok);
  EXPECT_FALSE(poller->polling(k_feed));
}

TEST_F(PollerFixture, DestroyedPollerDropsItsPolls) {
  http.push_for(k_feed, xml(sample("wordpress_rss2.xml")));
  bool done = false;
  poller->poll({.url = k_feed}, [&](const FeedPollResult&) { done = true; });
  poller.reset();
  io.run();
  EXPECT_FALSE(done);
  EXPECT_TRUE(links.empty());
}

TEST(FeedPollerLive, RealServerAndCurlClient) {
  testing::LocalHttpServer server;
  const std::string body = sample("wordpress_rss2.xml");
  server.route("/feed/", [&](const testing::ServerRequest& request) {
    if (request.header("if-none-match") == "\"w1\"") return testing::ServerResponse::text(304, "");
    return testing::ServerResponse::text(200, body, "application/rss+xml; charset=UTF-8").with_header("ETag", "\"w1\"");
  });
  server.start();
  boost::asio::io_context io;
  CurlClient curl(io);
  testing::FakeClock clock{at("2024-09-03T12:00:00Z")};
  std::vector<std::string> links, errors;
  FeedPoller poller(curl, clock,
                    {.on_new_link =
                         [&](const FeedSource& f, const FeedItem& item) {
                           EXPECT_EQ(f.name, "127.0.0.1");
                           links.push_back(item.link);
                         },
                     .on_error = [&](const FeedSource&, const std::string& m) { errors.push_back(m); }});
  std::optional<FeedPollResult> result;
  poller.poll({.url = server.url("/feed/")}, [&](const FeedPollResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(10s);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(links.size(), 2u);

  result.reset();
  poller.poll({.url = server.url("/feed/")}, [&](const FeedPollResult& r) {
    result = r;
    io.stop();
  });
  io.restart();
  io.run_for(10s);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->not_modified);
  EXPECT_EQ(links.size(), 2u);
  ASSERT_EQ(server.request_count("/feed/"), 2u);
  EXPECT_EQ(server.requests().at(1).header("if-none-match"), "\"w1\"");
}

}  // namespace
}  // namespace redline
