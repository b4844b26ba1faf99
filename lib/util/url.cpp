#include "util/url.hpp"

#include <vector>

#include "util/text.hpp"

namespace redline {

std::optional<UrlParts> parse_url(std::string_view url) {
  url = trim(url);
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UrlParts u;
  u.scheme = ascii_lower(url.substr(0, colon));
  auto rest = url.substr(colon + 3);
  const auto auth_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, auth_end);
  rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  if (authority.empty()) return std::nullopt;
  const auto port_colon = authority.rfind(':');
  const bool ipv6 = authority.front() == '[';
  if (port_colon != std::string_view::npos && (!ipv6 || authority.find(']') < port_colon)) {
    const auto port = authority.substr(port_colon + 1);
    authority = authority.substr(0, port_colon);
    if (!port.empty()) {
      int p = 0;
      for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        p = p * 10 + (c - '0');
        if (p > 65535) return std::nullopt;
      }
      u.port = p;
    }
  }
  u.host = ascii_lower(authority);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    u.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    u.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  u.path = rest.empty() ? "/" : std::string(rest);
  return u;
}

namespace {

int default_port(std::string_view scheme) { return scheme == "https" ? 443 : scheme == "http" ? 80 : 0; }

std::string authority_of(const UrlParts& u) {
  std::string out = u.scheme + "://" + u.host;
  if (u.port != 0 && u.port != default_port(u.scheme)) out += ":" + std::to_string(u.port);
  return out;
}

bool is_tracking_param(std::string_view name) {
  static const std::string_view k_exact[] = {"fbclid", "gclid",   "dclid",  "gbraid", "wbraid",    "msclkid",
                                             "mc_cid", "mc_eid",  "igshid", "yclid",  "_ga",       "_hsenc",
                                             "_hsmi",  "mkt_tok", "ocid",   "cmpid",  "at_medium", "at_campaign"};
  if (name.substr(0, 4) == "utm_") return true;
  for (auto e : k_exact)
    if (name == e) return true;
  return false;
}

}  // namespace

std::string url_origin(std::string_view url) {
  const auto u = parse_url(url);
  return u ? authority_of(*u) : std::string(url);
}

std::string url_host(std::string_view url) {
  const auto u = parse_url(url);
  return u ? u->host : std::string{};
}

std::string canonicalize_url(std::string_view url) {
  const auto u = parse_url(url);
  if (!u) return std::string(url);
  std::string out = authority_of(*u) + u->path;
  std::string query;
  size_t start = 0;
  const std::string_view q = u->query;
  while (start <= q.size() && !q.empty()) {
    const auto amp = q.find('&', start);
    const auto param = q.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    const auto name = param.substr(0, param.find('='));
    if (!param.empty() && !is_tracking_param(ascii_lower(name))) {
      if (!query.empty()) query += '&';
      query += param;
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  if (!query.empty()) out += "?" + query;
  return out;
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  if (ref.find("://") != std::string_view::npos && ref.find("://") < ref.find_first_of("/?#")) return std::string(ref);
  const auto b = parse_url(base);
  if (!b) return std::string(ref);
  if (ref.substr(0, 2) == "//") return b->scheme + ":" + std::string(ref);
  const std::string origin = authority_of(*b);
  if (ref.empty()) return origin + b->path + (b->query.empty() ? "" : "?" + b->query);
  if (ref.front() == '/') return origin + std::string(ref);
  if (ref.front() == '?') return origin + b->path + std::string(ref);
  if (ref.front() == '#') return origin + b->path + (b->query.empty() ? "" : "?" + b->query) + std::string(ref);
  // Relative path: merge with the base's directory, then remove dot segments.
  std::string merged = b->path.substr(0, b->path.rfind('/') + 1) + std::string(ref);
  std::string suffix;
  if (const auto qs = merged.find_first_of("?#"); qs != std::string::npos) {
    suffix = merged.substr(qs);
    merged.resize(qs);
  }
  std::vector<std::string> segments;
  size_t pos = 1;
  while (pos <= merged.size()) {
    const auto slash = merged.find('/', pos);
    const std::string seg = merged.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    const bool last = slash == std::string::npos;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (seg == ".") {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(seg);
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string path;
  for (const auto& s : segments) path += "/" + s;
  if (path.empty()) path = "/";
  return origin + path + suffix;
}

bool host_matches(std::string_view host, std::string_view suffix) {
  if (host.size() < suffix.size()) return false;
  if (host.size() == suffix.size()) return ascii_lower(host) == ascii_lower(suffix);
  return host[host.size() - suffix.size() - 1] == '.' &&
         ascii_lower(host.substr(host.size() - suffix.size())) == ascii_lower(suffix);
}

}  // namespace redline
