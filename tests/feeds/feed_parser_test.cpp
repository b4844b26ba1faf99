// parse_feed on hand-written samples modelled on real feeds (tests/feeds/samples).
#include "feeds/feed_parser.hpp"

#include <gtest/gtest.h>

#include "feeds/feed_date.hpp"
#include "feeds_test_util.hpp"
#include "support/local_http_server.hpp"

namespace redline {
namespace {

using testing::at;
using testing::parse_sample;
using testing::sample;

TEST(FeedParser, WordPressRss2WithFullText) {
  const auto feed = parse_sample("wordpress_rss2.xml", "https://courier.example.org/feed/");
  EXPECT_EQ(feed.format, FeedFormat::rss2);
  EXPECT_EQ(feed.title, "The Riverside Courier");
  EXPECT_EQ(feed.link, "https://courier.example.org/");  // libcurl adds the empty path's "/" (RFC 3986 6.2.3)
  EXPECT_EQ(feed.language, "en-US");
  ASSERT_EQ(feed.items.size(), 3u);
  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.id, "https://courier.example.org/?p=48213");
  EXPECT_EQ(first.link, "https://courier.example.org/2024/09/03/council-approves-bridge-budget/");
  EXPECT_EQ(first.title, "Council approves new bridge budget \u2013 with conditions");
  EXPECT_EQ(first.published, at("2024-09-03T09:15:00Z"));
  EXPECT_EQ(first.authors, std::vector<std::string>{"Maria Lopez"});
  EXPECT_NE(first.content_html.find("<p>&#8220;We cannot carry this alone,&#8221;"), std::string::npos);
  EXPECT_NE(first.summary.find("Elm Street bridge [&#8230;]"), std::string::npos);
  EXPECT_EQ(feed.items[1].authors, std::vector<std::string>{"Sam O\u2019Neil"});
}

TEST(FeedParser, BbcRss2) {
  const auto feed = parse_sample("bbc_rss2.xml", "https://feeds.bbci.co.uk/news/rss.xml");
  EXPECT_EQ(feed.title, "BBC News");
  EXPECT_EQ(feed.language, "en-gb");
  ASSERT_EQ(feed.items.size(), 5u);
  EXPECT_EQ(feed.items[0].id, "https://www.bbc.co.uk/news/articles/c4gq0x1k2p3o#0");
  EXPECT_EQ(feed.items[0].link, "https://www.bbc.co.uk/news/articles/c4gq0x1k2p3o?at_medium=RSS&at_campaign=rss");
  EXPECT_EQ(feed.items[0].title, "Storm warning issued for western coasts");
  EXPECT_EQ(feed.items[0].published, at("2024-09-03T10:31:05Z"));
  EXPECT_TRUE(feed.items[0].content_html.empty());
  EXPECT_EQ(feed.items[0].best_html(), "Gusts of up to 80mph are expected on Wednesday, forecasters say.");
}

TEST(FeedParser, DwChineseFullTextFeed) {
  const auto feed = parse_sample("dw_feedx_v1.xml", "https://feedx.net/rss/dw.xml");
  EXPECT_EQ(feed.title, "德国之声");
  EXPECT_EQ(feed.language, "zh-cn");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].title, "哈贝克会晤汪文涛：欧中应谈判解决电动汽车关税问题");
  EXPECT_TRUE(feed.items[0].link.ends_with("/a-70241396"));
  EXPECT_EQ(feed.items[0].published, at("2024-09-17T14:17:04Z"));
  EXPECT_TRUE(feed.items[0].summary.starts_with("<div><i><br>2024-09-17T14:15:34.773Z</i></div>"));
}

TEST(FeedParser, AtomWithRelativeLinksAndHtmlContent) {
  const auto feed = parse_sample("github_atom.xml", "https://github.com/example/redline/releases.atom");
  EXPECT_EQ(feed.format, FeedFormat::atom);
  EXPECT_EQ(feed.title, "Release notes from redline");
  EXPECT_EQ(feed.link, "https://github.com/example/redline/releases");
  EXPECT_EQ(feed.language, "en-US");
  ASSERT_EQ(feed.items.size(), 2u);
  const FeedItem& e = feed.items[0];
  EXPECT_EQ(e.id, "tag:github.com,2008:Repository/123456789/v0.4.0");
  EXPECT_EQ(e.link, "https://github.com/example/redline/releases/tag/v0.4.0");
  EXPECT_EQ(e.title, "v0.4.0: feeds");
  EXPECT_EQ(e.updated, at("2024-09-03T08:12:44Z"));
  EXPECT_FALSE(e.published.has_value());
  EXPECT_EQ(e.authors, std::vector<std::string>{"octocat"});
  EXPECT_TRUE(e.content_html.starts_with("<h2>What&#39;s new</h2>")) << e.content_html;
}

