#include "feeds/feed_date.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

std::string parsed(const char* text) {
  auto t = parse_feed_date(text);
  return t ? format_rfc3339(*t) : "none";
}

TEST(FeedDate, Rfc822AsWritten) {
  EXPECT_EQ(parsed("Sat, 07 Sep 2024 10:05:00 GMT"), "2024-09-07T10:05:00.000Z");
  EXPECT_EQ(parsed("Sat, 07 Sep 2024 10:05:00 +0000"), "2024-09-07T10:05:00.000Z");
  EXPECT_EQ(parsed("Sat, 07 Sep 2024 10:05:00 UT"), "2024-09-07T10:05:00.000Z");
  EXPECT_EQ(parsed("Sat, 07 Sep 2024 10:05:00 Z"), "2024-09-07T10:05:00.000Z");
}

TEST(FeedDate, NumericOffsets) {
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 +0200"), "2024-09-03T08:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 -0430"), "2024-09-03T14:30:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 +08:00"), "2024-09-03T02:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00+0800"), "2024-09-03T02:00:00.000Z");
}

TEST(FeedDate, NamedZones) {
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 EDT"), "2024-09-03T14:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 PST"), "2024-09-03T18:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 CEST"), "2024-09-03T08:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 JST"), "2024-09-03T01:00:00.000Z");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00:00 XYZT"), "2024-09-03T10:00:00.000Z") << "unknown zones count as UTC";
  EXPECT_EQ(parsed("Mon, 02 Sep 2024 10:00:00 +0200 (CEST)"), "2024-09-02T08:00:00.000Z");
}

TEST(FeedDate, SloppyVariants) {
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 10:00 GMT"), "2024-09-03T10:00:00.000Z") << "no seconds";
  EXPECT_EQ(parsed("03 Sep 2024 10:00:00 GMT"), "2024-09-03T10:00:00.000Z") << "no weekday";
  EXPECT_EQ(parsed("Tue, 3 Sep 2024 08:00:00 +0200"), "2024-09-03T06:00:00.000Z") << "one-digit day";
  EXPECT_EQ(parsed("Tuesday, 3 September 2024 11:30:00 GMT"), "2024-09-03T11:30:00.000Z") << "full names";
  EXPECT_EQ(parsed("Tue, 03 Sep 24 10:00:00 GMT"), "2024-09-03T10:00:00.000Z") << "two-digit year";
  EXPECT_EQ(parsed("Fri, 03 Sep 99 10:00:00 GMT"), "1999-09-03T10:00:00.000Z");
  EXPECT_EQ(parsed("tue,  03  sep  2024  10:00:00  gmt"), "2024-09-03T10:00:00.000Z") << "case and spaces";
  EXPECT_EQ(parsed("Sep 3, 2024 10:00:00 GMT"), "2024-09-03T10:00:00.000Z") << "month first";
  EXPECT_EQ(parsed("03 Sep 2024"), "2024-09-03T00:00:00.000Z") << "date only";
}

TEST(FeedDate, Iso8601) {
  EXPECT_EQ(parsed("2024-09-03T11:20:00+00:00"), "2024-09-03T11:20:00.000Z");
  EXPECT_EQ(parsed("2024-09-03T09:30:00.001+02:00"), "2024-09-03T07:30:00.001Z");
  EXPECT_EQ(parsed("2024-09-03"), "2024-09-03T00:00:00.000Z");
  EXPECT_EQ(parsed("2024-09-03 10:20:00"), "2024-09-03T10:20:00.000Z");
}

TEST(FeedDate, Rejects) {
  EXPECT_EQ(parsed(""), "none");
  EXPECT_EQ(parsed("yesterday"), "none");
  EXPECT_EQ(parsed("Tue, 31 Feb 2024 10:00:00 GMT"), "none");
  EXPECT_EQ(parsed("Tue, 03 Foo 2024 10:00:00 GMT"), "none");
  EXPECT_EQ(parsed("Tue, 03 Sep 2024 25:00:00 GMT"), "none");
}

}  // namespace
}  // namespace redline
