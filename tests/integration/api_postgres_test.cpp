// The review surface of a node on PostgreSQL (ctest label `postgres`; skipped with the reason when the
// test cluster is absent): a real redlined with [store] url and [api] enabled follows a local news site
// that changes; the JSON API, the diff, Atom, /metrics and the web desk answer from the database, and
// a write through the API lands in it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "notify/event.hpp"
#include "store/pg_connection.hpp"
#include "support/postgres_cluster.hpp"
#include "util/url.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string k_write_token(40, 'w');

SiteArticle floods() {
  return {"Floods close the river road",
          "Ann Reporter",
          {"Heavy rain overnight flooded the river road between the two bridges, officials said on Monday.",
           "The road will stay closed until the water recedes, the council said in a statement.",
           "Residents of the lower town were asked to move their cars to higher ground before the evening."}};
}

int64_t count(const std::string& url, const std::string& sql) {
  auto conn = pg::Connection::open(url, "redline-test");
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  if (!conn) return -1;
  auto rows = (*conn)->exec(sql);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  return rows && rows->size() > 0 ? rows->integer(0, 0) : -1;
}

TEST(ApiPostgresTest, TheApiOfANodeOnPostgresql) {
  auto db = TestDatabase::create();
  if (!db) GTEST_SKIP() << db.error().message;
  NewsSite site;
  site.put("/news/floods", floods());
  RedlineEnv env;
  env.write_config("[log]\nlevel = \"info\"\n[store]\nurl = \"" + db->url() +
                   "\"\n[node]\nname = \"api-node\"\nlease = \"5s\"\n[http]\nper_host_rate = 0\n"
                   "[api]\nlisten = \"127.0.0.1:0\"\n[[api.token]]\nname = \"writer\"\ntoken = \"" +
                   k_write_token + "\"\nscope = \"write\"\n[[watch]]\nurl = \"" + site.url("/news/floods") +
                   "\"\nevery = \"1s\"\n");
  // In the folder the CLI runs in: the default state directory ("state/", where the API's address is
  // noted) is relative to the working directory.
  Process daemon(RedlineEnv::redlined_path(),
                 ProcessOptions{{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(daemon.start().ok());
  ASSERT_TRUE(daemon.wait_for_output("API listening on", 20s)) << daemon.stderr_text();
  const uint16_t port = port_of(daemon.stderr_text());
  ASSERT_NE(port, 0) << daemon.stderr_text();
  ASSERT_TRUE(daemon.wait_for_output("first version stored", 30s)) << daemon.stderr_text();
  site.edit("/news/floods", [](SiteArticle& a) {
    a.headline = "Floods shut the river road";
    a.paragraphs.push_back("A new paragraph says the army was called in to help with sandbags.");
  });
  ASSERT_TRUE(daemon.wait_for_output("changed [", 30s)) << daemon.stderr_text();

  // Where the API listens, for `redline status` (no store file on this machine: the state directory).
  const auto status_cli = env.cli({"status"});
  EXPECT_NE(status_cli.out.find("api       http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << status_cli.out << status_cli.err;
  EXPECT_EQ(api_get(port, "/readyz").status, 200);

  auto changes = api_get(port, "/api/v1/changes");
  ASSERT_EQ(changes.status, 200) << changes.body;
  const auto c = json::parse(changes.body);
  ASSERT_EQ(c["items"].size(), 1u) << changes.body;
  EXPECT_EQ(c["items"][0]["type"], "article.changed");
  EXPECT_TRUE(parse_event(c["items"][0].dump()).ok());
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?classes=headline").body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?classes=byline").body)["items"].size(), 0u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?site=127.0.0.1").body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/changes?site=example.org").body)["items"].size(), 0u);

  auto articles = api_get(port, "/api/v1/articles");
  ASSERT_EQ(articles.status, 200) << articles.body;
  const auto list = json::parse(articles.body);
  ASSERT_EQ(list["items"].size(), 1u) << articles.body;
  EXPECT_EQ(list["items"][0]["versions"], 2);
  EXPECT_EQ(list["items"][0]["headline"], "Floods shut the river road");
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles?q=CLOSE").body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/articles?q=earthquake").body)["items"].size(), 0u);

  const std::string k = percent_encode(list["items"][0]["key"].get<std::string>());
  const auto diff = api_get(port, "/api/v1/articles/" + k + "/diff?format=text");
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(diff.body, env.cli({"diff", site.url("/news/floods")}).out);
  EXPECT_NE(diff.body.find("sandbags"), std::string::npos) << diff.body;

  const auto feed = api_get(port, "/feed.atom");
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.header("content-type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(feed.body.find("<entry>"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("Floods shut the river road"), std::string::npos) << feed.body;

  const auto metrics = api_get(port, "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_NE(metrics.body.find("redline_checks_total{result=\"changed\"} 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("redline_watches{state=\"active\"} 1"), std::string::npos) << metrics.body;

  const auto desk = api_get(port, "/");
  ASSERT_EQ(desk.status, 200) << desk.body;
  EXPECT_NE(desk.body.find("1 change, newest first"), std::string::npos) << desk.body;
  EXPECT_NE(desk.body.find("<ins class=\"edit\">shut</ins> the river road"), std::string::npos) << desk.body;
  EXPECT_EQ(api_get(port, "/a/" + k + "/diff").status, 200);

  // The live nodes of the cluster, as `redline status --json` lists them.
  const auto status = json::parse(api_get(port, "/api/v1/status").body);
  ASSERT_TRUE(status["nodes"].is_array()) << status.dump();
  ASSERT_EQ(status["nodes"].size(), 1u) << status.dump();
  EXPECT_EQ(status["nodes"][0]["name"], "api-node");
  EXPECT_EQ(status["versions"], 2);

  // A write lands in PostgreSQL.
  const std::string budget = site.url("/news/budget");
  const std::vector<std::pair<std::string, std::string>> writer = {{"Content-Type", "application/json"},
                                                                   {"Authorization", "Bearer " + k_write_token}};
  const auto added =
      api_request(port, "POST", "/api/v1/watches", writer, R"({"url": ")" + budget + R"(", "every": "1h"})");
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(count(db->url(), "SELECT count(*) FROM watch WHERE url = '" + budget + "' AND source = 'cli'"), 1);
  EXPECT_EQ(json::parse(api_get(port, "/api/v1/watches").body)["items"].size(), 2u);  // the config's and this

  // `redline serve` beside the node: the same database, read-only.
  Process serve(RedlineEnv::redline_path(),
                ProcessOptions{{"--config", env.config_path().string(), "serve", "--listen", "127.0.0.1:0"},
                               {},
                               env.dir().string(),
                               "",
                               ""});
  ASSERT_TRUE(serve.start().ok());
  ASSERT_TRUE(serve.wait_for_output("API listening on", 20s)) << serve.stderr_text();
  const uint16_t serve_port = port_of(serve.stderr_text());
  ASSERT_NE(serve_port, 0) << serve.stderr_text();
  EXPECT_EQ(json::parse(api_get(serve_port, "/api/v1/changes").body)["items"].size(), 1u);
  EXPECT_EQ(api_request(serve_port, "POST", "/api/v1/watches", writer, R"({"url": ")" + budget + R"(2"})").status, 403);
  ASSERT_TRUE(serve.terminate().ok());
  EXPECT_TRUE(serve.wait(20s).has_value());

  ASSERT_TRUE(daemon.terminate().ok());
  const auto stopped = daemon.wait(20s);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->code, 0) << daemon.stderr_text();
}

}  // namespace
}  // namespace redline::testing
