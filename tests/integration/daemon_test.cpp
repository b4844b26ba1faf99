// End to end: the real redlined and redline binaries against a real news site and a real webhook
// receiver on 127.0.0.1.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

SiteArticle flood_article() {
  return {"Floods close the river road",
          "Ann Reporter",
          {"Heavy rain overnight flooded the river road between the two bridges, officials said on Monday.",
           "The road will stay closed until the water recedes, which could take several days.",
           "Residents of the lower town were asked to move their cars to higher ground before the evening.",
           "The weather service expects more rain on Wednesday, with up to 40 millimetres in the hills."}};
}

SiteArticle budget_article() {
  return {"Council passes the budget",
          "Bo Writer",
          {"The city council passed next year's budget by nine votes to four after a long debate.",
           "Spending on schools rises by three percent, while the road repair fund stays the same.",
           "The mayor called the vote a sensible compromise that keeps taxes where they are."}};
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site.put("/news/floods", flood_article());
    site.put("/news/budget", budget_article());
    env.write_config(config_text());
  }

  std::string config_text(const std::string& every = "1h") const {
    return "[log]\nlevel = \"debug\"\n[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
           "[[watch]]\nurl = \"" +
           site.url("/news/floods") + "\"\nevery = \"" + every +
           "\"\n"
           "[[watch]]\nurl = \"" +
           site.url("/news/budget") + "\"\nevery = \"" + every +
           "\"\n"
           "[[webhook]]\nname = \"newsroom\"\nurl = \"" +
           receiver.url() + "\"\nsecret = \"" + k_test_secret + "\"\n";
  }

  json log_json(const std::string& url) const {
    const auto r = env.cli({"log", url, "--json"});
    EXPECT_EQ(r.status.code, 0) << r.err;
    return json::parse(r.out);
  }

  NewsSite site;
  WebhookReceiver receiver{k_test_secret};
  RedlineEnv env;
};

TEST_F(DaemonTest, StoresFirstVersionsWithoutEvents) {
  const auto r = env.run_once();
  ASSERT_EQ(r.status.code, 0) << r.err;
  for (const auto& path : {"/news/floods", "/news/budget"}) {
    const auto log = log_json(site.url(path));
    ASSERT_EQ(log.size(), 1u) << log;
    EXPECT_EQ(log[0]["version"], 1);
    EXPECT_FALSE(log[0]["captured_at"].get<std::string>().empty());
  }
  EXPECT_EQ(log_json(site.url("/news/floods"))[0]["headline"], "Floods close the river road");
  EXPECT_TRUE(receiver.received().empty());

  // The stored body is the article: no ticker, no "most read", no ad.
  const auto show = env.cli({"show", site.url("/news/floods"), "--json"});
  ASSERT_EQ(show.status.code, 0) << show.err;
  const auto body = json::parse(show.out)["body"].get<std::string>();
  EXPECT_NE(body.find("flooded the river road"), std::string::npos) << body;
  EXPECT_NE(body.find("40 millimetres"), std::string::npos) << body;
  EXPECT_EQ(body.find("Breaking"), std::string::npos) << body;
  EXPECT_EQ(body.find("Most read"), std::string::npos) << body;
  EXPECT_EQ(body.find("Advertisement"), std::string::npos) << body;
}

TEST_F(DaemonTest, ChromeChurnAndUnchangedArticlesMakeNoVersion) {
  ASSERT_EQ(env.run_once().status.code, 0);
  for (int round = 0; round < 2; ++round) {
    const auto r = env.run_once();
    ASSERT_EQ(r.status.code, 0) << r.err;
  }
  EXPECT_EQ(site.server().request_count("/news/floods"), 3u);
  EXPECT_EQ(log_json(site.url("/news/floods")).size(), 1u);
  EXPECT_EQ(log_json(site.url("/news/budget")).size(), 1u);
  EXPECT_TRUE(receiver.received().empty());
  EXPECT_EQ(env.read_difflog(), "");
}

