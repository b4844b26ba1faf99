#include "notify/retry_policy.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

using namespace std::chrono_literals;

const Timestamp k_now = from_epoch_ms(784111777000);  // Sun, 06 Nov 1994 08:49:37 GMT

HttpResponse status(long code, Headers headers = {}, std::string body = {}) {
  HttpResponse r;
  r.status = code;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(RetryPolicy, StatusCodesMapToVerdicts) {
  for (long code : {200L, 201L, 202L, 204L, 299L})
    EXPECT_EQ(classify_response(status(code), k_now).verdict, Verdict::delivered) << code;
  for (long code : {408L, 429L, 500L, 502L, 503L, 504L, 599L})
    EXPECT_EQ(classify_response(status(code), k_now).verdict, Verdict::retry) << code;
  for (long code : {100L, 301L, 302L, 307L, 400L, 401L, 403L, 404L, 410L, 413L, 422L})
    EXPECT_EQ(classify_response(status(code), k_now).verdict, Verdict::dead) << code;
}

TEST(RetryPolicy, ReasonCarriesStatusAndOneLineOfBody) {
  const auto o = classify_response(status(422, {}, "missing\nfield\r\n"), k_now);
  EXPECT_EQ(o.reason, "HTTP 422: missing field");
  const auto long_body = classify_response(status(500, {}, std::string(5000, 'x')), k_now);
  EXPECT_LT(long_body.reason.size(), 260u);
}

TEST(RetryPolicy, NetworkErrorsRetryButRedirectLoopsAreDead) {
  for (auto e : {FetchError::dns, FetchError::connect, FetchError::tls, FetchError::timeout, FetchError::reset,
                 FetchError::other}) {
    HttpResponse r;
    r.error = e;
    r.error_message = "boom";
    const auto o = classify_response(r, k_now);
    EXPECT_EQ(o.verdict, Verdict::retry) << to_string(e);
    EXPECT_NE(o.reason.find("boom"), std::string::npos);
  }
  HttpResponse redirects;
  redirects.error = FetchError::redirects;
  EXPECT_EQ(classify_response(redirects, k_now).verdict, Verdict::dead);
  HttpResponse big_ok = status(200);
  big_ok.error = FetchError::too_large;
  EXPECT_EQ(classify_response(big_ok, k_now).verdict, Verdict::delivered);
  HttpResponse big_error = status(500, {}, "oops");
  big_error.error = FetchError::too_large;
  const auto cut = classify_response(big_error, k_now);
  EXPECT_EQ(cut.verdict, Verdict::retry);
  EXPECT_EQ(cut.reason, "HTTP 500: oops");
  HttpResponse big_404 = status(404);
  big_404.error = FetchError::too_large;
  EXPECT_EQ(classify_response(big_404, k_now).verdict, Verdict::dead);
  HttpResponse no_status;
  no_status.error = FetchError::too_large;
  EXPECT_EQ(classify_response(no_status, k_now).verdict, Verdict::retry);
}

TEST(RetryPolicy, RetryAfterOnlyOnRetryableReplies) {
  EXPECT_EQ(classify_response(status(503, {{"retry-after", "7"}}), k_now).retry_after, Duration(7s));
  EXPECT_EQ(classify_response(status(429, {{"retry-after", "0"}}), k_now).retry_after, Duration(0));
  EXPECT_FALSE(classify_response(status(503, {{"retry-after", "soon"}}), k_now).retry_after.has_value());
  EXPECT_FALSE(classify_response(status(404, {{"retry-after", "7"}}), k_now).retry_after.has_value());
}

TEST(RetryPolicy, ParsesRetryAfterSecondsAndDates) {
  EXPECT_EQ(parse_retry_after("120", k_now), Duration(120s));
  EXPECT_EQ(parse_retry_after(" 5 ", k_now), Duration(5s));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", k_now), Duration(60s));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 09:49:37 GMT", k_now), Duration(1h));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:47 1994", k_now), Duration(10s));
  EXPECT_EQ(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", k_now), Duration(0));  // in the past
  for (const char* bad : {"", "-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:00:00 GMT"})
    EXPECT_FALSE(parse_retry_after(bad, k_now).has_value()) << bad;
}

TEST(RetryPolicy, HttpDateMatchesEpoch) {
  const auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, k_now);
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), from_epoch_ms(0));
  EXPECT_EQ(parse_http_date("Mon, 29 Feb 2016 12:00:00 GMT"), from_epoch_ms(1456747200000));
  // curl_getdate's leniency: no time of day is midnight, a day past the month's end rolls over.
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994"), from_epoch_ms(784080000000));
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2017 12:00:00 GMT"), from_epoch_ms(1488369600000));
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 10:49:37 +0200"), k_now);
}

TEST(RetryPolicy, BackoffDoublesUpToTheCapWithBoundedJitter) {
  const BackoffPolicy p{30s, 10min, 0.5};
  EXPECT_EQ(backoff_delay(1, p, 0.0), Duration(30s));
  EXPECT_EQ(backoff_delay(2, p, 0.0), Duration(60s));
  EXPECT_EQ(backoff_delay(3, p, 0.0), Duration(120s));
  EXPECT_EQ(backoff_delay(5, p, 0.0), Duration(480s));
  EXPECT_EQ(backoff_delay(6, p, 0.0), Duration(10min));
  EXPECT_EQ(backoff_delay(60, p, 0.0), Duration(10min));  // no overflow for many attempts
  EXPECT_EQ(backoff_delay(1, p, 0.5), Duration(37'500ms));
  EXPECT_EQ(backoff_delay(60, p, 1.0), Duration(15min));
}

}  // namespace
}  // namespace redline
