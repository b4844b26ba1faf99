// `redline status` on a store shared by several nodes (the `postgres` fixture): it lists the live
// nodes with their last heartbeat and the leases each holds, in text and JSON; a node whose heartbeat
// is older than [node] lease is not listed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "integration/redline_env.hpp"
#include "store/postgres_store.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

TEST(StatusNodesTest, ListsTheLiveNodesWithTheirLeases) {
  auto db = TestDatabase::create();
  if (!db) GTEST_SKIP() << db.error().message;
  const Timestamp now = SystemClock().now();
  {
    auto store = PostgresStore::open(db->url(), OpenMode::read_write);
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::vector<std::pair<std::string, std::string>> keys;
    for (int i = 0; i < 5; ++i)
      keys.emplace_back("https://news.example/" + std::to_string(i), "https://news.example/" + std::to_string(i));
    auto articles = (*store)->ensure_articles(keys, now - 1h);
    ASSERT_TRUE(articles.ok());
    std::vector<CheckRecord> checks;
    for (const auto& a : *articles) checks.push_back({a.id, now - 1h, now - 1min, "", "", "", "", "", true});
    ASSERT_TRUE((*store)->record_checks(checks).ok());
    ASSERT_TRUE((*store)->heartbeat("node-a", now).ok());
    ASSERT_TRUE((*store)->heartbeat("node-b", now - 2s).ok());
    ASSERT_TRUE((*store)->heartbeat("node-gone", now - 1h).ok());
    auto claimed = (*store)->claim_checks("node-a", now, 10min, 3);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 3u);
  }
  RedlineEnv env;
  env.write_config("[api]\nlisten = \"\"\n[store]\nurl = \"" + db->url() + "\"\n[node]\nlease = \"30s\"\n");

  const auto text = env.cli({"status"});
  ASSERT_EQ(text.status.code, 0) << text.err;
  EXPECT_NE(text.out.find("nodes     2 live"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  node-a  last heartbeat " + format_rfc3339(now)), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("leases: 3 checks, 0 deliveries"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  node-b  last heartbeat"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("leases: 0 checks, 0 deliveries"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("node-gone"), std::string::npos) << text.out;

  const auto json = env.cli({"status", "--json"});
  ASSERT_EQ(json.status.code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_TRUE(doc["nodes"].is_array()) << json.out;
  ASSERT_EQ(doc["nodes"].size(), 2u) << json.out;
  EXPECT_EQ(doc["nodes"][0]["name"], "node-a");
  EXPECT_EQ(doc["nodes"][0]["checks_leased"], 3);
  EXPECT_EQ(doc["nodes"][0]["deliveries_leased"], 0);
  EXPECT_EQ(doc["nodes"][0]["last_heartbeat"], format_rfc3339(now));
  EXPECT_EQ(doc["nodes"][1]["name"], "node-b");
  EXPECT_EQ(doc["nodes"][1]["checks_leased"], 0);
}

TEST(StatusNodesTest, SqliteStoreHasNoNodes) {
  RedlineEnv env;
  env.write_config("[api]\nlisten = \"\"\n[store]\npath = \"state/redline.db\"\n");
  ASSERT_EQ(env.cli({"add", "https://news.example/x"}).status.code, 0);
  const auto json = env.cli({"status", "--json"});
  ASSERT_EQ(json.status.code, 0) << json.err;
  EXPECT_TRUE(nlohmann::json::parse(json.out)["nodes"].is_null()) << json.out;
  EXPECT_EQ(env.cli({"status"}).out.find("nodes"), std::string::npos);
}

}  // namespace
}  // namespace redline::testing