TEST(FeedParser, AtomXhtmlContentAndXmlBase) {
  const auto feed = parse_sample("blogger_atom_xhtml.xml", "https://fieldnotes.example.net/feeds/posts/default");
  EXPECT_EQ(feed.title, "Field Notes");
  EXPECT_EQ(feed.link, "https://fieldnotes.example.net/blog/");
  EXPECT_EQ(feed.language, "de");
  ASSERT_EQ(feed.items.size(), 2u);
  const FeedItem& post = feed.items[0];
  EXPECT_EQ(post.link, "https://fieldnotes.example.net/blog/2024/09/moor-und-heide.html") << "rel=alternate wins";
  EXPECT_EQ(post.title, "Moor & Heide: Zählung abgeschlossen");
  EXPECT_EQ(post.published, at("2024-09-03T07:00:00Z"));
  EXPECT_EQ(post.updated, at("2024-09-03T07:30:00.001Z"));
  EXPECT_EQ(post.authors, std::vector<std::string>{"Hanna Berger"}) << "the feed's author";
  EXPECT_NE(post.content_html.find("<p>Die <b>Vogelzählung</b> im Moor ist abgeschlossen.</p>"), std::string::npos)
      << post.content_html;
  EXPECT_EQ(post.content_html.find("<div"), std::string::npos) << "the xhtml wrapper div is not content";
  const FeedItem& note = feed.items[1];
  EXPECT_EQ(note.link, "https://mirror.example.net/field/kurz-notiert.html") << "the entry's own xml:base";
  EXPECT_EQ(note.authors, (std::vector<std::string>{"Jonas Weber", "Hanna Berger"}));
  EXPECT_EQ(note.summary, "<p>Erste Zeile.</p><p>Zweite &lt;Zeile&gt;.</p>") << "type=text is escaped";
}

TEST(FeedParser, Rss1Rdf) {
  const auto feed = parse_sample("slashdot_rdf.xml", "https://rss.slashdot.org/Slashdot/slashdotMain");
  EXPECT_EQ(feed.format, FeedFormat::rss1);
  EXPECT_EQ(feed.title, "Slashdot");
  EXPECT_EQ(feed.language, "en-us");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].title, "New Compiler Release Speeds Up Builds");
  EXPECT_EQ(feed.items[0].id, feed.items[0].link) << "rdf:about";
  EXPECT_EQ(feed.items[0].published, at("2024-09-03T11:20:00Z"));
  EXPECT_EQ(feed.items[0].authors, std::vector<std::string>{"msmash"});
  EXPECT_EQ(feed.items[1].title, "Comet Spotted Café Owners Say");
}

TEST(FeedParser, GoogleNewsSitemap) {
  const auto feed = parse_sample("google_news_sitemap.xml", "https://www.example-times.com/news-sitemap.xml");
  EXPECT_EQ(feed.format, FeedFormat::sitemap);
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[0].link, "https://www.example-times.com/world/2024/09/03/election-results.html");
  EXPECT_EQ(feed.items[0].id, feed.items[0].link);
  EXPECT_EQ(feed.items[0].title, "Election results: what we know so far");
  EXPECT_EQ(feed.items[0].published, at("2024-09-03T06:00:00Z"));
  EXPECT_EQ(feed.items[0].updated, at("2024-09-03T11:55:00Z"));
  EXPECT_EQ(feed.items[1].title, "Markets close higher & oil falls");
  EXPECT_EQ(feed.items[1].published, at("2024-09-02T19:30:00Z"));
  EXPECT_FALSE(feed.items[1].updated.has_value());
}

