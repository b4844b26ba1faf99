// Regression tests for the hostile-input findings (issue "Nothing from outside can crash it, hang it, or make
// it lie"). Each test is named after its finding and runs the real programs on input a hostile feed, page or
// careless operator could give them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

std::string rss_with_links(const std::vector<std::string>& links) {
  std::string items;
  for (const auto& l : links) items += "<item><title>t</title><link>" + l + "</link></item>";
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>f</title><link>http://x/</link>" + items +
         "</channel></rss>";
}

ProcessOptions options(std::vector<std::string> args, std::string working_dir = "", std::string stdout_path = "") {
  ProcessOptions o;
  o.args = std::move(args);
  o.working_dir = std::move(working_dir);
  o.stdout_path = std::move(stdout_path);
  return o;
}

// Runs `program ARGS…` (no --config added) and collects what it printed.
RunResult run(const std::string& program, std::vector<std::string> args, const std::string& working_dir) {
  Process p(program, options(std::move(args), working_dir));
  RunResult r;
  if (!p.start()) return r;
  if (auto s = p.wait(std::chrono::seconds(60))) r.status = *s;
  r.out = p.stdout_text();
  r.err = p.stderr_text();
  return r;
}

class HostileInputTest : public ::testing::Test {
 protected:
  RunResult cli(std::vector<std::string> args) const { return env.cli(std::move(args)); }
  NewsSite site;
  RedlineEnv env;
};

// 1. A feed item whose link is an id-rule host followed by 30 000 digits crashed redlined --once (std::regex
// recursion in article_key); `redline add` crashed the same way. Now such a URL is refused by length, and a
// long one under the limit goes through the (linear-time) id rule.
TEST_F(HostileInputTest, Finding01_LongLinkOnAnIdRuleHostDoesNotCrash) {
  const std::string long_link = site.url("/a-" + std::string(30000, '1'));
  const std::string under_limit = site.url("/a-" + std::string(7000, '2'));
  site.server().route("/feed.xml", [&](const ServerRequest&) {
    return ServerResponse::text(200, rss_with_links({long_link, under_limit}), "application/rss+xml");
  });
  site.server().route_prefix("/a-", [](const ServerRequest&) { return ServerResponse::html("<p>gone</p>", 404); });
  env.write_config("[store]\npath = \"state/redline.db\"\n[[feed]]\nurl = \"" + site.url("/feed.xml") +
                   "\"\nname = \"hostile\"\n[[site]]\nmatch = \"127.0.0.1\"\nid = '/a-(\\d+)'\n");
  const auto once = env.run_once();
  EXPECT_TRUE(once.status.exited()) << once.status.describe() << once.err;
  EXPECT_EQ(once.status.code, 0) << once.err;
  EXPECT_NE(once.err.find("at most 8192"), std::string::npos) << once.err;

  const auto listed = cli({"list", "--json"});
  ASSERT_EQ(listed.status.code, 0) << listed.err;
  EXPECT_NE(listed.out.find("127.0.0.1:" + std::string(7000, '2')), std::string::npos);

  const auto add = cli({"add", site.url("/a-" + std::string(50000, '3'))});
  EXPECT_TRUE(add.status.exited()) << add.status.describe();
  EXPECT_EQ(add.status.code, 2) << add.err;
  EXPECT_NE(add.err.find("at most 8192 are accepted"), std::string::npos) << add.err;
}

// 2. drop_text = ['(a+)+$'] on "aaa…ab" never ended (std::regex backtracking). RE2 runs it in linear time.
TEST_F(HostileInputTest, Finding02_CatastrophicDropTextPatternEnds) {
  env.write_config("[[site]]\nmatch = \"example.com\"\ndrop_text = ['(a+)+$']\n");
  const std::string page = "<html><body><article><h1>Title</h1><p>" + std::string(5000, 'a') +
                           "b</p><p>A second paragraph that has some words in it.</p><p>" + std::string(30, 'a') +
                           "b</p></article></body></html>";
  std::ofstream(env.dir() / "page.html") << page;
  const auto r = cli({"extract", "--config", env.config_path().string(), "--url", "https://example.com/x",
                      (env.dir() / "page.html").string()});
  EXPECT_TRUE(r.status.exited()) << r.status.describe();
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_NE(r.out.find("A second paragraph"), std::string::npos) << r.out;
}

