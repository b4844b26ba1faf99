// Headline A/B tests end to end: the real redlined against a local news site whose headline is served
// as A or B at random, with a real webhook receiver (issue 16, "Headline A/B tests").
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "support/process.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string k_a = "Storm closes the coast road";
const std::string k_b = "Coast road shut as storm hits the bay";

SiteArticle storm_article() {
  return {k_a,
          "Ann Reporter",
          {"A storm with gusts of up to 110 km/h closed the coast road on Tuesday morning, the police said.",
           "Fallen trees blocked both lanes near the harbour, and the ferry to the islands did not sail.",
           "The weather service expects the wind to ease by the evening, with more rain overnight."}};
}

bool has(const json& classes, const std::string& c) {
  for (const auto& x : classes)
    if (x == c) return true;
  return false;
}

TEST(HeadlineAbTest, FlipsMakeOneTestEventAndOneEndEventAndTheBodyEditIsReportedOnce) {
  NewsSite site;
  WebhookReceiver receiver{k_test_secret};
  RedlineEnv env;
  site.put("/news/storm", storm_article());
  env.write_config(
      "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
      "[diff]\nab_window = \"1h\"\nab_settle = \"5s\"\n"
      "[[watch]]\nurl = \"" +
      site.url("/news/storm") +
      "\"\nevery = \"1h\"\n"
      "[[webhook]]\nname = \"newsroom\"\nurl = \"" +
      receiver.url() + "\"\nsecret = \"" + k_test_secret + "\"\n");

  // 40 checks with A or B at random (a fixed seed, so a failure can be replayed; never more than three
  // in a row, so that no run lasts ab_settle on a slow machine), a real body edit at the 20th; then B
  // only, until the test has settled (ab_settle = 5 s of B alone).
  std::mt19937 rng(16);
  const std::string edited = "Fallen trees blocked both lanes near the harbour; the ferry will sail again on Thursday.";
  int run = 0;
  for (int check = 1; check <= 40; ++check) {
    site.edit("/news/storm", [&](SiteArticle& a) {
      const std::string previous = a.headline;
      a.headline = check == 1 ? k_a : (rng() % 2 ? k_a : k_b);
      run = a.headline == previous ? run + 1 : 1;
      if (run > 3) {
        a.headline = previous == k_a ? k_b : k_a;
        run = 1;
      }
      if (check == 20) a.paragraphs[1] = edited;
    });
    const auto r = env.run_once();
    ASSERT_EQ(r.status.code, 0) << r.err;
  }
  site.edit("/news/storm", [&](SiteArticle& a) { a.headline = k_b; });
  const auto ended = [&] {
    for (const auto& hook : receiver.received())
      if (json::parse(hook.body)["type"] == "article.headline_test_ended") return true;
    return false;
  };
  for (int check = 0; check < 30 && !ended(); ++check) {
    const auto r = env.run_once();
    ASSERT_EQ(r.status.code, 0) << r.err;
    std::this_thread::sleep_for(500ms);
  }

  std::vector<json> tests, ends, changes;
  size_t tests_at = 0, position = 0;
  for (const auto& hook : receiver.received()) {
    EXPECT_TRUE(hook.signature_ok) << hook.verify_error;
    json payload = json::parse(hook.body);
    const auto type = payload["type"].get<std::string>();
    if (type == "article.headline_test") {
      tests.push_back(payload["data"]);
      tests_at = position;
    } else if (type == "article.headline_test_ended") {
      ends.push_back(payload["data"]);
    } else if (type == "article.changed") {
      changes.push_back(payload["data"]);
    } else {
      ADD_FAILURE() << "unexpected event " << hook.body;
    }
    ++position;
  }

  // Exactly one test event, listing both variants with when each was seen.
  ASSERT_EQ(tests.size(), 1u);
  ASSERT_EQ(tests[0]["variants"].size(), 2u) << tests[0];
  std::set<std::string> variants;
  for (const auto& v : tests[0]["variants"]) {
    variants.insert(v["headline"].get<std::string>());
    EXPECT_FALSE(v["first_seen"].get<std::string>().empty());
    EXPECT_GE(v["last_seen"].get<std::string>(), v["first_seen"].get<std::string>());
  }
  EXPECT_EQ(variants, (std::set<std::string>{k_a, k_b}));
  EXPECT_NE(tests[0]["summary"].get<std::string>().find("Headline test: 2 variants"), std::string::npos);

  // Exactly one end event, naming B.
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0]["winner"], k_b);
  EXPECT_EQ(ends[0]["variants"].size(), 2u);

  // No change event for the flips: the only headline change is the first switch A → B, before the
  // flips showed it was a test (nobody can know it then); the body edit is reported once, as a body
  // change without the flip in it.
  int body_changes = 0, headline_changes = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (has(changes[i]["classes"], "body")) {
      ++body_changes;
      EXPECT_FALSE(has(changes[i]["classes"], "headline")) << changes[i];
      EXPECT_NE(changes[i]["diff"].get<std::string>().find("Thursday"), std::string::npos) << changes[i];
    } else {
      ++headline_changes;
    }
  }
  EXPECT_EQ(body_changes, 1);
  EXPECT_LE(headline_changes, 1);
  EXPECT_EQ(changes.size(), static_cast<size_t>(body_changes + headline_changes));
  EXPECT_LE(tests_at, 2u) << "the test is recognised at the first flip back";

  // Each variant stored once, not each flip: first version, the first switch, the body edit, and at
  // most the winner over the edited body.
  const auto log = env.cli({"log", site.url("/news/storm"), "--json"});
  ASSERT_EQ(log.status.code, 0) << log.err;
  EXPECT_LE(json::parse(log.out).size(), 4u) << log.out;

  // The diff log records both events like the others.
  const auto difflog = env.read_difflog();
  EXPECT_NE(difflog.find("article.headline_test "), std::string::npos) << difflog;
  EXPECT_NE(difflog.find("article.headline_test_ended "), std::string::npos) << difflog;

  // The API lists both events as the webhook sent them, and the Atom feed has an entry for each, its
  // title the summary next to the headline, its content the variants.
  Process serve(RedlineEnv::redline_path(),
                {{"--config", env.config_path().string(), "serve", "--listen", "127.0.0.1:0"}, {}, "", "", ""});
  ASSERT_TRUE(serve.start().ok());
  ASSERT_TRUE(serve.wait_for_output("API listening on", 20s)) << serve.stderr_text();
  const uint16_t port = port_of(serve.stderr_text());
  ASSERT_NE(port, 0);
  const auto listed = api_get(port, "/api/v1/changes?limit=200");
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::map<std::string, int> types;
  const json items = json::parse(listed.body)["items"];  // named: the loop must not outlive a temporary
  for (const auto& item : items) ++types[item["type"].get<std::string>()];
  EXPECT_EQ(types["article.headline_test"], 1) << listed.body;
  EXPECT_EQ(types["article.headline_test_ended"], 1) << listed.body;
  const auto feed = api_get(port, "/feed.atom?limit=200");
  ASSERT_EQ(feed.status, 200);
  EXPECT_NE(feed.body.find("<title type=\"text\">" + k_a), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("\u2014 Headline test: 2 variants"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("Headline test ended: \u201c" + k_b + "\u201d won"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("&lt;li&gt;\u201c" + k_b + "\u201d"), std::string::npos) << feed.body;  // the variants
  // Served twice (the second from the entry cache): the same feed.
  EXPECT_EQ(api_get(port, "/feed.atom?limit=200").body, feed.body);
  (void)serve.terminate();
  serve.wait(10s);
}

}  // namespace
}  // namespace redline::testing
