// The CLI's writing commands (import, outbox retry, gc) against the same store as a running redlined,
// and a store another process keeps locked.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "store/sqlite_store.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::filesystem::path k_corpus = REDLINE_TEST_DATA_DIR "/revisions/dw";

SiteArticle river_article() {
  return {"Floods close the river road",
          "Ann Reporter",
          {"Heavy rain overnight flooded the river road between the two bridges, officials said on Monday.",
           "The road will stay closed until the water recedes, which could take several days.",
           "Residents of the lower town were asked to move their cars to higher ground before the evening."}};
}

class StoreOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site.put("/news/floods", river_article());
    env.write_config(config_text());
  }

  std::string config_text() const {
    return "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
           "[notify]\nmax_age = \"1s\"\n"  // one failed attempt and the row is dead
           "[[watch]]\nurl = \"" +
           site.url("/news/floods") +
           "\"\nevery = \"1s\"\n"
           "[[webhook]]\nname = \"newsroom\"\nurl = \"" +
           receiver.url() + "\"\nsecret = \"" + k_test_secret +
           "\"\n"
           "[[site]]\nmatch = \"dw.com\"\nid = '/a-(\\d+)'\ndrop_text = ['^获取更多RSS', "
           "'feedx\\.(?:net|fun|run|top)']\n";
  }

  json cli_json(std::vector<std::string> args) const {
    const auto r = env.cli(std::move(args));
    EXPECT_EQ(r.status.code, 0) << r.err;
    return r.status.code == 0 ? json::parse(r.out) : json::array();
  }

  // Polls `fn` every 200 ms until it is true or `timeout` passes.
  template <typename Fn>
  static bool eventually(Fn&& fn, Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (fn()) return true;
      std::this_thread::sleep_for(200ms);
    }
    return fn();
  }

  int64_t total_versions() const {
    int64_t n = 0;
    for (const auto& a : cli_json({"list", "--json"})) n += a["versions"].get<int64_t>();
    return n;
  }

  NewsSite site;
  WebhookReceiver receiver{k_test_secret};
  RedlineEnv env;
};

