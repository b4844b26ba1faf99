#include "monitor/check_pipeline.hpp"

#include <nlohmann/json.hpp>

#include "monitor/identity.hpp"
#include "monitor/monitor_fixture.hpp"
#include "support/scripted_http_client.hpp"

namespace redline::testing {
namespace {

const std::string k_url = "https://news.example/world/pier";
const std::string k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class CheckPipelineTest : public MonitorFixture {
 protected:
  void SetUp() override {
    MonitorFixture::SetUp();
    config = make_config("[[watch]]\nurl = \"" + k_url +
                         "\"\n[[webhook]]\nname = \"all\"\nurl = \"http://127.0.0.1:9/a\"\nsecret = \"" + k_secret +
                         "\"\n[[webhook]]\nname = \"bylines\"\nurl = \"http://127.0.0.1:9/b\"\nsecret = \"" + k_secret +
                         "\"\nclasses = [\"byline\"]\n");
    auto a = store_->ensure_article(article_key(*config, k_url), k_url, clock.now());
    ASSERT_TRUE(a);
    article_id = a->id;
  }

  ArticleRecord article() {
    auto a = store_->find_article(k_url);
    EXPECT_TRUE(a && *a);
    return **a;
  }

  CheckOutcome check(HttpResponse response) {
    clock.advance(std::chrono::minutes(10));
    CheckPipeline pipeline(config, *store_, clock);
    if (response.effective_url.empty()) response.effective_url = k_url;
    auto outcome = pipeline.process(article(), response, clock.now() + std::chrono::hours(1));
    EXPECT_TRUE(outcome) << outcome.error().message;
    return outcome ? *outcome : CheckOutcome{};
  }

  static HttpResponse page(const std::string& html, const std::string& etag = "") {
    Headers headers{{"content-type", "text/html; charset=utf-8"}};
    if (!etag.empty()) headers.emplace_back("etag", etag);
    return ScriptedHttpClient::reply(200, html, headers);
  }

  std::shared_ptr<const Config> config;
  int64_t article_id = 0;
};

using Kind = CheckOutcome::Kind;

TEST_F(CheckPipelineTest, FirstCaptureIsAVersionWithoutNotifications) {
  const auto out = check(page(article_html("Old pier to close", k_paragraphs)));
  EXPECT_EQ(out.kind, Kind::first_version);
  auto versions = store_->versions(article_id);
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].content.headline, "Old pier to close");
  EXPECT_EQ((*versions)[0].content.blocks.size(), 3u);
  EXPECT_TRUE(store_->list_outbox(std::nullopt)->empty());
}

TEST_F(CheckPipelineTest, SameBytesAndChromeChurnAreNotVersions) {
  check(page(article_html("Old pier to close", k_paragraphs, "ticker 1")));
  EXPECT_EQ(check(page(article_html("Old pier to close", k_paragraphs, "ticker 1"))).kind, Kind::not_modified);
  EXPECT_EQ(check(page(article_html("Old pier to close", k_paragraphs, "ticker 2"))).kind, Kind::unchanged);
  EXPECT_EQ(store_->versions(article_id)->size(), 1u);
}

TEST_F(CheckPipelineTest, AnEditStoresVersionChangeAndFilteredOutbox) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  auto edited = k_paragraphs;
  edited[1] = "Engineers found deep cracks in three of the supporting columns during a routine inspection in May.";
  const auto out = check(page(article_html("Old pier to close for a year", edited)));
  ASSERT_EQ(out.kind, Kind::changed);
  EXPECT_EQ(out.classes, (std::vector<std::string>{"headline", "body"}));

  ASSERT_EQ(store_->versions(article_id)->size(), 2u);
  const auto changes = store_->changes(article_id);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].classes, out.classes);

  // "all" wants headline/body; "bylines" only bylines; the diff log hears of everything.
  const auto outbox = store_->list_outbox(std::nullopt);
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].notifier, "all");
  EXPECT_EQ((*outbox)[1].notifier, "difflog");
  EXPECT_EQ((*outbox)[0].event_id, (*outbox)[1].event_id);
  const auto payload = nlohmann::json::parse((*outbox)[0].payload);
  EXPECT_EQ(payload["type"], "article.changed");
  EXPECT_EQ(payload["data"]["old"]["version"], 1);
  EXPECT_EQ(payload["data"]["new"]["version"], 2);
  EXPECT_EQ(payload["data"]["new"]["headline"], "Old pier to close for a year");
  EXPECT_NE(payload["data"]["diff"].get<std::string>().find("{+ for a year+}"), std::string::npos);
}

