// The change's summary and facts in every notification output: the payload (and its parse), the
// e-mail subject, the chat presets' summary line and the diff log entry.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mail_test_util.hpp"
#include "notify/chat_presets.hpp"
#include "notify/diff_log.hpp"
#include "notify/email_message.hpp"
#include "sample_event.hpp"

namespace redline {
namespace {

using nlohmann::json;

const std::string k_summary = "Headline reworded; 1 paragraph changed (+9/\u22122 words); number changed: 12 \u2192 15";

Event summarized() {
  Event e = testing::sample_event();
  e.classes = {"headline", "body", "numbers"};
  e.summary = k_summary;
  e.facts = {{"numbers", json::array({{{"old", "12"}, {"new", "15"}, {"context", "kills 15 <b>"}}})},
             {"quotes", json::array()},
             {"corrections", json::array()}};
  return e;
}

TEST(SummaryOutputs, PayloadCarriesSummaryAndFactsAndReadsBack) {
  const Event e = summarized();
  const json j = json::parse(render_event(e));
  EXPECT_EQ(j["data"]["summary"], k_summary);
  EXPECT_EQ(j["data"]["facts"]["numbers"][0]["new"], "15");
  const auto back = parse_event(render_event(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->summary, k_summary);
  EXPECT_EQ(back->facts, e.facts);
  // State events carry neither.
  Event deleted = e;
  deleted.type = EventType::deleted;
  EXPECT_FALSE(json::parse(render_event(deleted))["data"].contains("summary"));
}

TEST(SummaryOutputs, EmailSubjectIsTheSummaryThenTheHeadline) {
  const std::string m = render_email(summarized(), {"redline <r@alerts.example>", {"desk@news.example"}});
  const auto subject = testing::mail_header(m, "Subject");
  ASSERT_TRUE(subject);
  const std::string decoded = testing::decode_encoded_words(*subject);
  EXPECT_EQ(decoded.rfind("[redline] " + k_summary + " \u2014 Mayor Resigns", 0), 0u) << decoded;
}

TEST(SummaryOutputs, ChatPresetsLeadWithTheSummary) {
  const Event e = summarized();
  const json slack = json::parse(slack_body(e));
  EXPECT_EQ(slack["text"].get<std::string>().rfind(k_summary + ": ", 0), 0u);  // the notification line
  EXPECT_EQ(slack["blocks"][1]["text"]["text"].get<std::string>().rfind("*" + k_summary + "*", 0), 0u);
  const json discord = json::parse(discord_body(e));
  EXPECT_EQ(discord["content"].get<std::string>().rfind("**" + k_summary + "**", 0), 0u) << discord["content"];
  EXPECT_NE(matrix_body(e).find(k_summary), std::string::npos);
  EXPECT_NE(mattermost_body(e).find(k_summary), std::string::npos);
  // Without a summary (an older payload), the classes line as before.
  Event old = testing::sample_event();
  EXPECT_EQ(json::parse(slack_body(old))["text"].get<std::string>().rfind("Article changed: headline, body", 0), 0u);
}

TEST(SummaryOutputs, DiffLogEntryTitleIsTheSummary) {
  const std::string entry = render_diff_log_entry(summarized());
  const auto first_newline = entry.find('\n');
  EXPECT_EQ(entry.substr(first_newline + 1, entry.find('\n', first_newline + 1) - first_newline - 1),
            "summary: " + k_summary);
}

// A headline A/B test's two events, as the check pipeline makes them (monitor/check_pipeline_ab.cpp).
Event headline_test_event(EventType type) {
  Event e = testing::sample_event();
  e.type = type;
  e.new_version = e.old_version;
  e.classes = {"headline"};
  e.stats = json::object();
  e.diff.clear();
  e.variants = json::array({{{"headline", "Mayor Resigns"},
                             {"first_seen", "2024-06-01T09:00:00.000Z"},
                             {"last_seen", "2024-06-01T12:00:00.000Z"},
                             {"sightings", 4}},
                            {{"headline", "Mayor <Quits>"},
                             {"first_seen", "2024-06-01T10:00:00.000Z"},
                             {"last_seen", "2024-06-01T11:00:00.000Z"},
                             {"sightings", 2}}});
  if (type == EventType::headline_test) {
    e.summary = "Headline test: 2 variants (\u201cMayor Resigns\u201d / \u201cMayor <Quits>\u201d)";
  } else {
    e.winner = "Mayor Resigns";
    e.summary = "Headline test ended: \u201cMayor Resigns\u201d won (2 variants)";
  }
  return e;
}

TEST(SummaryOutputs, HeadlineTestEventsInEveryOutput) {
  for (const EventType type : {EventType::headline_test, EventType::headline_test_ended}) {
    const Event e = headline_test_event(type);
    SCOPED_TRACE(to_string(type));
    // The payload: type, summary, variants (and the winner), no facts; it reads back the same.
    const json j = json::parse(render_event(e));
    EXPECT_EQ(j["type"], std::string(to_string(type)));
    EXPECT_EQ(j["data"]["summary"], e.summary);
    EXPECT_EQ(j["data"]["variants"], e.variants);
    EXPECT_FALSE(j["data"].contains("facts"));
    EXPECT_EQ(j["data"].contains("winner"), type == EventType::headline_test_ended);
    const auto back = parse_event(render_event(e));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->variants, e.variants);
    EXPECT_EQ(back->winner, e.winner);
    EXPECT_EQ(back->summary, e.summary);
    // The e-mail's subject, the chat presets' first line, the diff log entry's title.
    const auto subject = testing::mail_header(render_email(e, {"r@alerts.example", {"desk@news.example"}}), "Subject");
    ASSERT_TRUE(subject);
    EXPECT_EQ(testing::decode_encoded_words(*subject).rfind("[redline] " + e.summary, 0), 0u);
    EXPECT_EQ(json::parse(slack_body(e))["text"].get<std::string>().rfind(e.summary, 0), 0u);
    // Markdown presets escape the summary's markup characters: look for its plain start.
    const std::string start = e.summary.substr(0, e.summary.find(':'));
    EXPECT_NE(json::parse(discord_body(e))["content"].get<std::string>().find("**" + start), std::string::npos);
    EXPECT_NE(json::parse(mattermost_body(e))["text"].get<std::string>().find("**" + start), std::string::npos);
    EXPECT_NE(teams_body(e).find("Headline test"), std::string::npos);
    EXPECT_NE(ntfy_body(e, "desk").find("Headline test"), std::string::npos);
    EXPECT_NE(matrix_body(e).find(start), std::string::npos);
    const std::string entry = render_diff_log_entry(e);
    EXPECT_EQ(entry.rfind("=== 2024-06-01T12:00:00.123Z " + std::string(to_string(type)) + " [headline] ", 0), 0u)
        << entry;
    EXPECT_NE(entry.find("summary: " + e.summary + "\n"), std::string::npos) << entry;
  }
}

}  // namespace
}  // namespace redline