// 2b. A back-reference (a construct RE2 refuses) is a config error naming the syntax, not a hang.
TEST_F(HostileInputTest, Finding02_BackReferenceIsAConfigError) {
  env.write_config("[[site]]\nmatch = \"example.com\"\ndrop_text = ['(a)\\1']\n");
  const auto r = cli({"list"});
  EXPECT_EQ(r.status.code, 78) << r.err;
  EXPECT_NE(r.err.find("redline.toml:3: site.drop_text has an invalid regular expression"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("RE2 syntax"), std::string::npos) << r.err;
}

std::string deep_dotted_key(int depth) {
  std::string s = "a";
  for (int i = 0; i < depth; ++i) s += ".a";
  return s + " = 1\n";
}

// 3. A key nested 40 000 deep crashed toml++ (and a daemon reloading such a file). Now it is a config error
// at start, and on SIGHUP the old configuration is kept.
TEST_F(HostileInputTest, Finding03_DeeplyNestedConfigIsAnErrorNotACrash) {
  for (const std::string& text : {deep_dotted_key(40000), "[[" + deep_dotted_key(40000).substr(0, 80001) + "]]\n",
                                  "a = " + std::string(40000, '[') + std::string(40000, ']') + "\n"}) {
    env.write_config(text);
    const auto r = cli({"list"});
    EXPECT_TRUE(r.status.exited()) << r.status.describe();
    EXPECT_EQ(r.status.code, 78) << r.err;
    EXPECT_NE(r.err.find("redline.toml:1:"), std::string::npos) << r.err;
  }

  site.put("/news/floods", {"Floods close the river road", "Ann Reporter", {"Heavy rain flooded the river road."}});
  env.write_config("[store]\npath = \"state/redline.db\"\n[[watch]]\nurl = \"" + site.url("/news/floods") +
                   "\"\nevery = \"1h\"\n");
  Process daemon(RedlineEnv::redlined_path(), options({"--config", env.config_path().string()}, env.dir().string()));
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(daemon.wait_for_output(" started: ", 20s)) << daemon.stderr_text();
  env.write_config(deep_dotted_key(40000));
  ASSERT_TRUE(daemon.hangup());
  ASSERT_TRUE(daemon.wait_for_output("keeping the old configuration", 10s)) << daemon.stderr_text();
  EXPECT_NE(daemon.stderr_text().find("nested more than 32 levels deep"), std::string::npos);
  EXPECT_TRUE(daemon.running());
  ASSERT_TRUE(daemon.terminate());
  const auto status = daemon.wait(20s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0) << status->describe();
}

// 4. `redline extract /dev/zero` read without a bound (3.1 GB after 20 s). Now every read stops at 64 MiB.
TEST_F(HostileInputTest, Finding04_EndlessInputIsRefusedAtTheBound) {
  env.write_config("");
  const auto r = cli({"extract", "/dev/zero"});
  EXPECT_TRUE(r.status.exited()) << r.status.describe();
  EXPECT_EQ(r.status.code, 2) << r.err;
  EXPECT_NE(r.err.find("redline: /dev/zero: more than 64 MiB"), std::string::npos) << r.err;
}

const char* const k_page =
    "<html><head><title>Floods</title></head><body><article><h1>Floods close the river road</h1>"
    "<p>Heavy rain overnight flooded the river road between the two bridges, officials said on Monday.</p>"
    "<p>The road will stay closed until the water recedes, which could take several days.</p></article></body></html>";

std::string capture(const std::string& stamp, const std::string& url, const std::string& body) {
  return "<!--" + stamp + "-->\n\n[Floods close the river road](" + url + ")\n---\n\n" + body + "\n";
}

// A store with one article of two versions, made by importing captures.
void fill_store(const RedlineEnv& env, const std::string& url) {
  std::ofstream(env.dir() / "a.txt") << capture("1733390000000", url, "Heavy rain flooded the road.")
                                     << capture("1733393600000", url, "Heavy rain flooded the road again.");
  const auto r = env.cli({"import", (env.dir() / "a.txt").string()});
  ASSERT_EQ(r.status.code, 0) << r.err;
}

// 5. `redline export > /dev/full` exited 0 with the output cut. Every command that writes to standard
// output now checks the final flush and close.
TEST_F(HostileInputTest, Finding05_WritingToAFullDeviceIsAnError) {
  env.write_config("[store]\npath = \"state/redline.db\"\n");
  fill_store(env, "https://news.example/floods");
  std::ofstream(env.dir() / "page.html") << k_page;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"export"},
                                               {"list"},
                                               {"show", "https://news.example/floods"},
                                               {"log", "https://news.example/floods"},
                                               {"extract", (env.dir() / "page.html").string()}}) {
    std::vector<std::string> full{"--config", env.config_path().string()};
    full.insert(full.end(), args.begin(), args.end());
    Process p(RedlineEnv::redline_path(), options(full, env.dir().string(), "/dev/full"));
    ASSERT_TRUE(p.start());
    const auto status = p.wait(std::chrono::seconds(60));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 74) << args[0] << ": " << p.stderr_text();
    EXPECT_NE(p.stderr_text().find("redline: standard output: No space left on device"), std::string::npos)
        << args[0] << ": " << p.stderr_text();
  }
}

