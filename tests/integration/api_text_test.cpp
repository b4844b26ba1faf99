// Text the API serves: invalid UTF-8 and U+2028 in headline, byline and body stay valid and inert in
// JSON, Atom and the HTML fragment (checked by tests/integration/api_inert.py with strict parsers and
// feedparser), whether they come through a real page and the extractor or straight from the store; and
// the curl examples of docs/api.md run against a real daemon with real data.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "api/router.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "notify/event.hpp"
#include "store/sqlite_store.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Bytes that are not UTF-8: a lead byte before an ASCII byte, a byte never valid, overlong forms of
// '/' and of NUL, a lone continuation byte, a truncated sequence; then U+2028 and U+2029 (valid, but
// they end a line in JavaScript) and markup.
const std::string k_bad = "\xC3\x28 \xFF \xC0\xAF \xE0\x80\xAF \xC0\x80 \x80 \xE2\x82 \xE2\x80\xA8 \xE2\x80\xA9";
const std::string k_markup = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> ]]>";

// Runs api_inert.py against the API on `port` for the article `key`.
void expect_inert(uint16_t port, const std::string& key) {
  ProcessOptions options;
  options.args = {REDLINE_SOURCE_DIR "/tests/integration/api_inert.py", std::to_string(port), key};
  Process python("/usr/bin/python3", options);
  ASSERT_TRUE(python.start().ok());
  const auto done = python.wait(60s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->code, 0) << python.stdout_text() << python.stderr_text();
}

// Straight from the store (what an import or another writer may have put there), served by `redline serve`.
TEST(ApiText, InvalidUtf8FromTheStoreStaysValidAndInert) {
  RedlineEnv env;
  env.write_config("[store]\npath = \"state/redline.db\"\n[api]\nlisten = \"127.0.0.1:0\"\n");
  {
    auto opened = SqliteStore::open(env.store_path(), OpenMode::read_write);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    SqliteStore& store = **opened;
    const Timestamp t0 = from_epoch_ms(1'764'000'000'000);
    auto article = store.ensure_article("news.test:7", "https://news.test/a-7", t0);
    ASSERT_TRUE(article.ok());
    int64_t first = 0;
    for (int v = 0; v < 2; ++v) {
      NewVersion nv;
      nv.article_id = article->id;
      nv.captured_at = t0 + std::chrono::hours(v);
      nv.url = "https://news.test/a-7";
      nv.content.headline = "Flut " + k_bad + " " + k_markup + (v ? " neu" : "");
      nv.content.authors = {"Ann " + k_bad + " <script>x</script>"};
      nv.content.blocks = {{BlockKind::paragraph, "Body " + k_bad + " " + k_markup},
                           {BlockKind::paragraph, v ? "Added " + k_bad : "Kept"}};
      nv.fingerprint = "f" + std::to_string(v);
      if (v) {
        nv.change = ChangeRecord{0, 0, first, 0, {"headline", "body"}, "{}"};
        Event e;
        e.id = make_event_id();
        e.occurred_at = nv.captured_at;
        e.article_key = "news.test:7";
        e.url = nv.url;
        e.old_version = EventVersion{1, t0, "Flut " + k_bad};
        e.new_version = EventVersion{2, nv.captured_at, nv.content.headline};
        e.classes = {"headline", "body"};
        e.diff = "[-Kept-]{+Added " + k_bad + "+}";
        OutboxEntry row;
        row.event_id = e.id;
        row.notifier = "difflog";
        row.payload = render_event(e);
        nv.outbox.push_back(row);
      }
      auto id = store.add_version(nv);
      ASSERT_TRUE(id.ok()) << id.error().message;
      first = *id;
    }
  }
  Process serve(RedlineEnv::redline_path(), {{"--config", env.config_path().string(), "serve"}, {}, "", "", ""});
  ASSERT_TRUE(serve.start().ok());
  ASSERT_TRUE(serve.wait_for_output("API listening on", 20s)) << serve.stderr_text();
  const uint16_t port = port_of(serve.stderr_text());
  ASSERT_NE(port, 0);
  ASSERT_NO_FATAL_FAILURE(expect_inert(port, "news.test:7"));
  // The replacement character stands where the bytes were; the text around them is kept.
  const auto version = json::parse(api_get(port, "/api/v1/articles/news.test%3A7/versions/-1").body);
  const std::string headline = version["headline"];
  EXPECT_EQ(headline.rfind("Flut \xEF\xBF\xBD(", 0), 0u) << headline;
  EXPECT_NE(headline.find("<script>alert(1)</script>"), std::string::npos);  // as text, escaped on the wire
  (void)serve.terminate();
  serve.wait(10s);
}

