// Minimal URL handling for http(s) URLs: split, canonicalize, compare hosts. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace redline {

// The longest URL redline accepts (from a config, a feed, a capture or a command line); longer ones are
// refused with an error of their own before any rule sees them.
inline constexpr size_t k_max_url_length = 8192;

struct UrlParts {
  std::string scheme;  // lower-case
  std::string host;    // lower-case
  int port = 0;        // 0 when absent
  std::string path;    // begins with '/', "/" when absent
  std::string query;   // without '?'
  std::string fragment;
};

std::optional<UrlParts> parse_url(std::string_view url);

// An http(s) URL from outside (a config, a feed item, a capture, a command line), checked with libcurl's URL
// parser: at most k_max_url_length bytes, no space or control character inside (surrounding whitespace is
// trimmed), a host, a port in 1..65535. Returns the URL to use: the input without its #fragment (never
// sent to a server), with an internationalized host in its punycode (ASCII) form. The error says what is wrong in words
// ("URL has a space or a control character at byte 11").
Result<std::string> check_http_url(std::string_view url);

// scheme://host[:port]: the unit of per-host limits.
std::string url_origin(std::string_view url);
std::string url_host(std::string_view url);

// Lower-cases scheme and host, drops the default port, the fragment and tracking parameters
// (utm_*, fbclid, gclid, …). Returns the input unchanged when it does not parse.
std::string canonicalize_url(std::string_view url);

// Resolves `ref` (absolute, scheme-relative, absolute-path or relative) against `base`.
std::string resolve_url(std::string_view base, std::string_view ref);

// Encodes everything but RFC 3986 unreserved characters: one path segment or query value.
std::string percent_encode(std::string_view text);

// True when `host` equals `suffix` or ends with "." + suffix ("www.dw.com" matches "dw.com").
bool host_matches(std::string_view host, std::string_view suffix);

}  // namespace redline
