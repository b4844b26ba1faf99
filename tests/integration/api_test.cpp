// The API, Atom feeds and /metrics of the real redlined (and `redline serve`) on an ephemeral port,
// with a real news site that changes, and hostile text that must stay inert in every format.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/write.hpp>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "api/router.hpp"
#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "notify/event.hpp"
#include "store/sqlite_store.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string k_read_token(40, 'r');
const std::string k_write_token(40, 'w');

// Hostile text as the page shows it (escaped in the HTML, so the extractor reads it literally).
SiteArticle hostile_article() {
  return {
      "Floods &lt;script&gt;alert(1)&lt;/script&gt; close the road \"&gt;&lt;img src=x onerror=alert(2)&gt; ]]&gt; "
      "\u2028 end",
      "Ann &lt;script&gt;Reporter&lt;/script&gt;",
      {"Heavy rain overnight flooded the river road between the two bridges, officials said on Monday.",
       "The road will stay closed &lt;script&gt;alert(3)&lt;/script&gt; until the water recedes ]]&gt; soon.",
       "Residents of the lower town were asked to move their cars to higher ground before the evening."}};
}

std::string tokens_config() {
  return "[[api.token]]\nname = \"reader\"\ntoken = \"" + k_read_token +
         "\"\nscope = \"read\"\n[[api.token]]\nname = \"writer\"\ntoken = \"" + k_write_token +
         "\"\nscope = \"write\"\n";
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site.put("/news/floods", hostile_article());
    env.write_config(
        "[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
        "[api]\nlisten = \"127.0.0.1:0\"\n" +
        tokens_config() + "[[watch]]\nurl = \"" + site.url("/news/floods") + "\"\nevery = \"1s\"\n");
  }

  // Starts redlined, waits for its first version and one change.
  void start_daemon_with_a_change() {
    daemon = std::make_unique<Process>(RedlineEnv::redlined_path(),
                                       ProcessOptions{{"--config", env.config_path().string()}, {}, "", "", ""});
    ASSERT_TRUE(daemon->start().ok());
    ASSERT_TRUE(daemon->wait_for_output("API listening on", 20s)) << daemon->stderr_text();
    port = port_of(daemon->stderr_text());
    ASSERT_NE(port, 0) << daemon->stderr_text();
    ASSERT_TRUE(daemon->wait_for_output("first version stored", 30s)) << daemon->stderr_text();
    site.edit("/news/floods", [](SiteArticle& a) {
      a.headline =
          "Floods &lt;script&gt;alert(1)&lt;/script&gt; shut the road \"&gt;&lt;img src=x onerror=alert(2)&gt; ]]&gt; "
          "\u2028 end";
      a.paragraphs.push_back("A new paragraph says the army was called in &lt;b&gt;to help&lt;/b&gt; with sandbags.");
    });
    ASSERT_TRUE(daemon->wait_for_output("changed [", 30s)) << daemon->stderr_text();
  }

  void TearDown() override {
    if (daemon) {
      (void)daemon->terminate();
      daemon->wait(10s);
    }
  }

  NewsSite site;
  RedlineEnv env;
  std::unique_ptr<Process> daemon;
  uint16_t port = 0;
};

// No raw markup from the page survives outside of the escaped forms.
void expect_inert(const std::string& body, const std::string& what) {
  EXPECT_EQ(body.find("<script"), std::string::npos) << what << ": " << body.substr(0, 2000);
  EXPECT_EQ(body.find("<img"), std::string::npos) << what;
}

