#include "notify/email_message.hpp"

#include <array>
#include <chrono>
#include <cstdio>

#include "notify/chat_text.hpp"
#include "notify/diff_markup.hpp"
#include "util/crypto.hpp"
#include "util/html.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr std::string_view k_crlf = "\r\n";

bool is_plain_ascii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// Header values never carry line breaks or other control characters.
std::string header_safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

std::string text_part(const Event& e) {
  std::string out = summary_line(e) + "\n" + headline_line(e) + "\n" + e.url + "\n";
  out += "event " + e.id + ", " + format_rfc3339(e.occurred_at) + "\n\n";
  out += truncate_utf8(e.diff, 512u << 10, "\n[…]\n");
  return out;
}

std::string html_part(const Event& e) {
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>"
      "del{color:#b30000;background:#fadad7;text-decoration:line-through}"
      "ins{color:#006b1b;background:#d7f5dd;text-decoration:none}"
      "</style></head><body>\n";
  out += "<h2>" + escape_html(headline_line(e)) + "</h2>\n";
  out += "<p>" + escape_html(summary_line(e)) + " · <a href=\"" + escape_html(e.url) + "\">Open article</a></p>\n";
  out += diff_excerpt(e, html_style(), ExcerptLimits{200, 16u << 10});
  out += "\n<p style=\"color:#666;font-size:small\">" + escape_html(e.id) + "</p>\n</body></html>\n";
  return out;
}

}  // namespace

std::string format_email_date(Timestamp t) {
  static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - days)};
  const unsigned weekday = std::chrono::weekday{days}.c_encoding();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02lld +0000", k_days[weekday],
                static_cast<unsigned>(ymd.day()), k_months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  return buf;
}

std::string encode_header_words(std::string_view text) {
  if (is_plain_ascii(text)) return std::string(text);
  // 42 bytes of UTF-8 → 56 base64 characters + 12 for "=?UTF-8?B?" and "?=" = 68 ≤ 75, and with
  // "Subject: " in front the first line stays within 78.
  std::string out;
  while (!text.empty()) {
    const std::string chunk = truncate_utf8(text, 42, "");
    const std::string_view piece = chunk.empty() ? text.substr(0, 1) : std::string_view(chunk);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(piece) + "?=";
    text.remove_prefix(piece.size());
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  size_t line = 0;  // characters on the current output line
  const auto emit = [&](std::string_view token) {
    if (line + token.size() > 75) {  // leave room for the soft break's "="
      out += "=\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += k_crlf;
      line = 0;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      const char s[2] = {static_cast<char>(c), '\0'};
      emit(s);
    } else {
      const char s[4] = {'=', k_hex[c >> 4], k_hex[c & 15], '\0'};
      emit(s);
    }
  }
  return out;
}

std::string email_address_of(std::string_view mailbox) {
  const size_t open = mailbox.rfind('<');
  const size_t close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return std::string(mailbox.substr(open + 1, close - open - 1));
  return std::string(trim(mailbox));
}

std::string encode_mailbox(std::string_view mailbox) {
  const std::string safe = header_safe(trim(mailbox));
  const size_t open = safe.rfind('<');
  if (is_plain_ascii(safe) || open == std::string::npos || open == 0) return safe;
  std::string_view name = trim(std::string_view(safe).substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return encode_header_words(name) + " " + safe.substr(open);
}

std::string render_email(const Event& e, const EmailAddresses& addresses) {
  const std::string from_address = email_address_of(addresses.from);
  const size_t at = from_address.rfind('@');
  const std::string domain = at == std::string::npos ? "redline.invalid" : from_address.substr(at + 1);
  const std::string boundary = "=_redline_" + e.id;
  std::string to;
  for (const auto& t : addresses.to) to += (to.empty() ? "" : ", ") + encode_mailbox(t);

  std::string m;
  const auto header = [&m](std::string_view name, std::string_view value) {
    m += std::string(name) + ": " + std::string(value) + std::string(k_crlf);
  };
  header("Date", format_email_date(e.occurred_at));
  header("From", encode_mailbox(addresses.from));
  header("To", to);
  // The change's summary first (the sentence says what kind of edit it is), then the headline.
  const std::string subject = e.summary.empty() ? headline_line(e) : e.summary + " \u2014 " + headline_line(e);
  header("Subject", encode_header_words(truncate_utf8(header_safe("[redline] " + subject), 300)));
  header("Message-ID", "<" + e.id + "@" + header_safe(domain) + ">");
  header("MIME-Version", "1.0");
  header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  header("Auto-Submitted", "auto-generated");
  header("X-Redline-Event-Id", header_safe(e.id));
  m += k_crlf;
  m += "This is a MIME message: a text part and an HTML part.\r\n";
  const auto part = [&](std::string_view type, const std::string& body) {
    m += "\r\n--" + boundary + "\r\n";
    m += "Content-Type: " + std::string(type) + "; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(body);
  };
  part("text/plain", text_part(e));
  part("text/html", html_part(e));
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace redline
