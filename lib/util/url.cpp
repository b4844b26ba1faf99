#include "util/url.hpp"

#include <curl/curl.h>
#include <unicode/uidna.h>

#include <algorithm>
#include <memory>

#include "util/text.hpp"

namespace redline {

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

using CurlUrl = std::unique_ptr<CURLU, CurlUrlFree>;

// libcurl's parser (RFC 3986 with the WHATWG leniencies curl shares with browsers): any scheme, dot segments
// removed from the path. Null when the text is not an absolute URL.
CurlUrl curl_parse(std::string_view url) {
  CurlUrl u(curl_url());
  const std::string text(trim(url));
  if (!u || text.size() > k_max_url_length ||
      curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return nullptr;
  return u;
}

std::string part_or_empty(CURLU* u, CURLUPart part) {
  const auto p = url_part(u, part);
  return p ? std::string(p.get()) : std::string{};
}

// A host as one name: lower-case, without the trailing dot of a fully qualified name ("WWW.dw.com." is
// "www.dw.com").
std::string normal_host(std::string host) {
  host = ascii_lower(host);
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  return host;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 6.2.2: percent-encoded unreserved characters decoded ("%7E" is "~"), the hex digits of the
// other escapes upper-case ("%e4" is "%E4"). Reserved characters stay encoded: "%2F" is not "/".
std::string normalize_percent_encoding(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const int hi = s[i] == '%' && i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) {
      out += s[i];
      continue;
    }
    const char c = static_cast<char>(hi * 16 + lo);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      static constexpr char k_hex[] = "0123456789ABCDEF";
      out += '%';
      out += k_hex[hi];
      out += k_hex[lo];
    }
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
  const auto u = curl_parse(url);
  if (!u) return std::nullopt;
  UrlParts parts;
  parts.scheme = ascii_lower(part_or_empty(u.get(), CURLUPART_SCHEME));
  parts.host = normal_host(part_or_empty(u.get(), CURLUPART_HOST));
  if (parts.host.empty()) return std::nullopt;
  const std::string port = part_or_empty(u.get(), CURLUPART_PORT);
  parts.port = port.empty() ? 0 : std::stoi(port);  // curl has checked it: digits, at most 65535
  parts.path = part_or_empty(u.get(), CURLUPART_PATH);
  if (parts.path.empty()) parts.path = "/";
  parts.query = part_or_empty(u.get(), CURLUPART_QUERY);
  parts.fragment = part_or_empty(u.get(), CURLUPART_FRAGMENT);
  return parts;
}

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
  UrlParts parts = *u;
  // One spelling of a name: an internationalized host in its punycode form, as it is fetched.
  if (std::any_of(parts.host.begin(), parts.host.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    if (auto ascii = idna_to_ascii(parts.host)) parts.host = std::move(*ascii);
  std::string out = authority_of(parts) + normalize_percent_encoding(parts.path);
  std::string query;
  size_t start = 0;
  const std::string normal_query = normalize_percent_encoding(parts.query);
  const std::string_view q = normal_query;
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
  const auto b = curl_parse(base);
  if (!b) return std::string(ref);
  // Same-document references (RFC 3986 5.2.2: an empty path keeps the base's path and query), which
  // libcurl resolves as if they were "./".
  if (ref.empty() || ref.front() == '#') {
    curl_url_set(b.get(), CURLUPART_FRAGMENT, ref.empty() ? nullptr : std::string(ref.substr(1)).c_str(), 0);
    return part_or_empty(b.get(), CURLUPART_URL);
  }
  const std::string text(ref);
  if (text.size() > k_max_url_length ||
      curl_url_set(b.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return text;  // not a reference libcurl can resolve ("mailto:x", "a b"): left for the caller to refuse
  return part_or_empty(b.get(), CURLUPART_URL);
}

std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

bool host_matches(std::string_view host, std::string_view suffix) {
  if (host.size() < suffix.size()) return false;
  if (host.size() == suffix.size()) return ascii_lower(host) == ascii_lower(suffix);
  return host[host.size() - suffix.size() - 1] == '.' &&
         ascii_lower(host.substr(host.size() - suffix.size())) == ascii_lower(suffix);
}

}  // namespace redline
