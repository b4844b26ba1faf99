// Every chat preset through the real Dispatcher and CurlClient to a real local receiver that checks
// the service's documented format (method, path, content type, required fields, limits) and answers
// the way the service does; an invalid request is answered 400 and so would end up dead.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "live_fixture.hpp"
#include "notify/diff_markup.hpp"
#include "sample_event.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

using nlohmann::json;
using testing::ServerRequest;
using testing::ServerResponse;

using ChatPresetsLiveTest = testing::LiveDispatcherFixture;

// A change long enough to hit every service's limits, with multi-byte characters throughout.
Event long_change() {
  Event e = testing::sample_event();
  for (int p = 0; p < 20; ++p) {
    for (int i = 0; i < 200; ++i) e.diff += "wörd {+nëu ✓+} [-ält-] ";
    e.diff += "\n\n";
  }
  return e;
}

std::string chars_at_most(const json& j, const char* key, size_t max) {
  if (!j.contains(key) || !j[key].is_string()) return std::string(key) + " missing";
  const std::string s = j[key].get<std::string>();
  if (utf8_char_count(s) > max) return std::string(key) + " longer than " + std::to_string(max);
  return {};
}

// The receivers: "" when the request follows the service's documented format, else why not.
std::string check_common(const ServerRequest& r, const char* method) {
  if (r.method != method) return "method " + r.method;
  if (r.header("content-type").rfind("application/json", 0) != 0) return "content-type " + r.header("content-type");
  if (r.header("webhook-id").rfind("evt_", 0) != 0) return "no webhook-id";
  if (json::parse(r.body, nullptr, false).is_discarded()) return "body is not JSON";
  return {};
}

std::string check_slack(const ServerRequest& r) {
  if (auto e = check_common(r, "POST"); !e.empty()) return e;
  const json j = json::parse(r.body);
  if (!j["text"].is_string() || j["text"].get<std::string>().empty()) return "text missing";
  if (!j["blocks"].is_array() || j["blocks"].empty() || j["blocks"].size() > 50) return "blocks";
  for (const auto& b : j["blocks"]) {
    if (!b["type"].is_string()) return "block without type";
    if (b["type"] == "header") {
      if (b["text"]["type"] != "plain_text") return "header must be plain_text";
      if (auto e = chars_at_most(b["text"], "text", 150); !e.empty()) return "header " + e;
    }
    if (b["type"] == "section")
      if (auto e = chars_at_most(b["text"], "text", 3000); !e.empty()) return "section " + e;
  }
  return {};
}

std::string check_discord(const ServerRequest& r) {
  if (auto e = check_common(r, "POST"); !e.empty()) return e;
  const json j = json::parse(r.body);
  if (auto e = chars_at_most(j, "content", 2000); !e.empty()) return e;
  if (!j["embeds"].is_array() || j["embeds"].size() > 10) return "embeds";
  for (const auto& embed : j["embeds"]) {
    if (auto e = chars_at_most(embed, "title", 256); !e.empty()) return e;
    if (auto e = chars_at_most(embed, "description", 4096); !e.empty()) return e;
    size_t total = utf8_char_count(embed["title"].get<std::string>()) +
                   utf8_char_count(embed["description"].get<std::string>()) +
                   utf8_char_count(embed["footer"]["text"].get<std::string>());
    for (const auto& f : embed["fields"]) {
      if (auto e = chars_at_most(f, "name", 256); !e.empty()) return e;
      if (auto e = chars_at_most(f, "value", 1024); !e.empty()) return e;
      total += utf8_char_count(f["name"].get<std::string>()) + utf8_char_count(f["value"].get<std::string>());
    }
    if (total > 6000) return "embed longer than 6000 characters";
    if (embed["url"].get<std::string>().rfind("https://", 0) != 0) return "embed url";
  }
  return {};
}

std::string check_mattermost(const ServerRequest& r) {
  if (auto e = check_common(r, "POST"); !e.empty()) return e;
  return chars_at_most(json::parse(r.body), "text", 16383);
}

std::string check_teams(const ServerRequest& r) {
  if (auto e = check_common(r, "POST"); !e.empty()) return e;
  const json j = json::parse(r.body);
  if (j["type"] != "message") return "type must be message";
  if (!j["attachments"].is_array() || j["attachments"].size() != 1) return "one attachment expected";
  const json& a = j["attachments"][0];
  if (a["contentType"] != "application/vnd.microsoft.card.adaptive") return "contentType";
  if (a["content"]["type"] != "AdaptiveCard" || !a["content"]["version"].is_string()) return "not an AdaptiveCard";
  if (!a["content"]["body"].is_array() || a["content"]["body"].empty()) return "card body";
  if (r.body.size() > 28000) return "card larger than 28 KB";
  return {};
}

std::string check_ntfy(const ServerRequest& r) {
  if (auto e = check_common(r, "POST"); !e.empty()) return e;
  if (r.path != "/") return "JSON must be published to the root, not " + r.path;
  if (r.header("authorization") != "Bearer tk_ntfy") return "authorization";
  const json j = json::parse(r.body);
  if (j["topic"] != "alerts") return "topic";
  if (!j["message"].is_string() || j["message"].get<std::string>().size() > 4096) return "message";
  if (!j["title"].is_string() || !j["click"].is_string() || !j["tags"].is_array()) return "title/click/tags";
  return {};
}