TEST_F(CheckPipelineTest, AFullStoreLosesNothingAndTheNextCheckStoresThePendingVersion) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  const auto before = article();
  // The disk is full: a connection whose file may not grow by a single page (SQLite's max_page_count
  // fails exactly as a full disk does, with SQLITE_FULL).
  auto pages = sqlite::SqliteDb::open(m_dir / "redline.db", SQLITE_OPEN_READONLY)->query_int("PRAGMA page_count");
  ASSERT_TRUE(pages.ok());
  SqliteOptions capped;
  capped.max_page_count = *pages;
  auto full = SqliteStore::open(m_dir / "redline.db", OpenMode::read_write, capped);
  ASSERT_TRUE(full.ok()) << full.error().message;
  auto edited = k_paragraphs;
  edited.push_back(std::string(20000, 'x') + " a long new paragraph that needs new pages.");
  const HttpResponse response = page(article_html("Old pier to close for a year", edited));
  clock.advance(std::chrono::minutes(10));
  CheckPipeline on_full(config, **full, clock);
  auto failed = on_full.process(article(), response, clock.now() + std::chrono::hours(1));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::io);
  EXPECT_NE(failed.error().message.find("full"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("redline.db"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("nothing half-written"), std::string::npos) << failed.error().message;
  // Nothing half-written: no version, no change, no outbox row, and the check itself not recorded
  // (so the same bytes are not mistaken for "seen" next time).
  EXPECT_EQ(store_->versions(article_id)->size(), 1u);
  EXPECT_TRUE(store_->changes(article_id)->empty());
  EXPECT_TRUE(store_->list_outbox(std::nullopt)->empty());
  EXPECT_EQ(article().body_hash, before.body_hash);
  EXPECT_EQ(*store_->integrity_check(), "ok");
  full->reset();

  // Space is back: the next check of the same page stores the version it could not store before.
  const auto out = check(response);
  EXPECT_EQ(out.kind, Kind::changed);
  EXPECT_EQ(store_->versions(article_id)->size(), 2u);
  EXPECT_EQ(store_->list_outbox(std::nullopt)->size(), 2u);
}

TEST_F(CheckPipelineTest, GoingBackToAnEarlierTextIsARevert) {
  // A headline that returns within [diff] ab_window with the same body starts a headline A/B test
  // (headline_test_logic_test.cpp); outside the window it is a revert.
  auto outside_window = std::make_shared<Config>(*config);
  outside_window->ab_window = std::chrono::seconds(0);
  config = outside_window;
  check(page(article_html("Old pier to close", k_paragraphs)));
  check(page(article_html("Old pier to close soon", k_paragraphs)));
  const auto out = check(page(article_html("Old pier to close", k_paragraphs)));
  ASSERT_EQ(out.kind, Kind::changed);
  EXPECT_EQ(out.classes, (std::vector<std::string>{"headline", "revert"}));
}

TEST_F(CheckPipelineTest, AVersionStoredByAnotherProcessMeanwhileIsWhatTheCheckComparesWith) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  auto edited = k_paragraphs;
  edited[1] = "Engineers found deep cracks in three of the supporting columns during a routine inspection in May.";
  clock.advance(std::chrono::minutes(10));
  CheckPipeline pipeline(config, *store_, clock);
  HttpResponse response = page(article_html("Old pier to close for a year", edited));
  response.effective_url = k_url;
  auto begun = pipeline.begin(article(), response, clock.now() + std::chrono::hours(1));
  ASSERT_TRUE(begun) << begun.error().message;
  auto& work = std::get<PendingCheck>(*begun);
  CheckPipeline::analyze(work, *config);

  // An import stores a later capture between the check's read and its write.
  Article imported = work.context.latest->content;
  imported.headline = "Old pier closed";
  CheckPipeline importer(config, *store_, clock);
  auto import =
      importer.store_capture(article(), imported, clock.now() - std::chrono::minutes(1), k_url, CaptureNotify::no);
  ASSERT_TRUE(import && import->kind == Kind::changed);

  auto out = pipeline.finish(std::move(work));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->kind, Kind::changed);
  auto versions = store_->versions(article_id);
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[2].content.headline, "Old pier to close for a year");
  const auto changes = store_->changes(article_id);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[1].from_version, import->version_id);  // not the version begin() read
  const auto outbox = store_->list_outbox(std::nullopt);
  ASSERT_FALSE(outbox->empty());
  const auto payload = nlohmann::json::parse(outbox->back().payload);
  EXPECT_EQ(payload["data"]["old"]["version"], 2);
  EXPECT_EQ(payload["data"]["old"]["headline"], "Old pier closed");
}

