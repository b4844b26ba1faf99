// The web desk's browser login (docs/web.md): a token kept in an HttpOnly, SameSite=Strict cookie, a
// CSRF token per session (HMAC of the login token under a key random per process), and the Origin
// check of every form POST.
#include "api/api_state.hpp"
#include "api/problem.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace redline::api {

namespace {

constexpr std::string_view k_cookie = "redline_token";
constexpr size_t k_form_limit = 16 * 1024;

std::string hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 15];
  }
  return out;
}

// "scheme://host[:port]" in lower case, without a default port; "" when `url` has no scheme and host.
std::string origin_of(std::string_view url) {
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return "";
  const std::string scheme = ascii_lower(url.substr(0, colon));
  std::string authority = ascii_lower(url.substr(colon + 3, url.find_first_of("/?#", colon + 3) - colon - 3));
  if (authority.empty() || authority.find('@') != std::string::npos) return "";
  if ((scheme == "http" && authority.ends_with(":80")) || (scheme == "https" && authority.ends_with(":443")))
    authority.erase(authority.rfind(':'));
  return scheme + "://" + authority;
}

}  // namespace

const ApiToken* ApiService::State::token_of(std::string_view given) const {
  if (given.empty()) return nullptr;
  // Equal in time independent of where they differ (and of the lengths: both are hashed); every
  // token is compared.
  const std::string a = sha256_hex(given);
  const ApiToken* match = nullptr;
  for (const auto& t : config->api.tokens) {
    if (equal_constant_time(a, sha256_hex(t.token))) match = &t;
  }
  return match;
}

std::string ApiService::State::cookie_token(const Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != k_cookie) continue;
      return percent_decode(trim(pair.substr(eq + 1)), false).value_or("");
    }
  }
  return "";
}

std::string ApiService::State::csrf_for(std::string_view token) const {
  return hex(hmac_sha256(csrf_key, "redline desk form:" + std::string(token)));
}

web::Session ApiService::State::session_of(const RouteRequest& r) const {
  web::Session s;
  const std::string cookie = cookie_token(r.request);
  if (const ApiToken* t = token_of(cookie)) {
    s.name = t->name;
    s.can_write = t->scope == TokenScope::write;
    s.csrf = csrf_for(cookie);
    return s;
  }
  const std::string header = r.request.header("authorization");
  if (header.size() > 7 && ascii_lower(header.substr(0, 7)) == "bearer ")
    if (const ApiToken* t = token_of(header.substr(7))) s.name = t->name;  // forms still need the cookie
  return s;
}

std::optional<Response> ApiService::State::authorize_page(const RouteRequest& r, web::Session& session) const {
  session = session_of(r);
  if (!r.request.header("authorization").empty() && session.name.empty())
    return authorize(r, Access::read);  // a wrong Bearer header: the API's 401
  if (session.name.empty() && !loopback) return see_other("/login?next=" + percent_encode(r.request.target));
  return std::nullopt;
}

bool ApiService::State::same_origin(const Request& request) const {
  const std::string origin = origin_of(request.header("origin"));
  if (origin.empty()) return false;  // missing, "null" or malformed
  const std::string own = origin_of(base_url);
  if (!own.empty() && origin == own) return true;
  // Behind a proxy that keeps the Host header, under base_url's scheme.
  const std::string host = request.header("host");
  if (host.empty() || own.empty()) return false;
  return origin == origin_of(own.substr(0, own.find("://") + 3) + host);
}

std::string ApiService::State::login_cookie(std::string_view token) const {
  std::string c =
      std::string(k_cookie) + "=" + percent_encode(token) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800";
  if (base_url.rfind("https://", 0) == 0) c += "; Secure";
  return c;
}

std::string ApiService::State::logout_cookie() const {
  std::string c = std::string(k_cookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (base_url.rfind("https://", 0) == 0) c += "; Secure";
  return c;
}

std::optional<Response> ApiService::State::check_form(const RouteRequest& r, std::string_view back,
                                                      Query& fields) const {
  const web::WebRequest request = desk_request(r, {});
  auto refuse = [&](int status, std::string_view message) {
    return from_page(web::finish(web::error_page(status, message), request));
  };
  if (!same_origin(r.request))
    return refuse(403,
                  "This form must be sent from this site's own pages (the request's Origin header is missing "
                  "or names another site).");
  if (ascii_lower(r.request.header("content-type")).rfind("application/x-www-form-urlencoded", 0) != 0)
    return refuse(415, "Send the form as application/x-www-form-urlencoded.");
  if (r.request.body.size() > k_form_limit) return refuse(413, "The form is larger than 16 KiB.");
  auto parsed = parse_query(r.request.body);
  if (!parsed) return refuse(400, parsed.error().message);
  const std::string cookie = cookie_token(r.request);
  const ApiToken* token = token_of(cookie);
  if (!token) return see_other("/login?next=" + percent_encode(back) + "&need=write");
  if (token->scope != TokenScope::write)
    return refuse(403, "The token \"" + token->name +
                           "\" has scope \"read\"; this needs a token with scope "
                           "\"write\". Log in with one.");
  const std::string expected = csrf_for(cookie);
  const std::string given = query_value(*parsed, "csrf").value_or("");
  if (!equal_constant_time(given, expected))
    return refuse(403,
                  "The form's token is missing or stale (the server may have restarted): reload the page "
                  "and send the form again.");
  fields = std::move(*parsed);
  return std::nullopt;
}

Response ApiService::State::see_other(const std::string& location, const std::string& cookie) {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "See " + location + "\n";
  r.with_header("Location", location);
  if (!cookie.empty()) r.with_header("Set-Cookie", cookie);
  r.with_header("Cache-Control", "no-store");
  return r;
}

Response ApiService::State::from_page(web::WebResponse page) {
  Response out;
  out.status = page.status;
  out.content_type = std::move(page.content_type);
  out.body = std::move(page.body);
  out.headers = std::move(page.headers);
  return out;
}

web::WebRequest ApiService::State::desk_request(const RouteRequest& r, web::Session session) const {
  return web::WebRequest{r.params, r.query, r.request.header("accept-encoding"), std::move(session), clock->now()};
}

}  // namespace redline::api