TEST(FeedParser, SitemapIndexListsChildren) {
  const auto feed = parse_sample("sitemap_index.xml", "https://www.example-times.com/sitemap.xml");
  EXPECT_EQ(feed.format, FeedFormat::sitemap_index);
  EXPECT_TRUE(feed.items.empty());
  ASSERT_EQ(feed.sitemaps.size(), 4u);
  EXPECT_EQ(feed.sitemaps[1].url, "https://www.example-times.com/sitemaps/2024-09.xml") << "resolved";
  EXPECT_EQ(feed.sitemaps[1].lastmod, at("2024-09-03T11:55:00Z"));
  EXPECT_FALSE(feed.sitemaps[2].lastmod.has_value());
}

TEST(FeedParser, PlainSitemap) {
  const auto feed = parse_sample("sitemap_2024_09.xml", "https://www.example-times.com/sitemaps/2024-09.xml");
  ASSERT_EQ(feed.items.size(), 4u);
  EXPECT_EQ(feed.items[1].updated, at("2024-09-02T00:00:00Z"));
  EXPECT_FALSE(feed.items[2].date().has_value());
  EXPECT_TRUE(feed.items[2].title.empty());
}

TEST(FeedParser, MalformedFeedIsRecovered) {
  const auto feed = parse_sample("malformed_rss.xml", "https://tj.example.com/rss");
  EXPECT_EQ(feed.title, "Tom & Jerry's News Blog") << "&nbsp; decoded, then normalized as every title";
  ASSERT_EQ(feed.items.size(), 2u);
  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.title, "Prices rise \u2014 again & again");
  EXPECT_EQ(first.link, "https://tj.example.com/news?id=1&page=2");
  EXPECT_NE(first.summary.find("Costs are up 5% & wages < inflation."), std::string::npos) << first.summary;
  EXPECT_EQ(first.content_html, "<p>Undeclared prefix, but the text is here.</p>");
  EXPECT_EQ(first.published, at("2024-09-03T14:00:00Z"));
  EXPECT_EQ(first.authors, std::vector<std::string>{"Jérôme"});
  EXPECT_EQ(feed.items[1].title, "Second item, never closed");
  EXPECT_EQ(feed.items[1].published, at("2024-09-03T11:30:00Z"));
  EXPECT_NE(feed.items[1].summary.find("The feed was cut off here"), std::string::npos);
}

TEST(FeedParser, DeclaredGbkEncoding) {
  const auto feed = parse_sample("gbk_rss.xml", "http://news.example.cn/rss.xml");
  EXPECT_EQ(feed.title, "新闻中心");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title, "国务院常务会议部署经济工作");
  EXPECT_EQ(feed.items[0].authors, std::vector<std::string>{"新华社记者 王明"});
  EXPECT_EQ(feed.items[0].published, at("2024-09-03T10:20:00Z"));
  EXPECT_EQ(feed.items[0].summary, "<p>会议指出，要加大宏观政策调节力度。</p>");
}

TEST(FeedParser, DeclaredLatin1EncodingAndHtmlEntities) {
  const auto feed = parse_sample("latin1_rss.xml", "https://journal.example.fr/rss");
  EXPECT_EQ(feed.title, "Le Journal du Café");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title, "L'été se termine à Montréal");
  EXPECT_EQ(feed.items[0].summary, "Dernières chaleurs\u00a0: 30°C prévus.");
  EXPECT_EQ(feed.items[0].published, at("2024-09-03T06:00:00Z"));
}

TEST(FeedParser, RssLinkWrittenTheAtomWay) {
  auto feed = parse_feed(
      "<rss version=\"2.0\"><channel><item><title>A</title><link href=\"/news/a\"/></item>"
      "<item><title>B</title><guid>https://x.example/news/b</guid></item>"
      "<item><title>C</title><guid isPermaLink=\"false\">https://x.example/news/c</guid></item></channel></rss>",
      "https://x.example/rss");
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].link, "https://x.example/news/a");
  EXPECT_EQ(feed->items[1].link, "https://x.example/news/b") << "a permalink guid is the link";
  EXPECT_EQ(feed->items[2].link, "") << "isPermaLink=false: not a link";
  EXPECT_EQ(feed->items[2].id, "https://x.example/news/c");
}

TEST(FeedParser, ContentTypeCharsetAppliesWithoutDeclaration) {
  const std::string bytes = "<rss><channel><title>Caf\xE9</title></channel></rss>";
  auto feed = parse_feed(bytes, "https://x.example/rss", "application/rss+xml; charset=ISO-8859-1");
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->title, "Café");
}