TEST_F(CheckPipelineTest, ConditionalGetUsesStoredValidators) {
  CheckPipeline pipeline(config, *store_, clock);
  EXPECT_TRUE(pipeline.request_for(article(), k_url).headers.size() == 1);  // Accept only: nothing stored yet
  check(page(article_html("Old pier to close", k_paragraphs), "\"v1\""));
  const auto req = pipeline.request_for(article(), k_url);
  EXPECT_NE(
      std::find(req.headers.begin(), req.headers.end(), std::pair<std::string, std::string>{"If-None-Match", "\"v1\""}),
      req.headers.end());
  EXPECT_TRUE(req.html_only);
  EXPECT_EQ(check(ScriptedHttpClient::reply(304, "")).kind, Kind::not_modified);
  EXPECT_EQ(article().etag, "\"v1\"");
}

TEST_F(CheckPipelineTest, FailuresAreRecordedAndLoseNothing) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  auto out = check(ScriptedHttpClient::reply(503, "busy"));
  EXPECT_EQ(out.kind, Kind::failed);
  EXPECT_EQ(article().last_error, "http 503");
  out = check(ScriptedHttpClient::failure(FetchError::timeout, "30 s passed"));
  EXPECT_EQ(out.kind, Kind::failed);
  EXPECT_EQ(article().last_error, "timeout: 30 s passed");
  EXPECT_EQ(store_->versions(article_id)->size(), 1u);
  // Back to normal: the error is cleared and the article still compares against version 1.
  EXPECT_EQ(check(page(article_html("Old pier to close", k_paragraphs))).kind, Kind::not_modified);
  EXPECT_EQ(article().last_error, "");
}

TEST_F(CheckPipelineTest, APageWithoutArticleTextIsAFailureNotAVersion) {
  const auto out = check(page("<html><head><script>var x = 1;</script></head><body><nav></nav></body></html>"));
  EXPECT_EQ(out.kind, Kind::failed);
  EXPECT_EQ(out.detail, "extract: no headline and no body text found");
  EXPECT_TRUE(store_->versions(article_id)->empty());
}

// --- Identity and article states ---------------------------------------------------------------

std::vector<std::string> outbox_types(Store& store) {
  std::vector<std::string> types;
  for (const auto& row : *store.list_outbox(std::nullopt))
    types.push_back(nlohmann::json::parse(row.payload)["type"].get<std::string>() + "→" + row.notifier);
  return types;
}

TEST_F(CheckPipelineTest, TwoNotFoundInARowAreADeletionAndContentBackIsARestore) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  EXPECT_EQ(check(ScriptedHttpClient::reply(404, "gone")).kind, Kind::failed);  // may be a glitch
  EXPECT_EQ(article().state, "active");
  EXPECT_EQ(check(ScriptedHttpClient::reply(404, "gone")).kind, Kind::deleted);
  EXPECT_EQ(article().state, "deleted");
  EXPECT_EQ(check(ScriptedHttpClient::reply(410, "gone")).kind, Kind::failed);  // already deleted: no new event
  // Every notifier hears of a deletion, whatever classes it asked for.
  EXPECT_EQ(outbox_types(*store_),
            (std::vector<std::string>{"article.deleted→all", "article.deleted→bylines", "article.deleted→difflog"}));
  const auto out = check(page(article_html("Old pier to close", k_paragraphs)));
  EXPECT_TRUE(out.restored);
  EXPECT_EQ(out.kind, Kind::not_modified);  // the same bytes as the last version
  EXPECT_EQ(article().state, "active");
  ASSERT_EQ(outbox_types(*store_).size(), 6u);
  EXPECT_EQ(outbox_types(*store_)[3], "article.restored→all");
}

