// Stopping: SIGTERM/SIGINT end `redlined --once` and the daemon within 2 s with status 0 (what systemd
// expects of a requested stop), after storing what is done and saying so in the log, even while a
// page never answers or an SMTP server holds the e-mail worker.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto k_stop_limit = 2s;

SiteArticle article() {
  return {"Bridge reopens after repairs",
          "Ann Reporter",
          {"The old bridge reopened on Friday after six months of repairs, the council said in a statement.",
           "Traffic is expected to return to normal by the end of next week, officials added."}};
}

// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them) and never says a word:
// an SMTP server that hangs before its greeting.
class SilentListener {
 public:
  SilentListener() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_fd, 8) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    m_port = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(m_fd); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  uint16_t port() const { return m_port; }

 private:
  int m_fd = -1;
  uint16_t m_port = 0;
};

// Sends `sig`: the process must exit with status 0 within k_stop_limit.
void expect_clean_stop(Process& p, int sig) {
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.signal(sig));
  const auto status = p.wait(20s);
  const auto took = std::chrono::steady_clock::now() - sent;
  ASSERT_TRUE(status) << p.stderr_text();
  EXPECT_EQ(status->code, 0) << status->describe() << p.stderr_text();
  EXPECT_LT(took, k_stop_limit) << p.stderr_text();
}

class StopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site.put("/news/bridge", article());
    site.server().route("/news/stuck", [](const ServerRequest&) {
      return ServerResponse::html("<html><body><p>late</p></body></html>").with_delay(60s);
    });
  }

  std::string watches() const {
    return "[[watch]]\nurl = \"" + site.url("/news/bridge") + "\"\n[[watch]]\nurl = \"" + site.url("/news/stuck") +
           "\"\n";
  }

  NewsSite site;
  RedlineEnv env;
};

TEST_F(StopTest, OnceStopsOnSigtermWhileAPageNeverAnswers) {
  env.write_config("[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n" + watches());
  Process round(RedlineEnv::redlined_path(),
                {{"--config", env.config_path().string(), "--once"}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(round.start());
  // The answering page is stored; the other one hangs (its server waits a minute).
  ASSERT_TRUE(round.wait_for_output("/news/bridge: first version stored", 30s)) << round.stderr_text();
  ASSERT_TRUE(site.server().wait_for_requests(2, 10s));
  expect_clean_stop(round, SIGTERM);
  if (HasFatalFailure()) return;
  EXPECT_NE(round.stderr_text().find("received SIGTERM, stopping"), std::string::npos) << round.stderr_text();
  EXPECT_NE(round.stderr_text().find("round stopped: "), std::string::npos) << round.stderr_text();
  // What was done is stored.
  const auto log = env.cli({"log", site.url("/news/bridge"), "--json"});
  EXPECT_EQ(log.status.code, 0) << log.err;
  EXPECT_NE(log.out.find("Bridge reopens after repairs"), std::string::npos) << log.out;
}

TEST_F(StopTest, OnceStopsOnSigintToo) {
  env.write_config("[store]\npath = \"state/redline.db\"\n" + watches());
  Process round(RedlineEnv::redlined_path(),
                {{"--config", env.config_path().string(), "--once"}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(round.start());
  ASSERT_TRUE(site.server().wait_for_requests(2, 30s));
  expect_clean_stop(round, SIGINT);
  if (HasFatalFailure()) return;
  EXPECT_NE(round.stderr_text().find("received SIGINT, stopping"), std::string::npos) << round.stderr_text();
}

// The e-mail worker blocks in libcurl on an SMTP server that never greets; the daemon must not wait
// for it (its timeout is 30 s) once stopped.
TEST_F(StopTest, DaemonStopsOnSigtermWhileTheMailWorkerIsStuck) {
  SilentListener smtp;
  env.write_config(
      "[log]\nlevel = \"debug\"\n[store]\npath = \"state/redline.db\"\n[[watch]]\nurl = \"" + site.url("/news/bridge") +
      "\"\nevery = \"2s\"\n[[email]]\nname = \"desk\"\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(smtp.port()) +
      "\"\nstarttls = \"never\"\nfrom = \"redline@example.org\"\nto = \"desk@example.org\"\n");
  Process daemon(RedlineEnv::redlined_path(),
                 {{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(daemon.wait_for_output("/news/bridge: first version stored", 30s)) << daemon.stderr_text();
  site.edit("/news/bridge", [](SiteArticle& a) { a.headline = "Bridge reopens after long repairs"; });
  ASSERT_TRUE(daemon.wait_for_output("changed [headline", 30s)) << daemon.stderr_text();
  std::this_thread::sleep_for(500ms);  // the worker connects and waits for a greeting that never comes
  expect_clean_stop(daemon, SIGTERM);
  if (HasFatalFailure()) return;
  EXPECT_NE(daemon.stderr_text().find("redlined stopped"), std::string::npos) << daemon.stderr_text();
  // The change is stored; its e-mail is still pending, for the next start.
  const auto pending = env.cli({"outbox", "list", "--state", "pending"});
  EXPECT_NE(pending.out.find("desk"), std::string::npos) << pending.out << pending.err;
}

}  // namespace
}  // namespace redline::testing
