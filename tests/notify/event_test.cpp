#include "notify/event.hpp"

#include <gtest/gtest.h>

#include <set>

namespace redline {
namespace {

Event sample_event() {
  Event e;
  e.id = "evt_abcdefghijklmnopqrstuvwx";
  e.type = EventType::changed;
  e.occurred_at = from_epoch_ms(1'717'243'200'123);  // 2024-06-01T12:00:00.123Z
  e.article_key = "example:12345";
  e.url = "https://news.example/a/12345";
  e.old_version = EventVersion{3, from_epoch_ms(1'717'239'600'000), "Mayor resigns"};
  e.new_version = EventVersion{4, from_epoch_ms(1'717'243'200'000), "Mayor resigns amid probe"};
  e.classes = {"headline", "body"};
  e.stats = {{"words_added", 7}, {"words_removed", 2}};
  e.diff = "Mayor resigns {+amid probe+}\n";
  return e;
}

TEST(Event, TypeNamesRoundTrip) {
  for (auto t : {EventType::changed, EventType::deleted, EventType::redirected, EventType::restored}) {
    const auto name = to_string(t);
    EXPECT_EQ(name.substr(0, 8), "article.");
    EXPECT_EQ(event_type_from_string(name), t);
  }
  EXPECT_EQ(to_string(EventType::redirected), "article.redirected");
  EXPECT_FALSE(event_type_from_string("article.created").has_value());
}

TEST(Event, IdsHaveThePrefixAlphabetAndLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = make_event_id();
    ASSERT_EQ(id.size(), 4u + 24u) << id;
    EXPECT_EQ(id.substr(0, 4), "evt_");
    for (char c : id.substr(4)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Event, PayloadHasTheEnvelopeShape) {
  const std::string text = render_event(sample_event());
  EXPECT_EQ(text.find('\n'), std::string::npos) << "compact JSON expected";
  const auto j = nlohmann::json::parse(text);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j["type"], "article.changed");
  EXPECT_EQ(j["timestamp"], "2024-06-01T12:00:00.123Z");
  const auto& d = j["data"];
  EXPECT_EQ(d["event_id"], "evt_abcdefghijklmnopqrstuvwx");
  EXPECT_EQ(d["article_id"], "example:12345");
  EXPECT_EQ(d["url"], "https://news.example/a/12345");
  EXPECT_EQ(d["old"]["version"], 3);
  EXPECT_EQ(d["old"]["captured_at"], "2024-06-01T11:00:00.000Z");
  EXPECT_EQ(d["old"]["headline"], "Mayor resigns");
  EXPECT_EQ(d["new"]["version"], 4);
  EXPECT_EQ(d["new"]["captured_at"], "2024-06-01T12:00:00.000Z");
  EXPECT_EQ(d["new"]["headline"], "Mayor resigns amid probe");
  EXPECT_EQ(d["classes"], nlohmann::json::array({"headline", "body"}));
  EXPECT_EQ(d["stats"]["words_added"], 7);
  EXPECT_EQ(d["diff"], "Mayor resigns {+amid probe+}\n");
}

TEST(Event, DeletedEventHasNullNewSideAndEmptyStats) {
  Event e = sample_event();
  e.type = EventType::deleted;
  e.new_version.reset();
  e.stats = nullptr;
  e.classes.clear();
  e.diff.clear();
  const auto j = nlohmann::json::parse(render_event(e));
  EXPECT_EQ(j["type"], "article.deleted");
  EXPECT_TRUE(j["data"]["new"].is_null());
  EXPECT_TRUE(j["data"]["old"].is_object());
  EXPECT_TRUE(j["data"]["stats"].is_object());
  EXPECT_TRUE(j["data"]["stats"].empty());
  EXPECT_TRUE(j["data"]["classes"].is_array());
}

TEST(Event, InvalidUtf8IsReplacedNotFatal) {
  Event e = sample_event();
  e.new_version->headline = "caf\xC3";  // truncated sequence
  const std::string text = render_event(e);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["data"]["new"]["headline"], "caf\xEF\xBF\xBD");
}

TEST(Event, ParseReadsRenderedPayloadBack) {
  const Event e = sample_event();
  auto back = parse_event(render_event(e));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->occurred_at, e.occurred_at);
  EXPECT_EQ(back->article_key, e.article_key);
  EXPECT_EQ(back->url, e.url);
  ASSERT_TRUE(back->old_version && back->new_version);
  EXPECT_EQ(back->old_version->number, 3);
  EXPECT_EQ(back->old_version->captured_at, e.old_version->captured_at);
  EXPECT_EQ(back->new_version->headline, e.new_version->headline);
  EXPECT_EQ(back->classes, e.classes);
  EXPECT_EQ(back->stats, e.stats);
  EXPECT_EQ(back->diff, e.diff);
}

TEST(Event, ParseRejectsWhatIsNotAnEvent) {
  for (const char* bad : {"", "[]", "{", R"({"type":"article.changed"})",
                          R"({"type":"article.created","timestamp":"2024-06-01T12:00:00Z","data":{}})",
                          R"({"type":"article.changed","timestamp":"yesterday","data":{}})",
                          R"({"type":"article.changed","timestamp":"2024-06-01T12:00:00Z","data":{"event_id":1}})"}) {
    auto r = parse_event(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::invalid_input);
    }
  }
}

}  // namespace
}  // namespace redline
