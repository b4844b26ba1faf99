#include "util/http_date.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(HttpDate, FormatsImfFixdateAndReadsItBack) {
  EXPECT_EQ(format_http_date(from_epoch_ms(784111777000)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(from_epoch_ms(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  // Milliseconds are dropped, as the header has whole seconds.
  EXPECT_EQ(format_http_date(from_epoch_ms(1456747200999)), "Mon, 29 Feb 2016 12:00:00 GMT");
  for (const long long ms : {0LL, 784111777000LL, 1456747200000LL, 4102444799000LL})
    EXPECT_EQ(parse_http_date(format_http_date(from_epoch_ms(ms))), from_epoch_ms(ms));
}

TEST(HttpDate, ReadsTheObsoleteFormsToo) {
  // RFC 9110 §5.6.7: a recipient accepts RFC 850 and asctime dates (If-Modified-Since from old clients).
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), from_epoch_ms(784111777000));
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), from_epoch_ms(784111777000));
  EXPECT_EQ(parse_http_date("yesterday-ish"), std::nullopt);
}

}  // namespace
}  // namespace redline