TEST_F(StoreOpsTest, ImportAndOutboxRetryWhileTheDaemonRuns) {
  receiver.answer(503);
  Process daemon(RedlineEnv::redlined_path(),
                 {{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(daemon.wait_for_output("/news/floods: first version stored", 30s)) << daemon.stderr_text();

  // An edit the daemon stores and fails to deliver: the row goes dead (max_age 1s).
  site.edit("/news/floods", [](SiteArticle& a) { a.headline = "Floods close the river road for a week"; });
  json dead;
  ASSERT_TRUE(eventually(
      [&] {
        dead = cli_json({"outbox", "list", "--state", "dead", "--json"});
        return dead.size() == 1;
      },
      30s))
      << daemon.stderr_text();
  const std::string event_id = dead[0]["event_id"];
  EXPECT_EQ(dead[0]["notifier"], "newsroom");

  // The archive import writes its versions while the daemon keeps checking (every second).
  const auto imported = env.cli({"import", k_corpus.string()});
  ASSERT_EQ(imported.status.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("42 captures of 20 articles: 41 versions stored, 1 unchanged"), std::string::npos)
      << imported.out;
  EXPECT_NE(imported.err.find("MANIFEST.tsv: not a feed-archive capture"), std::string::npos) << imported.err;
  EXPECT_TRUE(cli_json({"outbox", "list", "--state", "pending", "--json"}).empty());  // no --notify

  // The receiver is back; the operator retries the dead event and the running daemon delivers it.
  receiver.answer(200);
  const auto retried = env.cli({"outbox", "retry", event_id});
  ASSERT_EQ(retried.status.code, 0) << retried.err;
  EXPECT_NE(retried.out.find("queued again: 1 row"), std::string::npos) << retried.out;
  ASSERT_TRUE(eventually(
      [&] {
        const auto delivered = cli_json({"outbox", "list", "--state", "delivered", "--json"});
        for (const auto& row : delivered)
          if (row["event_id"] == event_id && row["notifier"] == "newsroom") return true;
        return false;
      },
      30s))
      << daemon.stderr_text();
  size_t with_id = 0;
  for (const auto& hook : receiver.received())
    for (const auto& [name, value] : hook.headers)
      if (name == "webhook-id" && value == event_id) ++with_id;
  EXPECT_GE(with_id, 2u);  // the failed attempt and the retried one, same webhook-id

  // A further edit after all that is still stored by the daemon: it re-reads the latest version.
  site.edit("/news/floods", [](SiteArticle& a) { a.paragraphs.push_back("The army was called in on Tuesday."); });
  ASSERT_TRUE(eventually(
      [&] {
        return cli_json({"log", site.url("/news/floods"), "--json"}).size() == 3;
      },
      30s))
      << daemon.stderr_text();

  ASSERT_TRUE(daemon.terminate());
  ASSERT_TRUE(daemon.wait(20s));
  // Both sides' work persisted: 41 imported versions + 3 of the daemon's article, in a sound file.
  EXPECT_EQ(total_versions(), 44);
  auto store = SqliteStore::open(env.store_path(), OpenMode::read_only);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*(*store)->integrity_check(), "ok");
  EXPECT_EQ(daemon.stderr_text().find("store error"), std::string::npos) << daemon.stderr_text();
}

// A second connection (this test process) holds the write lock, as a stuck tool or backup might.
class HeldLock {
 public:
  explicit HeldLock(const std::filesystem::path& db) {
    sqlite3_open(db.c_str(), &m_db);
    sqlite3_busy_timeout(m_db, 10000);  // the daemon may be writing at this moment
    m_ok = sqlite3_exec(m_db, "BEGIN EXCLUSIVE; UPDATE article SET state = state;", nullptr, nullptr, nullptr) ==
           SQLITE_OK;
  }
  ~HeldLock() { sqlite3_close_v2(m_db); }
  void release() { sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr); }
  bool ok() const { return m_ok; }

 private:
  sqlite3* m_db = nullptr;
  bool m_ok = false;
};

TEST_F(StoreOpsTest, ALockedStoreIsOneClearErrorAndTheWorkIsDoneOnceItIsFree) {
  ASSERT_EQ(env.run_once().status.code, 0);
  HeldLock lock(env.store_path());
  ASSERT_TRUE(lock.ok());

  // The CLI waits out the busy timeout, then says what happened, to which file, and what to do.
  const auto import = env.cli({"import", (k_corpus / "a-62043662").string()});
  EXPECT_EQ(import.status.code, 74);
  EXPECT_NE(import.err.find("redline.db"), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("database is locked"), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("run the same import again"), std::string::npos) << import.err;
  EXPECT_EQ(std::count(import.err.begin(), import.err.end(), '\n'), 1) << import.err;
  const auto gc = env.cli({"gc"});
  EXPECT_EQ(gc.status.code, 74);
  EXPECT_NE(gc.err.find("database is locked"), std::string::npos) << gc.err;

  // The daemon cannot start on a store it cannot write: one clear line and exit 74 (systemd restarts it).
  const auto locked_start = env.run_once();
  EXPECT_EQ(locked_start.status.code, 74) << locked_start.err;
  EXPECT_NE(locked_start.err.find("database is locked (another process"), std::string::npos) << locked_start.err;
  EXPECT_EQ(cli_json({"log", site.url("/news/floods"), "--json"}).size(), 1u);  // readers still read
  lock.release();

  // A running daemon whose store gets locked logs the store error, keeps running, and stores the edit
  // at a later check once the lock is gone.
  Process daemon(RedlineEnv::redlined_path(),
                 {{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(daemon.wait_for_output("redlined 0", 30s)) << daemon.stderr_text();
  {
    HeldLock again(env.store_path());
    ASSERT_TRUE(again.ok());
    site.edit("/news/floods", [](SiteArticle& a) { a.headline = "Floods close the river road for a week"; });
    ASSERT_TRUE(daemon.wait_for_output("store error", 30s)) << daemon.stderr_text();
    EXPECT_NE(daemon.stderr_text().find("database is locked"), std::string::npos) << daemon.stderr_text();
    EXPECT_TRUE(daemon.running());
  }
  ASSERT_TRUE(daemon.wait_for_output("changed [headline", 30s)) << daemon.stderr_text();
  ASSERT_TRUE(daemon.terminate());
  ASSERT_TRUE(daemon.wait(20s));
  EXPECT_EQ(cli_json({"log", site.url("/news/floods"), "--json"}).size(), 2u);

  const auto imported = env.cli({"import", (k_corpus / "a-62043662").string()});
  ASSERT_EQ(imported.status.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("3 versions stored"), std::string::npos) << imported.out;
  EXPECT_EQ(total_versions(), 5);

  // Operator mistakes are usage errors, not store errors.
  const auto unknown = env.cli({"outbox", "retry", "msg_nope"});
  EXPECT_EQ(unknown.status.code, 2);
  EXPECT_NE(unknown.err.find("no outbox row for event msg_nope"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace redline::testing
