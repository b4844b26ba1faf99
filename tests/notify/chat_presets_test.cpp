#include "notify/chat_presets.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/chat_text.hpp"
#include "notify/diff_markup.hpp"
#include "sample_event.hpp"
#include "util/text.hpp"

namespace redline {
namespace {

using nlohmann::json;
using testing::sample_event;

bool valid_utf8(const std::string& s) { return make_valid_utf8(s) == s; }

// An event whose texts exceed every service's limits, with multi-byte characters at every offset.
Event huge_event() {
  Event e = sample_event();
  std::string headline;
  for (int i = 0; i < 400; ++i) headline += "Zürich ✓ ";
  e.new_version->headline = headline;
  e.diff.clear();
  for (int p = 0; p < 30; ++p) {
    for (int i = 0; i < 300; ++i) e.diff += "wörd {+nëu✓+} [-ält-] ";
    e.diff += "\n\n";
  }
  return e;
}

TEST(DiffMarkup, ParsesParagraphsAndPieces) {
  const auto paragraphs = parse_diff_markup("a [-b-]{+c+} d\n\nsame\n\n{+new para+}\n");
  ASSERT_EQ(paragraphs.size(), 3u);
  ASSERT_EQ(paragraphs[0].size(), 4u);
  EXPECT_EQ(paragraphs[0][1].kind, DiffPiece::Kind::removed);
  EXPECT_EQ(paragraphs[0][1].text, "b");
  EXPECT_EQ(paragraphs[0][2].kind, DiffPiece::Kind::added);
  EXPECT_EQ(paragraphs[0][3].text, " d");
  EXPECT_FALSE(has_changes(paragraphs[1]));
  EXPECT_TRUE(has_changes(paragraphs[2]));
}

TEST(DiffMarkup, UnterminatedMarkerIsPlainText) {
  const auto paragraphs = parse_diff_markup("price [-was");
  ASSERT_EQ(paragraphs.size(), 1u);
  ASSERT_EQ(paragraphs[0].size(), 1u);
  EXPECT_EQ(paragraphs[0][0].text, "price [-was");
}

TEST(DiffMarkup, TruncatesOnCodePointBoundaries) {
  const std::string s = "aü✓b";  // 1 + 2 + 3 + 1 bytes
  EXPECT_EQ(truncate_utf8(s, 100), s);
  EXPECT_EQ(truncate_utf8(s, 5, ""), "aü");   // would cut ✓ in half
  EXPECT_EQ(truncate_utf8(s, 6, "…"), "aü…");  // "…" is 3 bytes
  EXPECT_EQ(truncate_utf8(s, 5, "…"), "a…");   // not half of ü
  EXPECT_EQ(truncate_code_points(s, 3, "…"), "aü…");
  EXPECT_EQ(utf8_char_count(s), 4u);
  for (size_t n = 0; n < 10; ++n) {
    EXPECT_TRUE(valid_utf8(truncate_utf8(s, n))) << n;
    EXPECT_LE(truncate_utf8(s, n).size(), n);
    EXPECT_LE(utf8_char_count(truncate_code_points(s, n)), n);
  }
}

TEST(ChatText, HeadlineLineShowsOldAndNew) {
  Event e = sample_event();
  EXPECT_EQ(headline_line(e), "Mayor Resigns → Mayor Resigns Amid Corruption Probe — Zürich");
  e.old_version->headline = e.new_version->headline;
  EXPECT_EQ(headline_line(e), "Mayor Resigns Amid Corruption Probe — Zürich");
}

TEST(ChatText, ExcerptRestylesOnlyChangedParagraphs) {
  const Event e = sample_event();
  const std::string md = diff_excerpt(e, markdown_style());
  EXPECT_NE(md.find("**Amid Corruption Probe — Zürich**"), std::string::npos) << md;
  EXPECT_NE(md.find("~~said~~**announced**"), std::string::npos) << md;
  EXPECT_NE(md.find("\\*deputy\\*"), std::string::npos) << md;  // article text is escaped
  EXPECT_EQ(md.find("Unchanged closing"), std::string::npos) << md;
  const std::string html = diff_excerpt(e, html_style());
  EXPECT_NE(html.find("<del>said</del><ins>announced</ins>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;she&gt; &amp; her"), std::string::npos) << html;
}

TEST(ChatText, ExcerptCountsLeftOutParagraphs) {
  const std::string text = diff_excerpt(huge_event(), plain_style(), ExcerptLimits{2, 50});
  EXPECT_NE(text.find("(+28 more changed paragraphs)"), std::string::npos) << text;
  EXPECT_TRUE(valid_utf8(text));
}

TEST(ChatPresets, Slack) {
  const json body = json::parse(slack_body(sample_event()));
  EXPECT_TRUE(body["text"].is_string());
  ASSERT_EQ(body["blocks"].size(), 3u);
  EXPECT_EQ(body["blocks"][0]["type"], "header");
  EXPECT_EQ(body["blocks"][0]["text"]["type"], "plain_text");
  const std::string section = body["blocks"][1]["text"]["text"];
  EXPECT_EQ(body["blocks"][1]["text"]["type"], "mrkdwn");
  EXPECT_NE(section.find("<https://www.news.example/politics/mayor-resigns-12345.html|Open article>"),
            std::string::npos);
  EXPECT_NE(section.find("~said~*announced*"), std::string::npos) << section;
  EXPECT_NE(section.find("&lt;she&gt; &amp; her"), std::string::npos) << section;
}

TEST(ChatPresets, Discord) {
  const json body = json::parse(discord_body(sample_event()));
  EXPECT_TRUE(body["content"].is_string());
  ASSERT_EQ(body["embeds"].size(), 1u);
  const json& embed = body["embeds"][0];
  EXPECT_EQ(embed["url"], sample_event().url);
  EXPECT_EQ(embed["title"], "Mayor Resigns → Mayor Resigns Amid Corruption Probe — Zürich");
  EXPECT_NE(embed["description"].get<std::string>().find("~~said~~**announced**"), std::string::npos);
  EXPECT_EQ(embed["timestamp"], "2024-06-01T12:00:00.123Z");
  EXPECT_TRUE(body["allowed_mentions"]["parse"].empty());
}

TEST(ChatPresets, EveryPresetStaysWithinItsLimitsAndValidUtf8) {
  const Event e = huge_event();
  const json discord = json::parse(discord_body(e));
  EXPECT_LE(utf8_char_count(discord["content"].get<std::string>()), k_discord_content_max);
  const json& embed = discord["embeds"][0];
  const size_t title = utf8_char_count(embed["title"].get<std::string>());
  const size_t description = utf8_char_count(embed["description"].get<std::string>());
  EXPECT_LE(title, k_discord_title_max);
  EXPECT_LE(description, k_discord_description_max);
  size_t total = title + description + utf8_char_count(embed["footer"]["text"].get<std::string>());
  for (const auto& f : embed["fields"])
    total += utf8_char_count(f["name"].get<std::string>()) + utf8_char_count(f["value"].get<std::string>());
  EXPECT_LE(total, k_discord_embed_total_max);

  const json slack = json::parse(slack_body(e));
  EXPECT_LE(utf8_char_count(slack["blocks"][0]["text"]["text"].get<std::string>()), k_slack_header_max);
  EXPECT_LE(utf8_char_count(slack["blocks"][1]["text"]["text"].get<std::string>()), k_slack_section_max);

  const json ntfy = json::parse(ntfy_body(e, "topic"));
  EXPECT_LE(ntfy["message"].get<std::string>().size(), 4096u);
  EXPECT_LE(ntfy["title"].get<std::string>().size(), 250u);

  for (const std::string& body :
       {slack_body(e), discord_body(e), mattermost_body(e), teams_body(e), ntfy_body(e, "t"), matrix_body(e)}) {
    EXPECT_TRUE(valid_utf8(body));
    EXPECT_FALSE(json::parse(body, nullptr, false).is_discarded());
  }
}

TEST(ChatPresets, TeamsIsAnAdaptiveCardMessage) {
  const json body = json::parse(teams_body(sample_event()));
  EXPECT_EQ(body["type"], "message");
  ASSERT_EQ(body["attachments"].size(), 1u);
  EXPECT_EQ(body["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
  const json& card = body["attachments"][0]["content"];
  EXPECT_EQ(card["type"], "AdaptiveCard");
  EXPECT_EQ(card["version"], "1.4");
  EXPECT_EQ(card["body"][0]["type"], "TextBlock");
  EXPECT_EQ(card["actions"][0]["type"], "Action.OpenUrl");
  EXPECT_EQ(card["actions"][0]["url"], sample_event().url);
}

TEST(ChatPresets, NtfyPublishesJsonToTheServerRoot) {
  WebhookTarget target{"https://ntfy.example/alerts/"};
  target.preset = WebhookPreset::ntfy;
  target.token = "tk_1";
  auto request = chat_request(target, sample_event());
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->url, "https://ntfy.example/");
  EXPECT_EQ(request->method, "POST");
  const json body = json::parse(request->body);
  EXPECT_EQ(body["topic"], "alerts");
  EXPECT_EQ(body["click"], sample_event().url);
  EXPECT_EQ(body["tags"], json::array({"newspaper", "headline", "body"}));
  EXPECT_TRUE(body["markdown"].get<bool>());
  bool auth = false;
  for (const auto& [k, v] : request->headers) auth |= k == "authorization" && v == "Bearer tk_1";
  EXPECT_TRUE(auth);

  target.url = "https://ntfy.example";
  EXPECT_FALSE(chat_request(target, sample_event()).ok());  // no topic
}

TEST(ChatPresets, MatrixPutsToTheRoomWithTheEventIdAsTransaction) {
  WebhookTarget target{"https://matrix.example/"};
  target.preset = WebhookPreset::matrix;
  target.token = "syt_token";
  target.room = "!room:example.org";
  auto request = chat_request(target, sample_event());
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->method, "PUT");
  EXPECT_EQ(request->url,
            "https://matrix.example/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/"
            "evt_k3bq7m2xw4ndh6yzq5r2a7tc");
  const json body = json::parse(request->body);
  EXPECT_EQ(body["msgtype"], "m.text");
  EXPECT_EQ(body["format"], "org.matrix.custom.html");
  EXPECT_NE(body["formatted_body"].get<std::string>().find("<del>said</del><strong>announced</strong>"),
            std::string::npos);
  EXPECT_NE(body["body"].get<std::string>().find("[-said-]{+announced+}"), std::string::npos);

  target.token.clear();
  EXPECT_FALSE(chat_request(target, sample_event()).ok());
}

TEST(ChatPresets, StandardIsNotAChatFormat) {
  WebhookTarget target{"https://hooks.example/"};
  EXPECT_FALSE(chat_request(target, sample_event()).ok());
}

TEST(ChatPresets, PresetNamesRoundTrip) {
  for (auto p : {WebhookPreset::standard, WebhookPreset::slack, WebhookPreset::discord, WebhookPreset::mattermost,
                 WebhookPreset::teams, WebhookPreset::ntfy, WebhookPreset::matrix})
    EXPECT_EQ(webhook_preset_from_string(to_string(p)), p);
  EXPECT_FALSE(webhook_preset_from_string("telegram"));
}

}  // namespace
}  // namespace redline
