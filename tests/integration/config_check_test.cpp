// `redline config check`: the real binary on real files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "integration/redline_env.hpp"

namespace redline::testing {
namespace {

TEST(ConfigCheckCli, AValidFilePrintsTheEffectiveConfigurationThatReadsBack) {
  RedlineEnv env;
  env.write_config(
      "[store]\npath = \"state/redline.db\"\n[[feed]]\nurl = \"https://rss.example/zh.xml\"\n"
      "[[watch]]\nurl = \"https://news.example/a\"\nschedule = \"news\"\n"
      "[[site]]\nmatch = \"example\"\nid = '/a-(\\d+)'\n");
  const auto r = env.cli({"config", "check"});
  ASSERT_EQ(r.status.code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  // Every default filled in, paths resolved against the file's folder.
  EXPECT_NE(r.out.find("path = \"" + (env.dir() / "state" / "redline.db").string() + "\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per_host_connections = 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[[feed]]\nevery = \"10m\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("url = \"https://rss.example/zh.xml\""), std::string::npos) << r.out;
  // It is TOML that checks again, as the same configuration.
  const auto again_path = env.dir() / "effective.toml";
  std::ofstream(again_path) << r.out;
  const auto again = env.cli({"config", "check", "--config", again_path.string()});
  ASSERT_EQ(again.status.code, 0) << again.err << r.out;
  EXPECT_EQ(again.out.substr(again.out.find('\n')), r.out.substr(r.out.find('\n')));
  // --quiet: nothing.
  const auto quiet = env.cli({"config", "check", "--quiet"});
  EXPECT_EQ(quiet.status.code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST(ConfigCheckCli, SecretsAreMasked) {
  RedlineEnv env;
  env.write_config("[[webhook]]\nname = \"hook\"\nurl = \"https://hooks.example/in?token=abc123\"\nsecret = \"" +
                   k_test_secret +
                   "\"\n[[webhook]]\nname = \"chat\"\npreset = \"slack\"\n"
                   "url = \"https://hooks.slack.com/services/T0/B0/SLACKSECRET\"\n"
                   "[[webhook]]\nname = \"mx\"\npreset = \"matrix\"\nurl = \"https://matrix.example\"\n"
                   "token = \"MATRIXTOKEN\"\nroom = \"!r:example\"\n"
                   "[[email]]\nname = \"desk\"\nsmtp_url = \"smtp://mailer:MAILPASS@mail.example:587\"\n"
                   "from = \"r@example.org\"\nto = \"d@example.org\"\nusername = \"r\"\npassword = \"SMTPPASS\"\n");
  for (const char* format : {"text", "json"}) {
    const auto r = env.cli({"config", "check", "--format", format});
    ASSERT_EQ(r.status.code, 0) << r.err;
    for (const std::string& secret : {k_test_secret.substr(6), std::string("abc123"), std::string("SLACKSECRET"),
                                      std::string("MATRIXTOKEN"), std::string("MAILPASS"), std::string("SMTPPASS")})
      EXPECT_EQ(r.out.find(secret), std::string::npos) << format << " shows " << secret << ":\n" << r.out;
    EXPECT_NE(r.out.find("whsec_********"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("https://hooks.slack.com/********"), std::string::npos) << r.out;
  }
  const auto json = nlohmann::json::parse(env.cli({"config", "check", "--json"}).out);
  EXPECT_TRUE(json["valid"].get<bool>());
  EXPECT_EQ(json["config"]["email"][0]["password"], "********");
  EXPECT_EQ(json["config"]["webhook"][0]["url"], "https://hooks.example/in?********");
}

TEST(ConfigCheckCli, EveryProblemIsReportedWithExit78) {
  RedlineEnv env;
  env.write_config(
      "[log]\nlevel = \"loud\"\n[http]\ntimeout = \"soon\"\n[[watch]]\nurl = \"https://a.example/\"\n"
      "evry = \"1h\"\n");
  const auto r = env.cli({"config", "check"});
  EXPECT_EQ(r.status.code, 78);
  EXPECT_EQ(r.out, "");
  const std::string file = env.config_path().string();
  EXPECT_NE(r.err.find(file + ":2: log.level is \"loud\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file + ":4: http.timeout must be a duration"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file + ":7: unknown key \"evry\" in watch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("redline: " + file + ": 3 problems"), std::string::npos) << r.err;
  const auto json = env.cli({"config", "check", "--json"});
  EXPECT_EQ(json.status.code, 78);
  const auto parsed = nlohmann::json::parse(json.out);
  EXPECT_FALSE(parsed["valid"].get<bool>());
  EXPECT_EQ(parsed["errors"].size(), 3u);
}

TEST(ConfigCheckCli, VersionNamesTheLibrariesAndTheSchema) {
  RedlineEnv env;
  const auto r = env.cli({"--version"});
  EXPECT_EQ(r.status.code, 0) << r.err;
  for (const char* name : {"redline " REDLINE_VERSION "\n", "\nlibcurl 7.", "\nSQLite 3.", "\nlibxml2 2.", "\nICU ",
                           "\nzstd 1.", "\nBoost 1.", "\nstore schema "})
    EXPECT_NE(r.out.find(name), std::string::npos) << name << " missing in:\n" << r.out;
}

}  // namespace
}  // namespace redline::testing
