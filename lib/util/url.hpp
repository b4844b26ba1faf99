// Minimal URL handling for http(s) URLs: split, canonicalize, compare hosts. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline {

struct UrlParts {
  std::string scheme;  // lower-case
  std::string host;    // lower-case
  int port = 0;        // 0 when absent
  std::string path;    // begins with '/', "/" when absent
  std::string query;   // without '?'
  std::string fragment;
};

std::optional<UrlParts> parse_url(std::string_view url);

// scheme://host[:port]: the unit of per-host limits.
std::string url_origin(std::string_view url);
std::string url_host(std::string_view url);

// Lower-cases scheme and host, drops the default port, the fragment and tracking parameters
// (utm_*, fbclid, gclid, …). Returns the input unchanged when it does not parse.
std::string canonicalize_url(std::string_view url);

// Resolves `ref` (absolute, scheme-relative, absolute-path or relative) against `base`.
std::string resolve_url(std::string_view base, std::string_view ref);

// True when `host` equals `suffix` or ends with "." + suffix ("www.dw.com" matches "dw.com").
bool host_matches(std::string_view host, std::string_view suffix);

}  // namespace redline
