#include "util/pattern.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Pattern, SearchesAndCaptures) {
  const Pattern id("/a-(\\d+)");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id.groups(), 1);
  EXPECT_EQ(*id.first_group("https://www.dw.com/zh/slug/a-61992878"), "61992878");
  EXPECT_FALSE(id.first_group("https://www.dw.com/zh/slug"));
  EXPECT_TRUE(Pattern("^获取更多RSS").search("获取更多RSS：https://feedx.net"));
  EXPECT_FALSE(Pattern("^Advertisement$").search("An Advertisement"));
}

TEST(Pattern, Finding02_CatastrophicPatternsRunInLinearTime) {
  // std::regex took 1.5 s for 24 characters of this and never ended for 30; RE2 has no backtracking.
  const Pattern p("(a+)+$");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.search(std::string(30, 'a') + "b"));
  EXPECT_FALSE(p.search(std::string(60000, 'a') + "b"));
  EXPECT_TRUE(p.search(std::string(60000, 'a')));
}

TEST(Pattern, Finding01_LongInputsDoNotRecurse) {
  // std::regex recursed once per character and overflowed the stack at ~30 000 digits.
  const Pattern id("/a-(\\d+)");
  const std::string url = "https://www.dw.com/a-" + std::string(70000, '1');
  const auto group = id.first_group(url);
  ASSERT_TRUE(group);
  EXPECT_EQ(group->size(), k_max_pattern_input - std::string("https://www.dw.com/a-").size());
}

TEST(Pattern, InvalidPatternsKeepTheirErrorAndMatchNothing) {
  const Pattern bad("(a)\\1");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("invalid escape sequence"), std::string::npos) << bad.error();
  EXPECT_FALSE(bad.search("aa"));
  EXPECT_EQ(bad.groups(), 0);
  EXPECT_EQ(bad.source(), "(a)\\1");
}

}  // namespace
}  // namespace redline
