#include "core/time.hpp"

#include <cctype>
#include <cstdio>

namespace redline {

using namespace std::chrono;

std::string format_rfc3339(Timestamp t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

namespace {

// Reads exactly `n` digits at `pos`; -1 when they are not there.
int read_digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t p = 0;
  const int y = read_digits(s, p, 4);
  if (y < 0 || p >= s.size() || s[p++] != '-') return std::nullopt;
  const int mo = read_digits(s, p, 2);
  if (mo < 0 || p >= s.size() || s[p++] != '-') return std::nullopt;
  const int d = read_digits(s, p, 2);
  if (d < 0) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  Timestamp t = time_point_cast<milliseconds>(sys_days{ymd});
  if (p == s.size()) return t;
  if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
  ++p;
  const int h = read_digits(s, p, 2);
  if (h < 0 || h > 23 || p >= s.size() || s[p++] != ':') return std::nullopt;
  const int mi = read_digits(s, p, 2);
  if (mi < 0 || mi > 59) return std::nullopt;
  int sec = 0;
  if (p < s.size() && s[p] == ':') {
    ++p;
    sec = read_digits(s, p, 2);
    if (sec < 0 || sec > 60) return std::nullopt;
  }
  int ms = 0;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    int digits = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      if (digits < 3) ms = ms * 10 + (s[p] - '0');
      ++digits;
      ++p;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  t += hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
  if (p == s.size()) return t;  // no zone: taken as UTC
  if (s[p] == 'Z' || s[p] == 'z') return p + 1 == s.size() ? std::optional{t} : std::nullopt;
  if (s[p] != '+' && s[p] != '-') return std::nullopt;
  const int sign = s[p++] == '+' ? 1 : -1;
  const int oh = read_digits(s, p, 2);
  if (oh < 0) return std::nullopt;
  if (p < s.size() && s[p] == ':') ++p;
  int om = 0;
  if (p < s.size()) om = read_digits(s, p, 2);
  if (om < 0 || p != s.size()) return std::nullopt;
  return t - sign * (hours{oh} + minutes{om});
}

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  Duration total{0};
  size_t p = 0;
  while (p < s.size()) {
    long long n = 0;
    size_t digits = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      n = n * 10 + (s[p] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++p;
      ++digits;
    }
    if (digits == 0 || p == s.size()) return std::nullopt;
    switch (s[p++]) {
      case 's':
        total += seconds{n};
        break;
      case 'm':
        total += minutes{n};
        break;
      case 'h':
        total += hours{n};
        break;
      case 'd':
        total += days{n};
        break;
      default:
        return std::nullopt;
    }
  }
  return total;
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  const std::pair<long long, char> units[] = {{86'400'000, 'd'}, {3'600'000, 'h'}, {60'000, 'm'}, {1000, 's'}};
  for (auto [size, unit] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + unit;
      ms %= size;
    }
  }
  if (ms > 0) out += std::to_string(ms) + "ms";
  return out;
}

Timestamp from_epoch_ms(long long ms) { return Timestamp{milliseconds{ms}}; }
long long to_epoch_ms(Timestamp t) { return t.time_since_epoch().count(); }

}  // namespace redline