std::string check_matrix(const ServerRequest& r) {
  if (auto e = check_common(r, "PUT"); !e.empty()) return e;
  const std::string prefix = "/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/";
  if (r.path.rfind(prefix, 0) != 0) return "path " + r.path;
  if (r.path.substr(prefix.size()) != r.header("webhook-id")) return "txnId is not the event id";
  if (r.header("authorization") != "Bearer syt_secret") return "authorization";
  const json j = json::parse(r.body);
  if (j["msgtype"] != "m.text" || !j["body"].is_string()) return "msgtype/body";
  if (j["format"] != "org.matrix.custom.html" || !j["formatted_body"].is_string()) return "format";
  if (r.body.size() > 65536) return "event larger than 64 KiB";
  return {};
}

using Checker = std::string (*)(const ServerRequest&);

ServerResponse judge(const ServerRequest& r, Checker check, ServerResponse ok) {
  const std::string error = check(r);
  return error.empty() ? ok : ServerResponse::text(400, error);
}

WebhookTarget preset_target(std::string url, WebhookPreset preset, std::string token = {}, std::string room = {}) {
  WebhookTarget t{std::move(url), {}, 5s};
  t.preset = preset;
  t.token = std::move(token);
  t.room = std::move(room);
  return t;
}

TEST_F(ChatPresetsLiveTest, EveryPresetIsAcceptedByAReceiverCheckingItsFormat) {
  server.route("/slack", [](const ServerRequest& r) { return judge(r, check_slack, ServerResponse::text(200, "ok")); });
  server.route("/discord",
               [](const ServerRequest& r) { return judge(r, check_discord, ServerResponse::text(204, "")); });
  server.route("/mattermost",
               [](const ServerRequest& r) { return judge(r, check_mattermost, ServerResponse::text(200, "ok")); });
  server.route("/teams", [](const ServerRequest& r) { return judge(r, check_teams, ServerResponse::text(202, "")); });
  server.route("/", [](const ServerRequest& r) {
    return judge(r, check_ntfy, ServerResponse::json(R"({"id":"x1","event":"message"})"));
  });
  server.route_prefix("/_matrix/", [](const ServerRequest& r) {
    return judge(r, check_matrix, ServerResponse::json(R"({"event_id":"$abc"})"));
  });
  make({{"slack", preset_target(server.url("/slack"), WebhookPreset::slack)},
        {"discord", preset_target(server.url("/discord"), WebhookPreset::discord)},
        {"mattermost", preset_target(server.url("/mattermost"), WebhookPreset::mattermost)},
        {"teams", preset_target(server.url("/teams"), WebhookPreset::teams)},
        {"ntfy", preset_target(server.url("/alerts"), WebhookPreset::ntfy, "tk_ntfy")},
        {"matrix", preset_target(server.url("/"), WebhookPreset::matrix, "syt_secret", "!room:example.org")}});
  std::vector<std::string> ids;
  for (const char* name : {"slack", "discord", "mattermost", "teams", "ntfy", "matrix"}) {
    ids.push_back(add_event(std::string("short-") + name, name, testing::sample_event()));
    ids.push_back(add_event(std::string("long-") + name, name, long_change()));
  }
  round();
  for (const auto& id : ids) EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  EXPECT_EQ(server.requests().size(), ids.size());
}

TEST_F(ChatPresetsLiveTest, MatrixRetriesWithTheSameTransactionId) {
  int calls = 0;  // server thread only
  server.route_prefix("/_matrix/", [&calls](const ServerRequest& r) {
    if (++calls == 1) return ServerResponse::json(R"({"errcode":"M_UNKNOWN"})", 502);
    return judge(r, check_matrix, ServerResponse::json(R"({"event_id":"$abc"})"));
  });
  make({{"matrix", preset_target(server.url("/"), WebhookPreset::matrix, "syt_secret", "!room:example.org")}});
  const std::string id = add_event("a", "matrix", testing::sample_event());
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::pending);
  clock.advance(2h);
  round();
  EXPECT_EQ(row_of(id).state, OutboxState::delivered) << row_of(id).last_error;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, requests[1].path);  // same txnId: the homeserver drops the duplicate
  EXPECT_EQ(requests[0].body, requests[1].body);
}

TEST_F(ChatPresetsLiveTest, AChatPresetWithSecretsIsSignedToo) {
  server.route("/slack", [](const ServerRequest& r) { return judge(r, check_slack, ServerResponse::text(200, "ok")); });
  WebhookTarget target = preset_target(server.url("/slack"), WebhookPreset::slack);
  target.secrets = {testing::k_secret};
  make({{"slack", target}});
  add_event("a", "slack", testing::sample_event());
  round();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  auto verifier = WebhookSigner::create({testing::k_secret});
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->verify(requests[0].headers, requests[0].body, clock.now()).ok());
}

}  // namespace
}  // namespace redline
