// A real `redlined` on a real PostgreSQL when the database misbehaves:
// - the server restarted (pg_ctl restart -m fast: every session cut) while the node works, or gone
//   for 40 s (stopped, then started again): the node keeps running, reconnects, stores and delivers
//   every change made before, during and after the outage, and logs the outage in a few lines, not
//   one per query or tick;
// - the server unreachable at start: exit 69 with a message naming the store and libpq's reason;
// - a schema newer than the binary knows: exit 74 naming both versions.
// The restart test starts a cluster of its own (scripts/pg-test-cluster.sh), so that restarting it
// does not disturb the other `postgres` tests; it is skipped when the PostgreSQL binaries are absent.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "store/postgres_migrations.hpp"
#include "store/postgres_store.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_script = REDLINE_SOURCE_DIR "/scripts/pg-test-cluster.sh";

SiteArticle story(int k, int r) {
  return {"Story " + std::to_string(k) + " revision " + std::to_string(r),
          "Ann Reporter",
          {"The council met on Monday to discuss story " + std::to_string(k) + " and what it means for the town.",
           "This paragraph was last rewritten in revision " + std::to_string(r) + " of the article, officials said.",
           "Residents were asked to follow the updates on the council's website during the week."}};
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The lines of a daemon's log at level warn or error.
std::vector<std::string> problems(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(" error ") != std::string::npos || line.find(" warning ") != std::string::npos) out.push_back(line);
  return out;
}

// A PostgreSQL cluster of this test's own.
class OwnCluster {
 public:
  OwnCluster() : m_dir(std::filesystem::temp_directory_path() / ("redline-pgfail-" + std::to_string(::getpid()))) {
    m_started = std::system((k_script + " start " + m_dir.string() + " >/dev/null 2>&1").c_str()) == 0;
  }
  ~OwnCluster() { (void)std::system((k_script + " stop " + m_dir.string() + " >/dev/null 2>&1").c_str()); }
  // Why the tests cannot run, or empty.
  std::string skip_reason() const {
    if (!m_started) return "scripts/pg-test-cluster.sh start failed";
    if (std::filesystem::exists(m_dir / "skip")) return read_file(m_dir / "skip");
    return {};
  }
  std::string url() const {
    auto u = read_file(m_dir / "url");
    while (!u.empty() && (u.back() == '\n' || u.back() == ' ')) u.pop_back();
    return u;
  }
  bool restart() const { return run("restart"); }
  bool down() const { return run("down"); }  // the server stops; its data stays
  bool up() const { return run("up"); }

 private:
  bool run(const std::string& command) const {
    return std::system((k_script + " " + command + " " + m_dir.string()).c_str()) == 0;
  }

  std::filesystem::path m_dir;
  bool m_started = false;
};

// One node on its own cluster, 30 articles on a local site checked every 2 s, a webhook receiver.
class PgOutageTest : public ::testing::Test {
 protected:
  static constexpr int k_articles = 30;

  void SetUp() override {
    if (auto reason = m_cluster.skip_reason(); !reason.empty()) GTEST_SKIP() << reason;
    for (int k = 0; k < k_articles; ++k) {
      m_site.put("/a/" + std::to_string(k), story(k, 0));
      m_urls.push_back(m_site.url("/a/" + std::to_string(k)));
    }
    std::string config = "[log]\nlevel = \"info\"\n[api]\nlisten = \"\"\n[store]\nurl = \"" + m_cluster.url() +
                         "\"\n[node]\nname = \"node-1\"\nlease = \"5s\"\n[schedule]\ncatch_up = \"2s\"\n"
                         "[http]\nper_host_connections = 4\nper_host_rate = 50\n"
                         "[[webhook]]\nname = \"hook\"\nurl = \"" +
                         m_receiver.url() + "\"\nsecret = \"" + k_test_secret + "\"\ntimeout = \"2s\"\n";
    for (const auto& url : m_urls) config += "[[watch]]\nurl = \"" + url + "\"\nevery = \"2s\"\n";
    m_env.write_config(config);
    m_node.emplace(RedlineEnv::redlined_path(),
                   ProcessOptions{{"--config", m_env.config_path().string()}, {}, "", "", ""});
    ASSERT_TRUE(m_node->start().ok());
    m_t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_for_versions(k_articles, 60s)) << m_node->stderr_text();
    std::printf("pg outage: first versions stored after %.1f s\n", since());
  }

  double since() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_t0).count(); }
  void edit(int first, int last) {
    for (int k = first; k < last; ++k) m_site.edit("/a/" + std::to_string(k), [&](SiteArticle& a) { a = story(k, 1); });
  }
  Result<std::unique_ptr<PostgresStore>> open_store() const {
    return PostgresStore::open(m_cluster.url(), OpenMode::read_only);
  }
  int64_t versions_stored() const {
    auto store = open_store();
    if (!store) return -1;
    auto articles = (*store)->list_articles();
    if (!articles) return -1;
    int64_t n = 0;
    for (const auto& a : *articles) n += a.version_count;
    return n;
  }
  bool wait_for_versions(int64_t n, Duration timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (versions_stored() >= n) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }
  // Deliveries of article.changed events, by webhook-id.
  std::map<std::string, int> changed() const {
    std::map<std::string, int> ids;
    for (const auto& r : m_receiver.received()) {
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (body.is_discarded() || body.value("type", "") != "article.changed") continue;
      for (const auto& [name, value] : r.headers)
        if (name == "webhook-id") ++ids[value];
    }
    return ids;
  }

  // After the outage: the `changes` edited articles (the first ones) stored once and delivered, the
  // outage logged in at most `max_lines` warning/error lines from log offset `log_before`, and the
  // node still running and stopping cleanly.
  void expect_nothing_lost(int changes, size_t log_before, size_t max_lines) {
    ASSERT_TRUE(wait_for_versions(k_articles + changes, 90s)) << m_node->stderr_text();
    std::printf("pg outage: %d changes stored after %.1f s\n", changes, since());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (changed().size() < static_cast<size_t>(changes) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(200ms);
    std::printf("pg outage: %d changes delivered after %.1f s\n", changes, since());
    ASSERT_TRUE(m_node->running()) << m_node->stderr_text();
    EXPECT_EQ(changed().size(), static_cast<size_t>(changes));
    auto store = open_store();
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int k = 0; k < k_articles; ++k) {
      auto a = (*store)->find_article(m_urls[static_cast<size_t>(k)]);
      ASSERT_TRUE(a.ok() && *a) << m_urls[static_cast<size_t>(k)];
      EXPECT_EQ((**a).version_count, k < changes ? 2 : 1) << m_urls[static_cast<size_t>(k)];
    }
    // The outage in a few lines, not one per query or tick: one from each part of the node whose
    // store call failed (the bookkeeping, the watch list, the claims, the dispatcher), and one from
    // the connection when it is back.
    const auto outage = problems(m_node->stderr_text().substr(log_before));
    std::string shown;
    for (const auto& line : outage) shown += line + "\n";
    std::printf("pg outage: %zu warning/error lines\n%s", outage.size(), shown.c_str());
    EXPECT_GE(outage.size(), 1u) << "the outage went unnoticed?";
    EXPECT_LE(outage.size(), max_lines) << shown;

    ASSERT_TRUE(m_node->terminate().ok());
    auto status = m_node->wait(20s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 0) << m_node->stderr_text();
  }

  OwnCluster m_cluster;
  NewsSite m_site;
  std::vector<std::string> m_urls;
  WebhookReceiver m_receiver{k_test_secret};
  RedlineEnv m_env;
  std::optional<Process> m_node;
  std::chrono::steady_clock::time_point m_t0;
};

