#include "feeds/feed_date.hpp"

#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "extract/metadata.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

using namespace std::chrono;

struct NamedZone {
  std::string_view name;
  int minutes;  // offset east of UTC
};

// RFC 822's zones plus the abbreviations news feeds actually use.
constexpr std::array<NamedZone, 28> k_zones{{
    {"gmt", 0},    {"ut", 0},     {"utc", 0},    {"z", 0},      {"wet", 0},    {"bst", 60},   {"cet", 60},
    {"met", 60},   {"cest", 120}, {"mest", 120}, {"eet", 120},  {"eest", 180}, {"msk", 180},  {"ist", 330},
    {"hkt", 480},  {"sgt", 480},  {"awst", 480}, {"jst", 540},  {"kst", 540},  {"aest", 600}, {"edt", -240},
    {"est", -300}, {"cdt", -300}, {"cst", -360}, {"mdt", -360}, {"mst", -420}, {"pdt", -420}, {"pst", -480},
}};

constexpr std::array<std::string_view, 12> k_months{"jan", "feb", "mar", "apr", "may", "jun",
                                                    "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> k_days{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<int> month_of(const std::string& token) {
  if (token.size() < 3) return std::nullopt;
  for (size_t i = 0; i < k_months.size(); ++i)
    if (token.compare(0, 3, k_months[i]) == 0) return static_cast<int>(i) + 1;
  return std::nullopt;
}

bool is_day_name(const std::string& token) {
  if (token.size() < 3) return false;
  for (auto d : k_days)
    if (token.compare(0, 3, d) == 0) return true;
  return false;
}

// "+0200", "-05:00", "+2" → minutes east of UTC.
std::optional<int> numeric_zone(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : s.substr(1)) {
    if (c == ':') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits += c;
  }
  if (digits.size() == 1 || digits.size() == 2) return sign * to_int(digits) * 60;
  if (digits.size() != 4) return std::nullopt;
  return sign * (to_int(std::string_view(digits).substr(0, 2)) * 60 + to_int(std::string_view(digits).substr(2)));
}

// "10:05", "10:05:30" → seconds of the day.
std::optional<int> time_of_day(std::string_view s) {
  int parts[3] = {0, 0, 0};
  int n = 0;
  size_t start = 0;
  while (n < 3) {
    const size_t colon = s.find(':', start);
    const std::string_view part =
        s.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (!all_digits(part) || part.size() > 2) return std::nullopt;
    parts[n++] = to_int(part);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (n < 2 || parts[0] > 23 || parts[1] > 59 || parts[2] > 60) return std::nullopt;
  return parts[0] * 3600 + parts[1] * 60 + parts[2];
}

std::optional<Timestamp> parse_rfc822(std::string_view text) {
  // Tokens: split on spaces and commas; a parenthesized comment ends the date.
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (c == '(') break;
    if (c == ' ' || c == ',' || c == '\t') {
      if (!current.empty()) tokens.push_back(ascii_lower(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(ascii_lower(current));

  std::optional<int> month, seconds, zone;
  std::vector<std::string> numbers;
  for (auto& token : tokens) {
    if (token.find(':') != std::string::npos && !numeric_zone(token)) {
      // "10:05:00+0200" glued to its zone
      const size_t sign = token.find_first_of("+-");
      if (sign != std::string::npos) {
        zone = numeric_zone(std::string_view(token).substr(sign));
        token.resize(sign);
      }
      if (seconds) return std::nullopt;
      seconds = time_of_day(token);
      if (!seconds) return std::nullopt;
    } else if (all_digits(token)) {
      numbers.push_back(token);
    } else if (auto z = numeric_zone(token); z && seconds) {
      zone = z;
    } else if (auto m = month_of(token); m && !month && !is_day_name(token)) {
      month = m;
    } else if (is_day_name(token)) {
      continue;
    } else if (seconds && !zone) {
      zone = 0;  // unknown abbreviations (and military letters) count as UTC
      for (const auto& named : k_zones)
        if (token == named.name) zone = named.minutes;
    } else {
      return std::nullopt;
    }
  }
  if (!month || numbers.size() != 2) return std::nullopt;
  int day = to_int(numbers[0]);
  int year_value = to_int(numbers[1]);
  if (numbers[0].size() == 4) std::swap(day, year_value);  // "2024 Sep 07"
  if (numbers[1].size() <= 2 && numbers[0].size() <= 2) year_value += year_value < 50 ? 2000 : 1900;
  const year_month_day ymd{year{year_value}, std::chrono::month{static_cast<unsigned>(*month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  Timestamp t = time_point_cast<milliseconds>(sys_days{ymd}) + std::chrono::seconds(seconds.value_or(0));
  return t - minutes(zone.value_or(0));
}

}  // namespace

std::optional<Timestamp> parse_feed_date(std::string_view text) {
  const std::string s = normalize_space(text);
  if (s.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(s[0])) && s.size() >= 8 && (s[4] == '-' || s[4] == '/')) {
    if (auto t = parse_meta_date(s)) return t;
  }
  if (auto t = parse_rfc822(s)) return t;
  return parse_meta_date(s);
}

}  // namespace redline