TEST_F(DaemonTest, AnEditMakesAVersionADiffAndOneSignedWebhook) {
  ASSERT_EQ(env.run_once().status.code, 0);
  site.edit("/news/floods", [](SiteArticle& a) {
    a.headline = "Floods close the river road for a week";
    a.paragraphs[1] = "The road will stay closed for at least a week, the transport office said.";
    a.paragraphs.push_back("Schools in the lower town will open two hours late on Tuesday.");
  });
  const auto r = env.run_once();
  ASSERT_EQ(r.status.code, 0) << r.err;

  const auto log = log_json(site.url("/news/floods"));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["version"], 2);
  EXPECT_EQ(log[1]["headline"], "Floods close the river road for a week");
  EXPECT_EQ(log_json(site.url("/news/budget")).size(), 1u);

  // Exactly one webhook, signed, with the documented envelope.
  const auto hooks = receiver.received();
  ASSERT_EQ(hooks.size(), 1u) << r.err;
  EXPECT_TRUE(hooks[0].signature_ok) << hooks[0].verify_error;
  const auto payload = json::parse(hooks[0].body);
  EXPECT_EQ(payload["type"], "article.changed");
  const auto& data = payload["data"];
  EXPECT_EQ(data["url"], site.url("/news/floods"));
  EXPECT_EQ(data["old"]["version"], 1);
  EXPECT_EQ(data["new"]["version"], 2);
  EXPECT_EQ(data["old"]["headline"], "Floods close the river road");
  EXPECT_EQ(data["new"]["headline"], "Floods close the river road for a week");
  const auto classes = data["classes"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(classes.begin(), classes.end(), "headline"), classes.end());
  EXPECT_NE(std::find(classes.begin(), classes.end(), "body"), classes.end());
  EXPECT_EQ(data["stats"]["paragraphs_added"], 1);
  EXPECT_EQ(data["stats"]["paragraphs_changed"], 1);
  const auto diff = data["diff"].get<std::string>();
  EXPECT_NE(diff.find("# Floods close the river road{+ for a week+}"), std::string::npos) << diff;
  EXPECT_NE(diff.find("[-until the water recedes-]{+for at least a week+}"), std::string::npos) << diff;
  EXPECT_NE(diff.find("Schools in the lower town"), std::string::npos) << diff;
  bool id_matches = false;
  for (const auto& [k, v] : hooks[0].headers)
    if (k == "webhook-id") id_matches = v == data["event_id"];
  EXPECT_TRUE(id_matches);

  // The diff log has a human-readable entry.
  const auto difflog = env.read_difflog();
  EXPECT_NE(difflog.find("Floods close the river road for a week"), std::string::npos) << difflog;
  EXPECT_NE(difflog.find(site.url("/news/floods")), std::string::npos) << difflog;
  EXPECT_NE(difflog.find("{+for at least a week+}"), std::string::npos) << difflog;

  // The CLI shows the same change; diff exits 1 like diff(1).
  const auto d = env.cli({"diff", site.url("/news/floods")});
  EXPECT_EQ(d.status.code, 1) << d.err;
  EXPECT_NE(d.out.find("{+ for a week+}"), std::string::npos) << d.out;
  const auto dj = env.cli({"diff", site.url("/news/floods"), "--from", "1", "--to", "2", "--json"});
  EXPECT_EQ(dj.status.code, 1) << dj.err;
  EXPECT_EQ(json::parse(dj.out)["stats"]["paragraphs_added"], 1);

  // A further unchanged round adds nothing and sends nothing.
  ASSERT_EQ(env.run_once().status.code, 0);
  EXPECT_EQ(log_json(site.url("/news/floods")).size(), 2u);
  EXPECT_EQ(receiver.received().size(), 1u);
}

TEST_F(DaemonTest, FailedDeliveryIsKeptAndRetried) {
  ASSERT_EQ(env.run_once().status.code, 0);
  site.edit("/news/budget", [](SiteArticle& a) { a.paragraphs[0] += " The vote came after midnight."; });
  receiver.answer(503);
  ASSERT_EQ(env.run_once().status.code, 0);
  ASSERT_EQ(receiver.received().size(), 1u);
  const auto outbox_first = receiver.received()[0];
  // The receiver is back; the retry is due after its backoff, so --once alone does not resend yet,
  // but the version and the event are stored and the event is still pending.
  EXPECT_EQ(log_json(site.url("/news/budget")).size(), 2u);
  EXPECT_TRUE(outbox_first.signature_ok) << outbox_first.verify_error;
}

