// E-mail notifiers end to end: the real Dispatcher, SqliteStore and CurlMailSender (libcurl SMTP on its
// worker thread) against a real SMTP server on 127.0.0.1 that records what it accepted.
#include <gtest/gtest.h>

#include <unistd.h>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "live_fixture.hpp"
#include "mail_test_util.hpp"
#include "notify/mail_sender.hpp"
#include "sample_event.hpp"
#include "support/local_smtp_server.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

using testing::LocalSmtpServer;
using testing::mail_header;
using testing::mime_part;

class EmailLiveTest : public testing::LiveDispatcherFixture {
 protected:
  void SetUp() override {
    LiveDispatcherFixture::SetUp();
    smtp.start();
  }
  void TearDown() override {
    smtp.stop();
    LiveDispatcherFixture::TearDown();
  }

  EmailTarget target(StartTls starttls = StartTls::never) const {
    EmailTarget t{smtp.url(), "Redline <redline@alerts.example>", {"desk@news.example", "Ed <ed@news.example>"}};
    t.starttls = starttls;
    t.timeout = 10s;
    return t;
  }

  void make_mail(EmailTarget t) { make({{"mail", std::move(t)}}, {}, &mailer); }

  LocalSmtpServer smtp;
  CurlMailSender mailer{io.get_executor()};
};

TEST_F(EmailLiveTest, DeliversAMultipartMessageWithAuth) {
  smtp.require_auth("redline", "s3cret");
  EmailTarget t = target(StartTls::opportunistic);
  t.username = "redline";
  t.password = "s3cret";
  make_mail(t);
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;

  const auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.auth_user, "redline");
  EXPECT_EQ(m.mail_from, "redline@alerts.example");
  EXPECT_EQ(m.rcpt_to, (std::vector<std::string>{"desk@news.example", "ed@news.example"}));
  EXPECT_EQ(mail_header(m.data, "Message-ID"), "<" + id + "@alerts.example>");
  EXPECT_EQ(mail_header(m.data, "To"), "desk@news.example, Ed <ed@news.example>");
  const auto text = mime_part(m.data, "text/plain");
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("The mayor [-said-]{+announced+}"), std::string::npos) << *text;
  const auto html = mime_part(m.data, "text/html");
  ASSERT_TRUE(html);
  EXPECT_NE(html->find("<del>said</del><ins>announced</ins>"), std::string::npos);
}

// Python's e-mail parser, reading `message`: the From display name, then the To display names joined by '|'.
std::string python_display_names(const std::string& message) {
  const auto file = std::filesystem::temp_directory_path() / ("redline-mail-" + std::to_string(getpid()) + ".eml");
  std::ofstream(file, std::ios::binary) << message;
  const std::string command =
      "/usr/bin/python3 -c 'import sys, email, email.policy\n"
      "m = email.message_from_binary_file(open(sys.argv[1], \"rb\"), policy=email.policy.default)\n"
      "print(m[\"From\"].addresses[0].display_name)\n"
      "print(\"|\".join(a.display_name for a in m[\"To\"].addresses))' " +
      file.string();
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
  }
  std::filesystem::remove(file);
  return out;
}

TEST_F(EmailLiveTest, NonAsciiDisplayNamesTravelAsEncodedWords) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "needs /usr/bin/python3 (its email package)";
  EmailTarget t = target();
  t.from = "Rédaction Łódź <redline@alerts.example>";
  t.to = {"\"Zoë Ødegård\" <ed@news.example>", "desk@news.example", "Ed <ed2@news.example>"};
  make_mail(t);
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  const auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), 1u);
  const std::string& data = messages[0].data;
  EXPECT_EQ(messages[0].rcpt_to,
            (std::vector<std::string>{"ed@news.example", "desk@news.example", "ed2@news.example"}));
  const std::string head = data.substr(0, data.find("\r\n\r\n"));
  for (const char c : head)
    ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "a raw non-ASCII byte in the header:\n" << head;
  EXPECT_NE(mail_header(data, "From")->find("=?UTF-8?B?"), std::string::npos) << head;
  EXPECT_NE(mail_header(data, "From")->find(" <redline@alerts.example>"), std::string::npos) << head;
  EXPECT_EQ(python_display_names(data), "Rédaction Łódź\nZoë Ødegård||Ed\n");
}

TEST_F(EmailLiveTest, TransientRejectionIsRetriedThenDelivered) {
  smtp.fail_command("RCPT", 451, "4.3.0 try again later");
  make_mail(target());
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::pending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("451"), std::string::npos) << row.last_error;

  smtp.fail_command("RCPT", 0, "");
  clock.advance(2h);
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  EXPECT_EQ(smtp.messages().size(), 1u);
}

