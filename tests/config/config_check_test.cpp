// check_config_file (`redline config check`): every problem of a file, not only the first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "config/config.hpp"

namespace redline {
namespace {

class ConfigCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_path = std::filesystem::temp_directory_path() /
             ("redline-config-check-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  }
  void TearDown() override { std::filesystem::remove(m_path); }

  ConfigCheck check(const std::string& text) {
    std::ofstream(m_path) << text;
    return check_config_file(m_path, ConfigEnvironment{});
  }

  // The line of each message ("<file>:<line>: …").
  std::vector<int> lines_of(const std::vector<std::string>& errors) const {
    std::vector<int> lines;
    const std::string prefix = m_path.string() + ":";
    for (const auto& e : errors) {
      EXPECT_EQ(e.rfind(prefix, 0), 0u) << e;
      lines.push_back(std::atoi(e.c_str() + prefix.size()));
    }
    return lines;
  }

  std::filesystem::path m_path;
};

TEST_F(ConfigCheckTest, AValidFileGivesTheConfigLoadConfigGives) {
  const std::string text = "[log]\nlevel = \"debug\"\n[[watch]]\nurl = \"https://news.example/a\"\nevery = \"1h\"\n";
  const auto result = check(text);
  EXPECT_TRUE(result.errors.empty());
  ASSERT_TRUE(result.config);
  const Config loaded = load_config(m_path, ConfigEnvironment{});
  EXPECT_EQ(result.config->log_level, loaded.log_level);
  ASSERT_EQ(result.config->watches.size(), 1u);
  EXPECT_EQ(result.config->watches[0].url, loaded.watches[0].url);
  EXPECT_EQ(result.config->watches[0].every, loaded.watches[0].every);
}

TEST_F(ConfigCheckTest, ReportsEveryProblemOnceInLineOrder) {
  const auto result = check(
      "wtach = 1\n"                          // 1: unknown top-level key
      "[log]\n"                              // 2
      "level = \"loud\"\n"                   // 3: bad value
      "[http]\n"                             // 4
      "timeout = \"soon\"\n"                 // 5: not a duration
      "max_redirects = 99\n"                 // 6: out of range
      "[[watch]]\n"                          // 7
      "url = \"ftp://news.example/a\"\n"     // 8: not http(s)
      "[[watch]]\n"                          // 9
      "url = \"https://news.example/b\"\n"   // 10
      "evry = \"1h\"\n"                      // 11: unknown key
      "[[webhook]]\n"                        // 12
      "name = \"hook\"\n"                    // 13
      "url = \"https://hooks.example/x\"\n"  // 14
      "secret = \"nope\"\n"                  // 15: not whsec_
      "[[site]]\n"                           // 16
      "match = \"dw.com\"\n"                 // 17
      "id = \"(unclosed\"\n");               // 18: bad regex
  EXPECT_FALSE(result.config);
  EXPECT_EQ(lines_of(result.errors), (std::vector<int>{1, 3, 5, 6, 8, 11, 15, 18}))
      << ::testing::PrintToString(result.errors);
  // Each is the message load_config gives for it alone.
  EXPECT_NE(result.errors[2].find("http.timeout must be a duration"), std::string::npos) << result.errors[2];
  EXPECT_NE(result.errors[5].find("unknown key \"evry\" in watch"), std::string::npos) << result.errors[5];
  // load_config still stops at the first it meets, one of them.
  try {
    (void)load_config(m_path, ConfigEnvironment{});
    ADD_FAILURE() << "load_config accepted it";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::find(result.errors.begin(), result.errors.end(), std::string(e.what())), result.errors.end())
        << e.what();
  }
}

TEST_F(ConfigCheckTest, ARequiredKeyWithABadValueIsOneProblemNotTwo) {
  const auto result = check("[[webhook]]\nname = 5\nurl = \"https://hooks.example/x\"\nsecret = \"nope\"\n");
  ASSERT_EQ(result.errors.size(), 1u) << ::testing::PrintToString(result.errors);
  EXPECT_NE(result.errors[0].find(":2: webhook.name must be a string"), std::string::npos) << result.errors[0];
}

TEST_F(ConfigCheckTest, ASyntaxErrorIsTheOnlyProblemReported) {
  const auto result = check("[log]\nlevel = \"debug\n[http]\ntimeout = \"soon\"\n");
  ASSERT_EQ(result.errors.size(), 1u) << ::testing::PrintToString(result.errors);
  EXPECT_EQ(lines_of(result.errors), std::vector<int>{2});
}

TEST_F(ConfigCheckTest, AMissingFileIsOneProblem) {
  const auto result = check_config_file("/nonexistent/redline.toml", ConfigEnvironment{});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "/nonexistent/redline.toml: cannot open for reading: No such file or directory");
}

}  // namespace
}  // namespace redline