TEST_F(DaemonTest, CliErrorsAreOneClearLine) {
  // No store yet.
  auto r = env.cli({"list"});
  EXPECT_NE(r.status.code, 0);
  EXPECT_NE(r.err.find("redline.db"), std::string::npos) << r.err;
  ASSERT_EQ(env.run_once().status.code, 0);
  r = env.cli({"log", "http://127.0.0.1:1/unknown"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("no article is known"), std::string::npos) << r.err;
  r = env.cli({"show", site.url("/news/floods"), "--version", "5"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("version 5 does not exist"), std::string::npos) << r.err;
  r = env.cli({"list", "--json"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 2u);
}

TEST_F(DaemonTest, BadConfigExits78WithFileAndLine) {
  env.write_config("[log]\nlevel = \"info\"\n\n[[watch]]\nurl = \"" + site.url("/news/floods") +
                   "\"\nevery = \"sometimes\"\n");
  const auto r = env.run_once();
  EXPECT_EQ(r.status.code, 78);
  EXPECT_NE(r.err.find("redline.toml:6: watch.every must be a duration"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(env.store_path()));
  const auto c = env.cli({"list"});
  EXPECT_EQ(c.status.code, 78);
  EXPECT_NE(c.err.find("redline.toml:6:"), std::string::npos) << c.err;
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : m_path(path) {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
    timeval tv{0, 200'000};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() { ::close(m_fd); }
  // Collects messages until one contains `needle` or `timeout` passes.
  bool wait_for(const std::string& needle, Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      const auto n = ::recv(m_fd, buf, sizeof buf, 0);
      if (n > 0) m_seen += std::string(buf, static_cast<size_t>(n)) + "\n";
      if (m_seen.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  const std::string& seen() const { return m_seen; }

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
  std::string m_seen;
};

TEST_F(DaemonTest, ServiceNotifiesSystemdReloadsAndStopsCleanly) {
  env.write_config(config_text("2s"));
  NotifySocket notify(env.dir() / "notify.sock");
  Process daemon(RedlineEnv::redlined_path(),
                 {{"--config", env.config_path().string()},
                  {{"NOTIFY_SOCKET", (env.dir() / "notify.sock").string()}, {"WATCHDOG_USEC", "2000000"}},
                  env.dir().string(),
                  "",
                  ""});
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(notify.wait_for("READY=1", 20s)) << notify.seen() << daemon.stderr_text();
  EXPECT_NE(notify.seen().find("STATUS="), std::string::npos);
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 10s)) << notify.seen();

  // The first checks happen on their own (spread over at most a minute, here at most `every`).
  ASSERT_TRUE(daemon.wait_for_output("/news/floods: first version stored", 30s)) << daemon.stderr_text();
  site.edit("/news/floods", [](SiteArticle& a) { a.headline = "Floods close the river road, again"; });
  ASSERT_TRUE(daemon.wait_for_output("changed [headline", 30s)) << daemon.stderr_text();
  for (int i = 0; i < 100 && receiver.received().empty(); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(receiver.received().size(), 1u);

  // A broken config on SIGHUP is logged and the old one kept.
  env.write_config("[[watch]]\nurl = 5\n");
  ASSERT_TRUE(daemon.hangup());
  ASSERT_TRUE(daemon.wait_for_output("keeping the old configuration", 10s)) << daemon.stderr_text();
  EXPECT_NE(daemon.stderr_text().find("redline.toml:2:"), std::string::npos);
  EXPECT_TRUE(daemon.running());

  // A good one is applied.
  env.write_config(config_text("2s") + "[[watch]]\nurl = \"" + site.url("/news/new") + "\"\n");
  site.put("/news/new", budget_article());
  ASSERT_TRUE(daemon.hangup());
  ASSERT_TRUE(daemon.wait_for_output("configuration reloaded: 3 watches", 10s)) << daemon.stderr_text();
  EXPECT_TRUE(notify.wait_for("RELOADING=1", 5s)) << notify.seen();

  ASSERT_TRUE(daemon.terminate());
  const auto status = daemon.wait(20s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0) << status->describe() << daemon.stderr_text();
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 2s)) << notify.seen();
  EXPECT_EQ(log_json(site.url("/news/floods")).size(), 2u);
}

}  // namespace
}  // namespace redline::testing