TEST_F(ApiTest, EveryEndpointWithRealData) {
  ASSERT_NO_FATAL_FAILURE(start_daemon_with_a_change());
  // redline status shows where the API is.
  const auto status_cli = env.cli({"status"});
  EXPECT_NE(status_cli.out.find("api       http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << status_cli.out;

  EXPECT_EQ(api_get(port, "/healthz").status, 200);
  EXPECT_EQ(api_get(port, "/readyz").status, 200);
  auto status = api_get(port, "/api/v1/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(status.header("referrer-policy"), "no-referrer");
  const auto status_json = json::parse(status.body);
  const auto cli_json = json::parse(env.cli({"status", "--json"}).out);
  EXPECT_EQ(status_json["articles"], cli_json["articles"]);
  EXPECT_EQ(status_json["versions"], 2);

  // Articles, with a cursor and 304.
  auto articles = api_get(port, "/api/v1/articles?limit=10");
  ASSERT_EQ(articles.status, 200) << articles.body;
  const auto list = json::parse(articles.body);
  ASSERT_EQ(list["items"].size(), 1u);
  const std::string key = list["items"][0]["key"];
  EXPECT_EQ(list["items"][0]["versions"], 2);
  EXPECT_EQ(list["items"][0]["site"], "127.0.0.1");
  EXPECT_NE(list["items"][0]["headline"].get<std::string>().find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_TRUE(list["next"].is_null());
  ASSERT_FALSE(articles.header("etag").empty());
  EXPECT_EQ(api_get(port, "/api/v1/articles?limit=10", {{"If-None-Match", articles.header("etag")}}).status, 304);
  expect_inert(articles.body, "articles");
  // Search: a substring of a former headline; nothing for a word never used.
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles?q=close").body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles?q=earthquake").body)["items"].size(), 0u);

  const std::string k = redline::percent_encode(key);
  auto detail = api_get(port, "/api/v1/articles/" + k);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const auto d = json::parse(detail.body);
  ASSERT_EQ(d["history"].size(), 2u);
  EXPECT_EQ(d["history"][1]["classes"][0], "headline");
  auto v1 = api_get(port, "/api/v1/articles/" + k + "/versions/1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(json::parse(v1.body)["version"], 1);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles/" + k + "/versions/-1").body)["version"], 2);
  EXPECT_EQ(api_get(port, "/api/v1/articles/" + k + "/versions/3").status, 404);
  EXPECT_EQ(api_get(port, "/api/v1/articles/" + k + "/versions/x").status, 404);

  // The diff in each format, as `redline diff` prints it.
  const auto diff_text = api_get(port, "/api/v1/articles/" + k + "/diff?format=text");
  ASSERT_EQ(diff_text.status, 200);
  EXPECT_EQ(diff_text.body, env.cli({"diff", site.url("/news/floods")}).out);
  const auto diff_html = api_get(port, "/api/v1/articles/" + k + "/diff?format=html");
  EXPECT_EQ(diff_html.body, env.cli({"diff", site.url("/news/floods"), "--format", "html"}).out);
  expect_inert(diff_html.body, "diff html");
  EXPECT_NE(diff_html.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles/" + k + "/diff").body),
            json::parse(env.cli({"diff", site.url("/news/floods"), "--json"}).out));
  EXPECT_EQ(api_get(port, "/api/v1/articles/" + k + "/diff?format=pdf").status, 400);

  // Changes: the webhook envelope.
  auto changes = api_get(port, "/api/v1/changes");
  ASSERT_EQ(changes.status, 200) << changes.body;
  const auto c = json::parse(changes.body);
  ASSERT_EQ(c["items"].size(), 1u);
  EXPECT_EQ(c["items"][0]["type"], "article.changed");
  EXPECT_TRUE(parse_event(c["items"][0].dump()).ok());
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?classes=byline").body)["items"].size(), 0u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?classes=headline,byline").body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?site=example.org").body)["items"].size(), 0u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?until=2000-01-01T00:00:00Z").body)["items"].size(), 0u);
  EXPECT_EQ(api_get(port, "/api/v1/changes?since=yesterday").status, 400);
  EXPECT_EQ(api_get(port, "/api/v1/changes?limit=201").status, 400);
  EXPECT_EQ(api_get(port, "/api/v1/changes?cursor=bogus").status, 400);
  EXPECT_EQ(api_get(port, "/api/v1/changes", {{"If-None-Match", changes.header("etag")}}).status, 304);

  // Atom.
  for (const std::string& path :
       std::vector<std::string>{"/feed.atom", "/sites/127.0.0.1.atom", "/articles/" + k + ".atom"}) {
    auto feed = api_get(port, path);
    ASSERT_EQ(feed.status, 200) << path << feed.body;
    EXPECT_EQ(feed.header("content-type"), "application/atom+xml; charset=utf-8");
    EXPECT_NE(feed.body.find("<entry>"), std::string::npos) << path;
    EXPECT_EQ(feed.body.find("]]>"), std::string::npos) << path;
    expect_inert(feed.body, path);
    EXPECT_EQ(api_get(port, path, {{"If-None-Match", feed.header("etag")}}).status, 304);
    EXPECT_EQ(api_get(port, path, {{"If-Modified-Since", feed.header("last-modified")}}).status, 304);
  }
  EXPECT_EQ(api_get(port, "/feeds/none.atom").body.find("<entry>"), std::string::npos);

  // Metrics.
  auto metrics = api_get(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("redline_checks_total{result=\"changed\"} 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("redline_watches{state=\"active\"} 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("redline_build_info{version="), std::string::npos);

  // Writes: 401 without or with a wrong token, 403 with a read token, then done with the write token.
  const std::string add = R"({"url": ")" + site.url("/news/budget") + R"(", "every": "1h"})";
  const std::vector<std::pair<std::string, std::string>> json_type = {{"Content-Type", "application/json"}};
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", json_type, add).status, 401);
  auto wrong = json_type;
  wrong.emplace_back("Authorization", "Bearer " + std::string(40, 'x'));
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", wrong, add).status, 401);
  auto reader = json_type;
  reader.emplace_back("Authorization", "Bearer " + k_read_token);
  const auto forbidden = api_request(port, "POST", "/api/v1/watches", reader, add);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.header("content-type"), "application/problem+json");
  auto writer = json_type;
  writer.emplace_back("Authorization", "Bearer " + k_write_token);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", writer, add).status, 201);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", writer, add).status, 200);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", writer, R"({"url": "ftp://x"})").status, 400);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", writer, "not json").status, 400);
  const auto watches = json::parse(api_get(port, "/api/v1/watches").body);
  EXPECT_EQ(watches["items"].size(), 2u);
  EXPECT_NE(env.cli({"status"}).out.find("cli 1"), std::string::npos);
  const std::string del = "/api/v1/watches?url=" + redline::percent_encode(site.url("/news/budget"));
  EXPECT_EQ(api_request(port, "DELETE", del, {{"Authorization", "Bearer " + k_read_token}}).status, 403);
  EXPECT_EQ(api_request(port, "DELETE", del, {{"Authorization", "Bearer " + k_write_token}}).status, 204);
  EXPECT_EQ(api_request(port, "DELETE", del, {{"Authorization", "Bearer " + k_write_token}}).status, 404);

  // Outbox: the change's diff-log row; retry and drop as `redline outbox`.
  const auto delivered = json::parse(api_get(port, "/api/v1/outbox?state=delivered").body);
  ASSERT_GE(delivered["items"].size(), 1u);
  const std::string event_id = delivered["items"][0]["event_id"];
  const std::vector<std::pair<std::string, std::string>> write_auth = {{"Authorization", "Bearer " + k_write_token}};
  EXPECT_EQ(api_request(port, "DELETE", "/api/v1/outbox/" + event_id, write_auth).status, 409);  // delivered
  EXPECT_EQ(api_request(port, "POST", "/api/v1/outbox/evt_unknown/retry", write_auth).status, 404);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/outbox/" + event_id + "/retry").status, 401);
  EXPECT_EQ(api_get(port, "/api/v1/outbox?state=sideways").status, 400);

  // Errors: unknown paths and methods, traversal, oversized requests.
  const auto missing = api_get(port, "/api/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  EXPECT_EQ(json::parse(missing.body)["status"], 404);
  EXPECT_EQ(api_request(port, "PUT", "/api/v1/changes").status, 405);
  EXPECT_EQ(api_get(port, "/api/v1/articles/..%2F..%2Fetc%2Fpasswd").status, 404);
  EXPECT_EQ(api_get(port, "/api/v1/articles/%2E%2E").status, 400);
  EXPECT_EQ(api_get(port, "/../../etc/passwd").status, 400);
  EXPECT_EQ(api_get(port, "/api/v1/articles/%zz").status, 400);
  EXPECT_EQ(api_get(port, "/api/v1/articles", {{"X-Big", std::string(10000, 'a')}}).status, 431);
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", writer, std::string(70000, ' ')).status, 413);

  // Real clients: feedparser, jsonschema against docs/openapi.yaml, promtool, newsboat, prometheus.
  ProcessOptions clients;
  clients.args = {REDLINE_SOURCE_DIR "/tests/integration/api_clients.py", std::to_string(port), env.dir().string(),
                  REDLINE_SOURCE_DIR};
  Process python("/usr/bin/python3", clients);
  ASSERT_TRUE(python.start().ok());
  const auto done = python.wait(120s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->code, 0) << python.stdout_text() << python.stderr_text();
}