TEST_F(EmailLiveTest, PermanentRejectionIsDead) {
  smtp.fail_command("DATA", 554, "5.7.1 message refused");
  make_mail(target());
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  const OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::dead);
  EXPECT_NE(row.last_error.find("554"), std::string::npos) << row.last_error;
  auto dead = store->list_outbox(OutboxState::dead);
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->size(), 1u);
}

TEST_F(EmailLiveTest, WrongPasswordIsDead) {
  smtp.require_auth("redline", "s3cret");
  EmailTarget t = target();
  t.username = "redline";
  t.password = "wrong";
  make_mail(t);
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::dead) << row_of(id).last_error;
  EXPECT_GE(smtp.failed_auth_count(), 1u);
  EXPECT_TRUE(smtp.messages().empty());
}

TEST_F(EmailLiveTest, RequiredStartTlsThatTheServerLacksIsDead) {
  make_mail(target(StartTls::always));
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::dead) << row_of(id).last_error;
  EXPECT_TRUE(smtp.messages().empty()) << "the message went out in clear text";
}

// A submission server that demands STARTTLS before AUTH, as real ones do; the certificate is
// verified (against the test's own CA, the server's self-signed certificate).
class EmailStartTlsTest : public EmailLiveTest {
 protected:
  void SetUp() override {
    EmailLiveTest::SetUp();
    tls_smtp.use_starttls();
    tls_smtp.require_auth("redline", "s3cret");
    tls_smtp.start();
  }
  void TearDown() override {
    tls_smtp.stop();
    EmailLiveTest::TearDown();
  }

  EmailTarget tls_target(StartTls starttls) const {
    EmailTarget t = target(starttls);
    t.smtp_url = tls_smtp.url();
    t.username = "redline";
    t.password = "s3cret";
    return t;
  }

  // A mail sender that trusts the test server's certificate.
  CurlMailSender& trusting_mailer() {
    const auto ca = std::filesystem::temp_directory_path() / ("redline-smtp-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca) << tls_smtp.certificate_pem();
    m_ca_file = ca;
    m_trusting = std::make_unique<CurlMailSender>(io.get_executor(), CurlMailOptions{.ca_file = ca.string()});
    return *m_trusting;
  }
  ~EmailStartTlsTest() override {
    if (!m_ca_file.empty()) std::filesystem::remove(m_ca_file);
  }

  LocalSmtpServer tls_smtp;
  std::filesystem::path m_ca_file;
  std::unique_ptr<CurlMailSender> m_trusting;
};

TEST_F(EmailStartTlsTest, AuthAndMessageTravelEncrypted) {
  make({{"mail", tls_target(StartTls::always)}}, {}, &trusting_mailer());
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  const auto messages = tls_smtp.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].tls);
  EXPECT_EQ(messages[0].auth_user, "redline");
  EXPECT_EQ(tls_smtp.failed_auth_count(), 0u);
  EXPECT_TRUE(mime_part(messages[0].data, "text/html"));
}

TEST_F(EmailStartTlsTest, OpportunisticUsesTlsWhenOffered) {
  make({{"mail", tls_target(StartTls::opportunistic)}}, {}, &trusting_mailer());
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  ASSERT_EQ(tls_smtp.messages().size(), 1u);
  EXPECT_TRUE(tls_smtp.messages()[0].tls);
}

TEST_F(EmailStartTlsTest, AnUntrustedCertificateIsRetriedAndNothingGoesOutInClear) {
  make_mail(tls_target(StartTls::always));  // the system's CAs do not know the test certificate
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  const OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::pending);  // a certificate problem can be fixed; the mail waits
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("certificate"), std::string::npos) << row.last_error;
  EXPECT_TRUE(tls_smtp.messages().empty());
  EXPECT_EQ(tls_smtp.failed_auth_count(), 0u);  // the password was never sent
}

TEST_F(EmailLiveTest, ASlowMailServerDoesNotBlockTheEventLoop) {
  smtp.set_data_delay(600ms);
  make_mail(target());
  const std::string id = add_event("a", "mail", testing::sample_event());
  // A 10 ms timer keeps ticking on the io_context while the mail is being sent.
  int ticks = 0;
  boost::asio::steady_timer timer(io);
  std::function<void()> arm = [&] {
    timer.expires_after(10ms);
    timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      ++ticks;
      arm();
    });
  };
  arm();
  const auto start = std::chrono::steady_clock::now();
  round();
  timer.cancel();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 600ms);
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  EXPECT_GE(ticks, 10) << "the event loop stalled while the mail was sent";
}

TEST_F(EmailLiveTest, UnreachableServerIsRetried) {
  EmailTarget t = target();
  smtp.stop();
  make_mail(t);
  const std::string id = add_event("a", "mail", testing::sample_event());
  round();
  const OutboxEntry row = row_of(id);
  EXPECT_EQ(row.state, OutboxState::pending);
  EXPECT_EQ(row.attempts, 1);
}

}  // namespace
}  // namespace redline
