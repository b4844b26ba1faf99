// The frame every page of the web desk shares (docs/web.md): the document head (language, viewport,
// the stylesheet and script served from the binary), the navigation landmark, a <main> and a footer,
// plus the small text helpers the pages use. Every piece of stored text goes through esc() — nothing
// from the store or the request reaches the page unescaped. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/time.hpp"

namespace redline::web {

// HTML-escaped text (& < > " '), safe in element content and in quoted attribute values.
std::string esc(std::string_view text);

// "2025-01-31 10:00 UTC".
std::string short_time(Timestamp t);

// At most `max_chars` code points of `text`, cut at a code point boundary, with "…" when cut.
std::string clip(std::string_view text, size_t max_chars);

// A complete document: `title` (plain text), `body` (HTML, the page's <main> content), `lang`/`dir` of
// the main content ("" = English, left to right). `current` marks the navigation link of this page.
std::string document(std::string_view title, std::string_view body, std::string_view current,
                     std::string_view lang = "", std::string_view dir = "");

// "rtl" for languages written right to left (ar, fa, he, ur, …), else "ltr".
std::string_view direction_of(std::string_view lang);

// gzip of `data` (level 6).
std::string gzip(std::string_view data);

}  // namespace redline::web
