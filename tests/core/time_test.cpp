#include "core/time.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

using namespace std::chrono_literals;

TEST(Time, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(format_rfc3339(from_epoch_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(from_epoch_ms(1'656'317'220'123)), "2022-06-27T08:07:00.123Z");
}

TEST(Time, ParsesCommonForms) {
  EXPECT_EQ(parse_rfc3339("2022-06-27T08:07:00.123Z"), from_epoch_ms(1'656'317'220'123));
  EXPECT_EQ(parse_rfc3339("2022-06-27T16:07:00+08:00"), from_epoch_ms(1'656'317'220'000));
  EXPECT_EQ(parse_rfc3339("2022-06-27T03:07-0500"), from_epoch_ms(1'656'317'220'000));
  EXPECT_EQ(parse_rfc3339("2022-06-27 08:07:00"), from_epoch_ms(1'656'317'220'000));
  EXPECT_EQ(parse_rfc3339("2022-06-27"), from_epoch_ms(1'656'288'000'000));
}

TEST(Time, RejectsNonTimes) {
  EXPECT_FALSE(parse_rfc3339(""));
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2022-13-01"));
  EXPECT_FALSE(parse_rfc3339("2022-06-27T25:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2022-06-27T08:07:00Zjunk"));
}

TEST(Time, RoundTripsFormatAndParse) {
  const auto t = from_epoch_ms(1'725'000'000'987);
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Duration, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parse_duration("45s"), Duration(45s));
  EXPECT_EQ(parse_duration("15m"), Duration(15min));
  EXPECT_EQ(parse_duration("1h30m"), Duration(90min));
  EXPECT_EQ(parse_duration("2d"), Duration(48h));
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "15", "m", "1x", "1h30", "-5m", "1.5h", " 5m"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, FormatsAsParsed) {
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(parse_duration(format_duration(Duration(93784000))), Duration(93784000));
}

}  // namespace
}  // namespace redline