// 6. A capture stamped <!--9999999999999999--> became the year -8823 and made every real capture "older than
// the newest". Times outside 1990 .. now + 1 day are refused, and the real captures are stored.
TEST_F(HostileInputTest, Finding06_CaptureTimesOutsideASaneWindowAreRefused) {
  env.write_config("[store]\npath = \"state/redline.db\"\n");
  const std::string url = "https://news.example/floods";
  std::ofstream(env.dir() / "bad.txt") << capture("9999999999999999", url, "Far future.")
                                       << capture("4102444800000", url, "Year 2100.")
                                       << capture("315532800000", url, "Year 1980.")
                                       << capture("1733390000000", url, "Heavy rain flooded the road.")
                                       << capture("1733393600000", url, "Heavy rain flooded the road again.");
  const auto r = cli({"import", (env.dir() / "bad.txt").string()});
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_NE(r.err.find("bad capture time \"9999999999999999\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("capture time 2100-01-01T00:00:00.000Z is before 1990 or more than a day ahead of now"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("capture time 1980-01-01T00:00:00.000Z"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 versions stored"), std::string::npos) << r.out;
}

// 7. --config naming a directory was read as an empty config (exit 0, a store created in ./state/).
TEST_F(HostileInputTest, Finding07_ConfigThatIsADirectoryIsAConfigError) {
  for (const auto& program : {RedlineEnv::redline_path(), RedlineEnv::redlined_path()}) {
    std::vector<std::string> args{"--config", env.dir().string()};
    if (program == RedlineEnv::redline_path()) args.push_back("list");
    if (program == RedlineEnv::redlined_path()) args.push_back("--once");
    const auto status = Process::run(program, options(args, env.dir().string()), std::chrono::seconds(60));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 78) << program;
  }
  EXPECT_FALSE(std::filesystem::exists(env.dir() / "state"));
  const auto r = run(RedlineEnv::redline_path(), {"--config", env.dir().string(), "list"}, env.dir().string());
  EXPECT_NE(r.err.find(env.dir().string() + ": is a directory"), std::string::npos) << r.err;
  const auto missing =
      run(RedlineEnv::redline_path(), {"--config", (env.dir() / "nope.toml").string(), "list"}, env.dir().string());
  EXPECT_EQ(missing.status.code, 78);
  EXPECT_NE(missing.err.find("nope.toml: cannot open for reading: No such file or directory"), std::string::npos)
      << missing.err;
}

