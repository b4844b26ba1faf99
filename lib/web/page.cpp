#include "web/page.hpp"

#include <zlib.h>

#include <array>

#include "util/html.hpp"

namespace redline::web {

std::string esc(std::string_view text) { return escape_html(text); }

std::string short_time(Timestamp t) {
  std::string s = format_rfc3339(t);  // 2025-01-31T10:00:00Z or with fraction
  if (s.size() >= 16) return s.substr(0, 10) + " " + s.substr(11, 5) + " UTC";
  return s;
}

std::string clip(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return std::string(text.substr(0, i)) + "…";
    ++chars;
  }
  return std::string(text);
}

std::string_view direction_of(std::string_view lang) {
  const std::string_view primary = lang.substr(0, lang.find('-'));
  static constexpr std::array<std::string_view, 8> k_rtl{"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"};
  for (auto r : k_rtl)
    if (primary == r) return "rtl";
  return "ltr";
}

std::string document(std::string_view title, std::string_view body, std::string_view current, std::string_view lang,
                     std::string_view dir) {
  auto nav = [&](std::string_view href, std::string_view label) {
    return std::string("<li><a href=\"") + std::string(href) + "\"" +
           (current == href ? " aria-current=\"page\"" : "") + ">" + std::string(label) + "</a></li>";
  };
  std::string out;
  out.reserve(body.size() + 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light dark\">\n";
  out += "<title>" + esc(title) + " · redline</title>\n";
  out += "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n";
  out += "<link rel=\"stylesheet\" href=\"/static/app.css\">\n";
  out += "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">Skip to content</a>\n";
  out += "<header class=\"top\"><nav aria-label=\"Sections\"><ul>";
  out += "<li class=\"brand\"><a href=\"/\">redline</a></li>";
  out += nav("/", "Changes") + nav("/watches", "Watches") + nav("/status", "Status") + nav("/login", "Log in");
  out += "</ul></nav></header>\n<main id=\"main\"";
  if (!lang.empty()) out += " lang=\"" + esc(lang) + "\"";
  if (!dir.empty()) out += " dir=\"" + esc(dir) + "\"";
  out += ">\n";
  out += body;
  out +=
      "</main>\n<footer><p>redline review desk · keys: <kbd>j</kbd>/<kbd>k</kbd> changes, <kbd>n</kbd>/<kbd>p</kbd> "
      "edits, <kbd>s</kbd> view</p></footer>\n</body>\n</html>\n";
  return out;
}

std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace redline::web