TEST_F(ApiTest, SlowlorisDoesNotStopANormalClient) {
  ASSERT_NO_FATAL_FAILURE(start_daemon_with_a_change());
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> holders;
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < 500; ++i) {
    holders.emplace_back(io);
    holders.back().connect(endpoint);
    boost::asio::write(holders.back(),
                       boost::asio::buffer(std::string("GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ")));
  }
  const auto started = std::chrono::steady_clock::now();
  const auto reply = api_get(port, "/api/v1/changes");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply.status, 200);
  EXPECT_LT(took, 2s) << "a normal client waited behind 500 half-sent requests";
}

TEST(ApiConfig, NonLoopbackListenWithoutATokenExits78) {
  RedlineEnv env;
  env.write_config("[store]\npath = \"state/redline.db\"\n[api]\nlisten = \"0.0.0.0:8421\"\n");
  auto r = Process::run(RedlineEnv::redlined_path(), {{"--config", env.config_path().string()}, {}, "", "", ""}, 20s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 78);
  auto cli = env.cli({"serve", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(cli.status.code, 78) << cli.err;
  EXPECT_NE(cli.err.find("redline.toml:"), std::string::npos) << cli.err;
}

// 1 000 changes paged 50 at a time through `redline serve` while a writer adds more: every change
// of the first snapshot exactly once, none twice.
TEST(ApiPaging, ThousandChangesWithCursorsWhileNewOnesArrive) {
  RedlineEnv env;
  env.write_config("[store]\npath = \"state/redline.db\"\n[api]\nlisten = \"127.0.0.1:0\"\n");
  auto opened = SqliteStore::open(env.store_path(), OpenMode::read_write);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteStore& store = **opened;
  const Timestamp t0 = from_epoch_ms(1'700'000'000'000);
  auto article = store.ensure_article("https://news.test/a", "https://news.test/a", t0);
  ASSERT_TRUE(article.ok());
  int next_version = 0;
  std::vector<std::string> initial_ids;
  const auto make_versions = [&](int n, std::vector<std::string>* ids) {
    std::vector<NewVersion> batch;
    for (int i = 0; i < n; ++i, ++next_version) {
      NewVersion nv;
      nv.article_id = article->id;
      nv.captured_at = t0 + std::chrono::seconds(next_version);
      nv.url = "https://news.test/a";
      nv.content.headline = "Headline number " + std::to_string(next_version);
      nv.content.blocks = {{BlockKind::paragraph, "Body " + std::to_string(next_version)}};
      nv.fingerprint = "f" + std::to_string(next_version);
      Event e;
      e.id = make_event_id();
      e.occurred_at = nv.captured_at;
      e.article_key = "https://news.test/a";
      e.url = nv.url;
      e.classes = {"headline"};
      OutboxEntry row;
      row.event_id = e.id;
      row.notifier = "difflog";
      row.payload = render_event(e);
      nv.outbox.push_back(row);
      if (ids) ids->push_back(e.id);
      batch.push_back(std::move(nv));
    }
    ASSERT_TRUE(store.add_versions(batch).ok());
  };
  make_versions(1000, &initial_ids);

  Process serve(RedlineEnv::redline_path(), {{"--config", env.config_path().string(), "serve"}, {}, "", "", ""});
  ASSERT_TRUE(serve.start().ok());
  ASSERT_TRUE(serve.wait_for_output("API listening on", 20s)) << serve.stderr_text();
  const uint16_t port = port_of(serve.stderr_text());

  std::vector<std::string> later;
  std::set<std::string> seen;
  size_t pages = 0, duplicates = 0;
  std::string cursor;
  for (;;) {
    const auto reply = api_get(port, "/api/v1/changes?limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto page = json::parse(reply.body);
    for (const auto& item : page["items"])
      if (!seen.insert(item["data"]["event_id"].get<std::string>()).second) ++duplicates;
    ++pages;
    make_versions(3, &later);  // new changes arrive between pages
    if (page["next"].is_null()) break;
    cursor = page["next"];
  }
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(pages, 20u);
  EXPECT_EQ(seen.size(), 1000u);
  for (const auto& id : initial_ids) EXPECT_TRUE(seen.count(id)) << id;
  // The newest come first on a fresh first page.
  const auto first = json::parse(api_get(port, "/api/v1/changes?limit=1").body);
  EXPECT_EQ(first["items"][0]["data"]["event_id"], later.back());
  (void)serve.terminate();
  EXPECT_EQ(serve.wait(10s)->code, 0);
}

}  // namespace
}  // namespace redline::testing