// 8. `redline extract a.html DIR b.html` stopped at DIR with exit 74; b.html was never read.
TEST_F(HostileInputTest, Finding08_ExtractBatchGoesOnPastABadFile) {
  env.write_config("");
  std::ofstream(env.dir() / "a.html") << k_page;
  std::ofstream(env.dir() / "b.html") << k_page;
  std::filesystem::create_directory(env.dir() / "dir");
  const auto r = cli({"extract", "--format", "json", (env.dir() / "a.html").string(), (env.dir() / "dir").string(),
                      (env.dir() / "b.html").string()});
  EXPECT_EQ(r.status.code, 2) << r.err;
  const auto all = nlohmann::json::parse(r.out);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["headline"], "Floods close the river road");
  EXPECT_EQ(all[1]["error"], (env.dir() / "dir").string() + ": is a directory");
  EXPECT_EQ(all[2]["headline"], "Floods close the river road");
  // One message, naming the file once.
  EXPECT_NE(r.err.find("redline: " + (env.dir() / "dir").string() + ": is a directory\n"), std::string::npos) << r.err;
}

// Runs the CLI as user `nobody` (needs root; the CI runs as root).
RunResult cli_as_nobody(const RedlineEnv& env, std::vector<std::string> args) {
  std::vector<std::string> full{
      "--reuid=65534", "--regid=65534",           "--clear-groups", "--", RedlineEnv::redline_path(),
      "--config",      env.config_path().string()};
  full.insert(full.end(), args.begin(), args.end());
  return run("setpriv", std::move(full), "/");
}

// 9. Read-only commands wrote to the store: `redline list` by a user who cannot write the store's folder
// failed, and one who could left -wal/-shm files the daemon could then not open.
TEST_F(HostileInputTest, Finding09_ReadersNeverCreateFilesBesideTheStore) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as another user";
  env.write_config("[store]\npath = \"state/redline.db\"\n");
  fill_store(env, "https://news.example/floods");
  std::filesystem::permissions(env.dir(), std::filesystem::perms(0755));
  std::filesystem::permissions(env.config_path(), std::filesystem::perms(0644));
  ASSERT_FALSE(std::filesystem::exists(env.store_path().string() + "-wal"));
  for (const auto& args : {std::vector<std::string>{"list", "--json"}, {"log", "https://news.example/floods"}}) {
    // The folder is writable by everyone, as /tmp is: still no file may appear.
    for (const auto mode : {0755, 01777}) {
      std::filesystem::permissions(env.store_path().parent_path(), std::filesystem::perms(mode));
      const auto r = cli_as_nobody(env, args);
      EXPECT_EQ(r.status.code, 0) << args[0] << " " << mode << ": " << r.err;
      EXPECT_NE(r.out.find("news.example/floods"), std::string::npos) << r.out;
      EXPECT_FALSE(std::filesystem::exists(env.store_path().string() + "-wal")) << args[0] << " " << mode;
      EXPECT_FALSE(std::filesystem::exists(env.store_path().string() + "-shm")) << args[0] << " " << mode;
    }
  }
  // The daemon's user (root here) opens the store as before.
  const auto once = env.run_once();
  EXPECT_EQ(once.status.code, 0) << once.err;
  // A store the user may not read says why.
  std::filesystem::permissions(env.store_path(), std::filesystem::perms(0600));
  const auto denied = cli_as_nobody(env, {"list"});
  EXPECT_EQ(denied.status.code, 74) << denied.err;
  EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;
}

// 10. A [store] path naming another program's SQLite file got redline's tables written into it.
TEST_F(HostileInputTest, Finding10_AnotherProgramsDatabaseIsRefused) {
  std::filesystem::create_directories(env.dir() / "state");
  const auto made = Process::run("sqlite3",
                                 options({(env.dir() / "state" / "redline.db").string(),
                                          "CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT);"}),
                                 std::chrono::seconds(30));
  ASSERT_TRUE(made && made->code == 0);
  env.write_config("[store]\npath = \"state/redline.db\"\n");
  for (const auto& args : {std::vector<std::string>{"gc"}, {"list"}, {"add", "https://news.example/x"}}) {
    const auto r = cli(args);
    EXPECT_EQ(r.status.code, 74) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("another program"), std::string::npos) << args[0] << ": " << r.err;
  }
  const auto once = env.run_once();
  EXPECT_EQ(once.status.code, 74) << once.err;
  const auto tables = Process::run("sqlite3", options({(env.dir() / "state" / "redline.db").string(), ".tables"}),
                                   std::chrono::seconds(30));
  ASSERT_TRUE(tables);
}