TEST_F(CheckPipelineTest, ARedirectToAnotherArticleIsARedirection) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  auto moved = page(article_html("Cookie policy", {"We use cookies to improve your experience on our site."}));
  moved.effective_url = "https://news.example/legal/cookies";
  const auto out = check(moved);
  EXPECT_EQ(out.kind, Kind::redirected);
  EXPECT_EQ(out.detail, "https://news.example/legal/cookies");
  EXPECT_EQ(article().state, "redirected");
  EXPECT_EQ(store_->versions(article_id)->size(), 1u);  // the other page is not a version of this one
  EXPECT_FALSE(*store_->find_article("https://news.example/legal/cookies"));
  const auto rows = store_->list_outbox(std::nullopt);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(nlohmann::json::parse((*rows)[0].payload)["data"]["url"], "https://news.example/legal/cookies");
}

TEST_F(CheckPipelineTest, AMovedUrlWithTheSameTextIsTheSameArticle) {
  check(page(article_html("Old pier to close", k_paragraphs)));
  auto moved = page(article_html("Old pier to close", k_paragraphs, "new chrome"));
  moved.effective_url = "https://news.example/2026/11/old-pier-to-close";
  EXPECT_EQ(check(moved).kind, Kind::unchanged);
  EXPECT_EQ(article().state, "active");
  auto found = store_->find_article("https://news.example/2026/11/old-pier-to-close");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, article_id);
}

TEST_F(CheckPipelineTest, ANewArticleIsKeyedByItsCanonicalUrl) {
  const std::string url = "https://news.example/story?id=77&ref=frontpage&utm_source=feed";
  auto created = store_->ensure_article(article_key(*config, url), url, clock.now());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->key, "https://news.example/story?id=77&ref=frontpage");  // tracking parameters dropped
  std::string html = article_html("Harbour reopens", k_paragraphs);
  html.replace(html.find("<title>"), 0, "<link rel=\"canonical\" href=\"https://news.example/harbour-reopens\">");
  auto response = page(html);
  response.effective_url = url;
  CheckPipeline pipeline(config, *store_, clock);
  ASSERT_EQ(pipeline.process(*created, response, clock.now())->kind, Kind::first_version);
  auto found = store_->find_article("https://news.example/harbour-reopens");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->key, "https://news.example/harbour-reopens");
  // The canonical URL with tracking parameters is the same article too.
  EXPECT_EQ(article_key(*config, "https://news.example/harbour-reopens?utm_medium=social#top"), (*found)->key);
}

TEST_F(CheckPipelineTest, ASlugChangeUnderTheSameSiteIdIsAHeadlineChange) {
  config = make_config("[[site]]\nmatch = \"news.example\"\nid = '/a-(\\d+)'\n");
  const std::string first_url = "https://www.news.example/world/old-pier-to-close/a-61992878";
  auto created = store_->ensure_article(article_key(*config, first_url), first_url, clock.now());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->key, "news.example:61992878");
  CheckPipeline pipeline(config, *store_, clock);
  auto response = page(article_html("Old pier to close", k_paragraphs));
  response.effective_url = first_url;
  ASSERT_EQ(pipeline.process(*created, response, clock.now())->kind, Kind::first_version);
  // The newsroom rewrites the headline, and the slug follows; the old URL redirects to the new one.
  clock.advance(std::chrono::minutes(15));
  response = page(article_html("Old pier to close for a year", k_paragraphs));
  response.effective_url = "https://www.news.example/world/old-pier-to-close-for-a-year/a-61992878";
  auto current = store_->find_article(first_url);
  const auto out = pipeline.process(**current, response, clock.now());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->kind, Kind::changed);
  EXPECT_EQ(out->classes, (std::vector<std::string>{"headline"}));
  EXPECT_EQ(store_->versions(created->id)->size(), 2u);
}

}  // namespace
}  // namespace redline::testing