TEST(FeedParser, Utf16WithBom) {
  // UTF-16LE with a BOM: each Latin-1 character followed by a NUL byte.
  std::string bytes = "\xFF\xFE";
  for (unsigned char c : std::string("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>Gr")) {
    bytes += static_cast<char>(c);
    bytes += '\0';
  }
  bytes += std::string("\xFC\0", 2);  // ü
  for (unsigned char c : std::string("\xDF"
                                     "e</title></channel></rss>")) {
    bytes += static_cast<char>(c);
    bytes += '\0';
  }
  auto feed = parse_feed(bytes, "https://x.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error().message;
  EXPECT_EQ(feed->title, "Grüße");
}

TEST(FeedParser, HtmlPageIsNotAFeed) {
  auto feed = parse_feed(sample("html_page.html"), "https://example.com/");
  ASSERT_FALSE(feed.ok());
  EXPECT_EQ(feed.error().code, Errc::invalid_input);
  EXPECT_NE(feed.error().message.find("not a feed"), std::string::npos);
  EXPECT_NE(feed.error().message.find("HTML page"), std::string::npos) << feed.error().message;
  EXPECT_FALSE(parse_feed("", "https://example.com/").ok());
  EXPECT_FALSE(parse_feed("just text", "https://example.com/").ok());
  EXPECT_FALSE(parse_feed("{\"items\": []}", "https://example.com/").ok());
}

TEST(FeedParser, NoExternalEntitiesNoExpansion) {
  testing::LocalHttpServer server;
  server.set_fallback([](const testing::ServerRequest&) {
    return testing::ServerResponse::text(200, "<!ENTITY leak \"LEAKED\">", "application/xml-dtd");
  });
  server.start();
  std::string bytes = sample("xxe_rss.xml");
  const std::string remote = "http://127.0.0.1:1/evil.dtd";
  bytes.replace(bytes.find(remote), remote.size(), server.url("/evil.dtd"));
  auto feed = parse_feed(bytes, "https://evil.example/rss");
  ASSERT_TRUE(feed.ok()) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].link, "https://evil.example/1");
  EXPECT_EQ(feed->items[0].title.find("root:"), std::string::npos);
  EXPECT_LT(feed->title.size() + feed->items[0].summary.size(), 200u) << "entities must not expand";
  EXPECT_EQ(feed->items[0].summary.find("LEAKED"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u) << "no network access while parsing";
}

TEST(FeedParser, CutAnywhereNeverCrashes) {
  for (const char* name : {"wordpress_rss2.xml", "blogger_atom_xhtml.xml", "slashdot_rdf.xml", "gbk_rss.xml"}) {
    const std::string bytes = sample(name);
    for (size_t n = 0; n <= bytes.size(); n += 13) {
      auto feed = parse_feed(bytes.substr(0, n), "https://x.example/feed");
      if (feed) {
        EXPECT_LE(feed->items.size(), 3u) << name << " cut at " << n;
      }
    }
  }
  // Deep nesting and a flood of unmatched end tags stay linear.
  std::string deep = "<rss><channel><item><title>t</title><description>";
  for (int i = 0; i < 20000; ++i) deep += "<b>";
  for (int i = 0; i < 20000; ++i) deep += "</i>";
  deep += "</description></item></channel></rss>";
  auto feed = parse_feed(deep, "https://x.example/feed");
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->items.size(), 1u);
}

TEST(FeedParser, HugeFeedIsLinear) {
  std::string bytes = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>";
  for (int i = 0; i < 20000; ++i)
    bytes += "<item><title>Item " + std::to_string(i) + " &amp; more</title><link>https://big.example/" +
             std::to_string(i) + "</link><pubDate>Tue, 03 Sep 2024 10:00:00 GMT</pubDate></item>";
  bytes += "</channel></rss>";
  const auto start = std::chrono::steady_clock::now();
  auto feed = parse_feed(bytes, "https://big.example/rss");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->items.size(), 20000u);
  EXPECT_EQ(feed->items[19999].link, "https://big.example/19999");
  EXPECT_LT(elapsed, std::chrono::seconds(20)) << "4 MB of items (sanitizers on)";
}

}  // namespace
}  // namespace redline