// 11. `redline check dw.com:62043662` (an article key) fetched the literal string; the URL checks of
// `add` and `import`.
TEST_F(HostileInputTest, Finding11_UrlsFromTheCommandLineAndCaptures) {
  site.put("/news/floods", {"Floods close the river road", "Ann Reporter", {"Heavy rain flooded the river road."}});
  env.write_config("[store]\npath = \"state/redline.db\"\n[[site]]\nmatch = \"127.0.0.1\"\nid = '/news/(\\w+)'\n");
  ASSERT_EQ(cli({"add", site.url("/news/floods")}).status.code, 0);
  const auto by_key = cli({"check", "127.0.0.1:floods"});
  EXPECT_EQ(by_key.status.code, 0) << by_key.err;
  EXPECT_NE(by_key.out.find(site.url("/news/floods") + ": first version"), std::string::npos) << by_key.out;
  EXPECT_EQ(site.server().request_count("/news/floods"), 1u);

  for (const std::string bad : {"http://exa mple.com/x", "http://example.com:99999/", "ftp://example.com/x"}) {
    const auto r = cli({"add", bad});
    EXPECT_EQ(r.status.code, 2) << bad;
    EXPECT_EQ(r.err.find("redline: redline:"), std::string::npos) << r.err;
  }
  std::ofstream(env.dir() / "js.txt") << capture("1733390000000", "javascript:alert(1)", "Body.")
                                      << capture("1733390000000", "ftp://news.example/x", "Body.");
  const auto imported = cli({"import", (env.dir() / "js.txt").string()});
  EXPECT_NE(imported.err.find("\"javascript:alert(1)\" is not an http:// or https:// URL"), std::string::npos)
      << imported.err;
  EXPECT_NE(imported.out.find("0 versions stored"), std::string::npos) << imported.out;

  // Two captures with one time stamp but different text: the second is reported, not dropped silently.
  std::ofstream(env.dir() / "twins.txt") << capture("1733390000000", "https://news.example/twins", "One text.")
                                         << capture("1733390000000", "https://news.example/twins", "Another text.");
  const auto twins = cli({"import", (env.dir() / "twins.txt").string()});
  EXPECT_NE(twins.err.find("with the same time (2024-12-05T09:13:20.000Z) and different text is stored already"),
            std::string::npos)
      << twins.err;
}

// 14. Messages: CLI11's errors with the program's name, `--format 3` refused, an unknown command named.
TEST_F(HostileInputTest, Finding14_CommandLineMessagesAreClear) {
  env.write_config("");
  const auto bogus = cli({"bogus"});
  EXPECT_EQ(bogus.status.code, 2);
  EXPECT_NE(bogus.err.find("redline: unknown command \"bogus\""), std::string::npos) << bogus.err;
  const auto format = cli({"list", "--format", "3"});
  EXPECT_EQ(format.status.code, 2);
  EXPECT_NE(format.err.find("redline: --format: \"3\" is not one of json, text"), std::string::npos) << format.err;
  EXPECT_EQ(format.err.find("FAILED"), std::string::npos) << format.err;
  const auto missing_arg = cli({"add"});
  EXPECT_EQ(missing_arg.status.code, 2);
  EXPECT_EQ(missing_arg.err.rfind("redline: ", 0), 0u) << missing_arg.err;
  // A missing store is a usage error (exit 2): nothing was ever stored where the config points.
  const auto no_store = cli({"list"});
  EXPECT_EQ(no_store.status.code, 2) << no_store.err;
}

}  // namespace
}  // namespace redline::testing