// Through a real page, the extractor and the monitor, served by the running daemon.
TEST(ApiText, InvalidUtf8FromAPageStaysValidAndInert) {
  NewsSite site;
  // The page is escaped HTML (the extractor reads the markup as text), with the raw bad bytes.
  const std::string escaped = "&lt;script&gt;alert(1)&lt;/script&gt; \"&gt;&lt;img src=x onerror=alert(2)&gt; ]]&gt;";
  site.put("/news/flut", {"Flut " + k_bad + " " + escaped,
                          "Ann " + k_bad,
                          {"Heavy rain overnight flooded the river road " + k_bad + " between the two bridges, said.",
                           "The road will stay closed " + escaped + " until the water recedes, officials said."}});
  RedlineEnv env;
  env.write_config(
      "[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
      "[api]\nlisten = \"127.0.0.1:0\"\n[[watch]]\nurl = \"" +
      site.url("/news/flut") + "\"\nevery = \"1s\"\n");
  Process daemon(RedlineEnv::redlined_path(), ProcessOptions{{"--config", env.config_path().string()}, {}, "", "", ""});
  ASSERT_TRUE(daemon.start().ok());
  ASSERT_TRUE(daemon.wait_for_output("API listening on", 20s)) << daemon.stderr_text();
  const uint16_t port = port_of(daemon.stderr_text());
  ASSERT_TRUE(daemon.wait_for_output("first version stored", 30s)) << daemon.stderr_text();
  site.edit("/news/flut", [&](SiteArticle& a) {
    a.headline = "Flut " + k_bad + " neu " + escaped;
    a.paragraphs.push_back("A new paragraph " + k_bad + " says the army was called in to help with sandbags.");
  });
  ASSERT_TRUE(daemon.wait_for_output("changed [", 30s)) << daemon.stderr_text();
  const auto list = json::parse(api_get(port, "/api/v1/articles").body);
  ASSERT_EQ(list["items"].size(), 1u);
  ASSERT_NO_FATAL_FAILURE(expect_inert(port, list["items"][0]["key"]));
  (void)daemon.terminate();
  daemon.wait(10s);
}

