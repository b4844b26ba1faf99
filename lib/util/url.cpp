#include "util/url.hpp"

#include <curl/curl.h>
#include <unicode/uidna.h>

#include <algorithm>
#include <memory>
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

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringFree {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;

CurlString url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  return CurlString(curl_url_get(u, part, &out, flags) == CURLUE_OK ? out : nullptr);
}

std::optional<std::string> idna_to_ascii(std::string_view host) {
  UErrorCode status = U_ZERO_ERROR;
  // Immutable after opening; ICU allows concurrent use of one UIDNA.
  static UIDNA* const idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI, &status);
  if (!idna) return std::nullopt;
  status = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  char out[256];
  const int32_t n = uidna_nameToASCII_UTF8(idna, host.data(), static_cast<int32_t>(host.size()), out,
                                           static_cast<int32_t>(sizeof out), &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || n <= 0 || n >= static_cast<int32_t>(sizeof out)) return std::nullopt;
  return std::string(out, static_cast<size_t>(n));
}

}  // namespace

Result<std::string> check_http_url(std::string_view url) {
  url = trim(url);
  if (url.empty()) return make_error(Errc::invalid_input, "the URL is empty");
  if (url.size() > k_max_url_length)
    return make_error(Errc::invalid_input, "the URL is " + std::to_string(url.size()) + " bytes long; at most " +
                                               std::to_string(k_max_url_length) + " are accepted");
  for (size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7f)
      return make_error(Errc::invalid_input, "the URL has a space or a control character at byte " +
                                                 std::to_string(i + 1) + " (spaces must be written %20)");
  }
  const std::string scheme_given = ascii_lower(url.substr(0, url.find(':')));
  if (url.find(':') == std::string_view::npos || (scheme_given != "http" && scheme_given != "https"))
    return make_error(Errc::invalid_input, "\"" + std::string(url) + "\" is not an http:// or https:// URL");
  const std::unique_ptr<CURLU, CurlUrlFree> u(curl_url());
  if (!u) return make_error(Errc::internal, "out of memory");
  const std::string text(url);
  if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
      rc != CURLUE_OK)
    return make_error(Errc::invalid_input, "\"" + text + "\" is not a valid URL: " + curl_url_strerror(rc));
  const auto host = url_part(u.get(), CURLUPART_HOST);
  if (!host || !*host.get()) return make_error(Errc::invalid_input, "\"" + text + "\" has no host");
  if (const auto port = url_part(u.get(), CURLUPART_PORT); port && std::string_view(port.get()) == "0")
    return make_error(Errc::invalid_input, "\"" + text + "\" has port 0; expected 1..65535");
  // The fragment is never sent; two URLs that differ only there are one page (and one watch).
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  const std::string_view h(host.get());
  if (std::all_of(h.begin(), h.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return text.substr(0, text.find('#'));
  // An internationalized host goes out as punycode (UTS #46, as browsers do).
  const auto ascii_host = idna_to_ascii(h);
  if (!ascii_host || curl_url_set(u.get(), CURLUPART_HOST, ascii_host->c_str(), 0) != CURLUE_OK)
    return make_error(Errc::invalid_input, "\"" + text + "\" has a host name that is not valid (IDNA)");
  const auto ascii = url_part(u.get(), CURLUPART_URL);
  if (!ascii) return make_error(Errc::invalid_input, "\"" + text + "\" has a host name that is not valid (IDNA)");
  return std::string(ascii.get());
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
