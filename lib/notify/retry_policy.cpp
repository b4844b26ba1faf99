#include "notify/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "util/text.hpp"

namespace redline {

using namespace std::chrono;

namespace {

// One line of at most `max` bytes, for error messages that come from a remote body.
std::string snippet(std::string_view text, size_t max = 200) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return make_valid_utf8(trim(out));
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

int month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> k_months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  const std::string lower = ascii_lower(name);
  for (size_t i = 0; i < k_months.size(); ++i)
    if (lower == k_months[i]) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::delivered:
      return "delivered";
    case Verdict::retry:
      return "retry";
    case Verdict::dead:
      return "dead";
  }
  return "?";
}

std::optional<Timestamp> parse_http_date(std::string_view text) {
  // Tokens split on spaces and commas. IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT";
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; asctime: "Sun Nov  6 08:49:37 1994".
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ',' || text[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < text.size() && text[end] != ' ' && text[end] != ',' && text[end] != '\t') ++end;
    if (end > pos) tokens.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  int day = -1, month = 0, year = -1, hh = -1, mm = -1, ss = -1;
  bool two_digit_year = false;
  for (std::string_view t : tokens) {
    if (t.find(':') != std::string_view::npos) {
      if (t.size() != 8 || t[2] != ':' || t[5] != ':') return std::nullopt;
      if (!parse_int(t.substr(0, 2), hh) || !parse_int(t.substr(3, 2), mm) || !parse_int(t.substr(6, 2), ss))
        return std::nullopt;
    } else if (t.find('-') != std::string_view::npos) {  // RFC 850 "06-Nov-94"
      const size_t a = t.find('-');
      const size_t b = t.find('-', a + 1);
      if (b == std::string_view::npos) return std::nullopt;
      month = month_index(t.substr(a + 1, b - a - 1));
      if (!parse_int(t.substr(0, a), day) || !parse_int(t.substr(b + 1), year) || month == 0) return std::nullopt;
      two_digit_year = b + 1 + 2 == t.size();
    } else if (std::isdigit(static_cast<unsigned char>(t[0]))) {
      int v = 0;
      if (!parse_int(t, v)) return std::nullopt;
      if (t.size() == 4) {
        year = v;
      } else if (t.size() <= 2 && day < 0) {
        day = v;
      } else {
        return std::nullopt;
      }
    } else if (const int m = month_index(t); m != 0) {
      month = m;
    } else if (t != "GMT" && t != "UTC" && t.size() < 3) {
      return std::nullopt;  // day names are accepted and ignored; other short words are not
    }
  }
  if (two_digit_year) year += year < 70 ? 2000 : 1900;
  if (day < 1 || month == 0 || year < 1970 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
    return std::nullopt;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return time_point_cast<milliseconds>(sys_days{ymd}) + hours(hh) + minutes(mm) + seconds(ss);
}

std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long secs = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    secs = std::min<long long>(secs, 10LL * 365 * 24 * 3600);  // keeps the arithmetic below in range
    return duration_cast<Duration>(seconds(secs));
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  return *date > now ? *date - now : Duration(0);
}

AttemptOutcome classify_response(const HttpResponse& response, Timestamp now) {
  AttemptOutcome out;
  const long status = response.status;
  if (response.error != FetchError::none) {
    // An answer cut off for its size still has a status, and the status is what counts.
    if (response.error == FetchError::too_large && status >= 100) {
      HttpResponse answered = response;
      answered.error = FetchError::none;
      return classify_response(answered, now);
    }
    std::string what = "network error (" + std::string(to_string(response.error)) + ")";
    if (!response.error_message.empty()) what += ": " + snippet(response.error_message);
    if (response.error == FetchError::redirects) {
      out.verdict = Verdict::dead;
      out.reason = "redirect refused (webhooks do not follow redirects; update the URL): " + what;
    } else {
      out.verdict = Verdict::retry;
      out.reason = std::move(what);
    }
    return out;
  }
  if (status >= 200 && status < 300) {
    out.verdict = Verdict::delivered;
    return out;
  }
  out.reason = "HTTP " + std::to_string(status);
  const std::string body = snippet(response.body);
  if (!body.empty()) out.reason += ": " + body;
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
    out.verdict = Verdict::retry;
    const std::string retry_after = response.header("retry-after");
    if (!retry_after.empty()) out.retry_after = parse_retry_after(retry_after, now);
  } else {
    if (status >= 300 && status < 400) {
      const std::string location = response.header("location");
      out.reason += " (redirects are not followed; update the webhook URL";
      out.reason += location.empty() ? ")" : " to " + snippet(location) + ")";
    }
    out.verdict = Verdict::dead;
  }
  return out;
}

Duration backoff_delay(int attempts, const BackoffPolicy& policy, double unit) {
  Duration d = policy.base;
  for (int i = 1; i < attempts && d < policy.cap; ++i) d *= 2;
  d = std::min(d, policy.cap);
  unit = std::clamp(unit, 0.0, 1.0);
  const double stretched = static_cast<double>(d.count()) * (1.0 + policy.jitter * unit);
  return Duration(static_cast<Duration::rep>(stretched));
}

}  // namespace redline