// The commands of the "## Examples" block of docs/api.md, run as written against the daemon, with the
// example address, article key, URL and time put in for the test's own.
TEST(ApiText, CurlExamplesOfTheDocsWork) {
  std::ifstream in(REDLINE_SOURCE_DIR "/docs/api.md");
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const size_t section = text.find("## Examples");
  ASSERT_NE(section, std::string::npos);
  const size_t open = text.find("```sh\n", section);
  const size_t close = text.find("```", open + 6);
  ASSERT_NE(close, std::string::npos);
  std::vector<std::string> commands;
  std::string current;
  std::istringstream lines(text.substr(open + 6, close - open - 6));
  for (std::string line; std::getline(lines, line);) {
    const bool more = !line.empty() && line.back() == '\\';
    current += more ? line.substr(0, line.size() - 1) : line;
    if (!more) {
      if (current.find_first_not_of(' ') != std::string::npos) commands.push_back(current);
      current.clear();
    }
  }
  ASSERT_GE(commands.size(), 5u);

  NewsSite site;
  site.put("/en/a-61992878",
           {"Floods close the road",
            "Ann Reporter",
            {"Heavy rain overnight flooded the river road between the two bridges, officials said.",
             "The road will stay closed until the water recedes, the town's office said on Monday."}});
  RedlineEnv env;
  const std::string write_token(40, 'w');
  env.write_config(
      "[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
      "[api]\nlisten = \"127.0.0.1:0\"\n[[api.token]]\nname = \"desk\"\ntoken = \"" +
      write_token + "\"\nscope = \"write\"\n[[site]]\nmatch = \"127.0.0.1\"\nid = '/a-(\\d+)'\n[[watch]]\nurl = \"" +
      site.url("/en/a-61992878") + "\"\nevery = \"1s\"\n");
  Process daemon(RedlineEnv::redlined_path(), ProcessOptions{{"--config", env.config_path().string()}, {}, "", "", ""});
  ASSERT_TRUE(daemon.start().ok());
  ASSERT_TRUE(daemon.wait_for_output("API listening on", 20s)) << daemon.stderr_text();
  const uint16_t port = port_of(daemon.stderr_text());
  ASSERT_TRUE(daemon.wait_for_output("first version stored", 30s)) << daemon.stderr_text();
  const Timestamp before_change = SystemClock().now() - 1s;
  site.edit("/en/a-61992878", [](SiteArticle& a) { a.headline = "Floods shut the road"; });
  ASSERT_TRUE(daemon.wait_for_output("changed [", 30s)) << daemon.stderr_text();
  const auto list = json::parse(api_get(port, "/api/v1/articles").body);
  ASSERT_EQ(list["items"].size(), 1u);
  const std::string key = list["items"][0]["key"];  // "127.0.0.1:61992878" under the [[site]] id rule

  const auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
    return s;
  };
  for (const std::string& written : commands) {
    std::string command = written;
    command = replace_all(command, "dw.com%3A61992878", redline::percent_encode(key));
    command = replace_all(command, "https://www.dw.com/en/a-1", site.url("/en/a-1"));
    command = replace_all(command, "2026-12-05T10:00:00Z", format_rfc3339(before_change));
    command = replace_all(command, "127.0.0.1:8421", "127.0.0.1:" + std::to_string(port));
    ASSERT_EQ(command.rfind("curl ", 0), 0u) << written;
    command = "curl -w '\\n%{http_code}' " + command.substr(5);
    ProcessOptions options;
    options.args = {"-c", command};
    options.env = {{"REDLINE_WRITE_TOKEN", write_token}};
    Process shell("/bin/sh", options);
    ASSERT_TRUE(shell.start().ok());
    const auto done = shell.wait(30s);
    ASSERT_TRUE(done.has_value());
    ASSERT_EQ(done->code, 0) << written << "\n" << shell.stderr_text();
    std::string out = shell.stdout_text();
    const size_t last = out.rfind('\n');
    ASSERT_NE(last, std::string::npos) << written;
    const int status = std::stoi(out.substr(last + 1));
    const std::string body = out.substr(0, last);
    SCOPED_TRACE(written + "\n" + body);
    if (written.find("-X POST") != std::string::npos) {
      EXPECT_EQ(status, 201);
      EXPECT_EQ(json::parse(body)["url"], site.url("/en/a-1"));
    } else if (written.find("/diff?format=text") != std::string::npos) {
      EXPECT_EQ(status, 200);
      EXPECT_NE(body.find("shut"), std::string::npos);
      EXPECT_EQ(body, env.cli({"diff", site.url("/en/a-61992878")}).out);
    } else if (written.find("/articles?q=") != std::string::npos) {
      EXPECT_EQ(status, 200);
      const auto page = json::parse(body);
      ASSERT_EQ(page["items"].size(), 1u);
      EXPECT_EQ(page["items"][0]["key"], key);
    } else if (written.find("/changes") != std::string::npos) {
      EXPECT_EQ(status, 200);
      const auto page = json::parse(body);
      ASSERT_EQ(page["items"].size(), 1u);
      EXPECT_EQ(page["items"][0]["type"], "article.changed");
      EXPECT_EQ(page["items"][0]["data"]["classes"][0], "headline");
    } else {
      ADD_FAILURE() << "an example this test does not know how to check: " << written;
    }
  }
  (void)daemon.terminate();
  daemon.wait(10s);
}

}  // namespace
}  // namespace redline::testing
