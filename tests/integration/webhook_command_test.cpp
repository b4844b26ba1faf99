// `redline webhook test NAME` end to end: the real CLI binary against real receivers on 127.0.0.1
// (a Standard Webhooks receiver that verifies signatures, a chat-style HTTP endpoint, an SMTP server).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "support/local_http_server.hpp"
#include "support/local_smtp_server.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;

class WebhookCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chat.route("/slack", [](const ServerRequest& r) {
      const json body = json::parse(r.body, nullptr, false);
      const bool ok = r.method == "POST" && !body.is_discarded() && body["blocks"].is_array();
      return ServerResponse::text(ok ? 200 : 400, ok ? "ok" : "invalid_payload");
    });
    chat.route("/broken", [](const ServerRequest&) { return ServerResponse::text(500, "internal error"); });
    chat.start();
    smtp.start();
    env.write_config(
        "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
        "[[webhook]]\nname = \"standard\"\nurl = \"" +
        receiver.url() + "\"\nsecret = \"" + k_test_secret +
        "\"\n"
        "[[webhook]]\nname = \"slack\"\npreset = \"slack\"\nurl = \"" +
        chat.url("/slack") +
        "\"\n"
        "[[webhook]]\nname = \"broken\"\npreset = \"discord\"\nurl = \"" +
        chat.url("/broken") +
        "\"\n"
        "[[email]]\nname = \"desk\"\nsmtp_url = \"" +
        smtp.url() + "\"\nfrom = \"redline@alerts.example\"\nto = \"desk@news.example\"\nstarttls = \"never\"\n");
  }

  WebhookReceiver receiver{k_test_secret};
  LocalHttpServer chat;
  LocalSmtpServer smtp;
  RedlineEnv env;
};

TEST_F(WebhookCommandTest, StandardWebhookIsSignedAndDelivered) {
  const auto r = env.cli({"webhook", "test", "standard"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_NE(r.out.find("delivered sample event evt_"), std::string::npos) << r.out;
  const auto received = receiver.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_TRUE(received[0].signature_ok) << received[0].verify_error;
  EXPECT_EQ(json::parse(received[0].body)["type"], "article.changed");
}

TEST_F(WebhookCommandTest, ChatPresetAndEmailAndDiffLog) {
  auto r = env.cli({"webhook", "test", "slack"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_EQ(chat.request_count("/slack"), 1u);

  r = env.cli({"webhook", "test", "desk"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  const auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rcpt_to, std::vector<std::string>{"desk@news.example"});
  EXPECT_NE(messages[0].data.find("\r\nSubject: =?UTF-8?B?"), std::string::npos) << messages[0].data;
  EXPECT_NE(messages[0].data.find("Content-Type: multipart/alternative"), std::string::npos);

  r = env.cli({"webhook", "test", "difflog"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_NE(env.read_difflog().find("redline-webhook-test"), std::string::npos);
}

TEST_F(WebhookCommandTest, FailuresExit69WithTheReason) {
  auto r = env.cli({"webhook", "test", "broken"});
  EXPECT_EQ(r.status.code, 69);
  EXPECT_NE(r.err.find("HTTP 500: internal error"), std::string::npos) << r.err;

  smtp.fail_command("RCPT", 550, "5.1.1 no such user");
  r = env.cli({"webhook", "test", "desk"});
  EXPECT_EQ(r.status.code, 69);
  EXPECT_NE(r.err.find("550"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("would be dead"), std::string::npos) << r.err;

  receiver.answer(503);
  r = env.cli({"webhook", "test", "standard"});
  EXPECT_EQ(r.status.code, 69);
  EXPECT_NE(r.err.find("would be retried"), std::string::npos) << r.err;
}

TEST_F(WebhookCommandTest, UnknownNameOrBadConfigExits78) {
  auto r = env.cli({"webhook", "test", "nope"});
  EXPECT_EQ(r.status.code, 78);
  EXPECT_NE(r.err.find("no notifier named \"nope\"; configured: standard, slack, broken, desk, difflog"),
            std::string::npos)
      << r.err;
  env.write_config("[[webhook]]\nname = \"x\"\nurl = \"https://h.example/\"\npreset = \"fax\"\n");
  r = env.cli({"webhook", "test", "x"});
  EXPECT_EQ(r.status.code, 78);
  EXPECT_NE(r.err.find("webhook.preset"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace redline::testing
