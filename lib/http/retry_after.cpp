#include "http/retry_after.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "util/text.hpp"

namespace redline {

using namespace std::chrono;

namespace {

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

}  // namespace redline