TEST_F(PgOutageTest, ServerRestartedUnderLoadLosesNothing) {
  // Ten articles change, and the server restarts while the node checks them; ten more change after.
  edit(0, 10);
  const size_t log_before = m_node->stderr_text().size();
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(m_cluster.restart());
  edit(10, 20);
  std::printf("pg restart: server back after %.1f s\n", since());
  expect_nothing_lost(20, log_before, 5);
}

TEST_F(PgOutageTest, ServerDownForLongLosesNothingAndLogsTheOutageOnce) {
  // The server is gone for 40 s (some 20 rounds of checks, hundreds of ticks and store calls that
  // fail): ten articles changed before it went, ten while it is away.
  constexpr auto k_outage = 40s;
  edit(0, 10);
  const size_t log_before = m_node->stderr_text().size();
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(m_cluster.down());
  std::printf("pg down: server stopped at %.1f s\n", since());
  edit(10, 20);
  std::this_thread::sleep_for(k_outage);
  ASSERT_TRUE(m_node->running()) << "the node gave up while its database was away: " << m_node->stderr_text();
  ASSERT_TRUE(m_cluster.up());
  std::printf("pg down: server back at %.1f s\n", since());
  expect_nothing_lost(20, log_before, 5);
}

TEST(PgFailureTest, UnreachableServerAtStartIsExit69) {
  // A port nobody listens on: bound by the kernel, then released.
  RedlineEnv env;
  env.write_config("[api]\nlisten = \"\"\n[store]\nurl = \"postgresql://redline:secret@127.0.0.1:1/redline\"\n");
  Process node(RedlineEnv::redlined_path(), {{"--config", env.config_path().string()}, {}, "", "", ""});
  ASSERT_TRUE(node.start().ok());
  auto status = node.wait(60s);
  ASSERT_TRUE(status) << "redlined kept running without its database";
  EXPECT_EQ(status->code, 69) << node.stderr_text();
  const auto err = node.stderr_text();
  EXPECT_NE(err.find("cannot open the store"), std::string::npos) << err;
  EXPECT_NE(err.find("127.0.0.1"), std::string::npos) << err;
  EXPECT_EQ(err.find("secret"), std::string::npos) << "the password leaked: " << err;
}

TEST(PgFailureTest, NewerSchemaIsRefusedWithExit74) {
  auto db = TestDatabase::create();
  if (!db) GTEST_SKIP() << db.error().message;
  {
    auto store = PostgresStore::open(db->url(), OpenMode::read_write);
    ASSERT_TRUE(store.ok()) << store.error().message;
  }
  ASSERT_TRUE(db->exec("INSERT INTO redline_schema (version) VALUES (99)").ok());
  RedlineEnv env;
  env.write_config("[api]\nlisten = \"\"\n[store]\nurl = \"" + db->url() + "\"\n");
  Process node(RedlineEnv::redlined_path(), {{"--config", env.config_path().string()}, {}, "", "", ""});
  ASSERT_TRUE(node.start().ok());
  auto status = node.wait(60s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 74) << node.stderr_text();
  const auto err = node.stderr_text();
  EXPECT_NE(err.find("has schema version 99, newer than this program knows (" +
                     std::to_string(pg::latest_schema_version()) + "); upgrade redline"),
            std::string::npos)
      << err;
  // Nothing was written to the newer schema.
  auto store = PostgresStore::open(db->url(), OpenMode::read_write);
  ASSERT_FALSE(store.ok());
}

}  // namespace
}  // namespace redline::testing
