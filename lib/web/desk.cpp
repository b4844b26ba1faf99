#include "web/desk.hpp"

#include "util/url.hpp"
#include "web/assets.hpp"
#include "web/desk_util.hpp"
#include "web/page.hpp"

namespace redline::web {

namespace detail {

std::string article_href(std::string_view key) { return "/a/" + percent_encode(key); }

std::optional<std::string> param(const Params& query, std::string_view name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Found find_article(ArticleStore& store, const std::string& key) {
  for (const std::string& candidate : {key, canonicalize_url(key)}) {
    auto found = store.find_article(candidate);
    if (!found) return {std::nullopt, store_failure(found.error())};
    if (*found) return {std::move(*found), std::nullopt};
  }
  return {std::nullopt, error_page(404, "No article has the key or URL \"" + key + "\".")};
}

const VersionRecord* pick_version(const std::vector<VersionRecord>& versions, std::string_view text) {
  if (text.empty() || text.size() > 9) return nullptr;
  for (size_t i = 0; i < text.size(); ++i)
    if (!(text[i] >= '0' && text[i] <= '9') && !(i == 0 && text[i] == '-' && text.size() > 1)) return nullptr;
  const long long number = std::stoll(std::string(text));
  const auto n = static_cast<long long>(versions.size());
  const long long index = number > 0 ? number - 1 : n + number;
  if (number == 0 || index < 0 || index >= n) return nullptr;
  return &versions[static_cast<size_t>(index)];
}

std::string badges(const std::vector<std::string>& classes) {
  std::string out;
  for (const auto& c : classes) out += "<span class=\"badge\">" + esc(c) + "</span>";
  return out;
}

WebResponse store_failure(const Error& error) {
  if (error.code == Errc::not_found) return error_page(404, error.message);
  if (error.code == Errc::io) return error_page(503, "The store cannot be read just now: " + error.message);
  return error_page(500, error.message);
}

}  // namespace detail

WebResponse error_page(int status, std::string_view message) {
  WebResponse r;
  r.status = status;
  const std::string title = status == 404                    ? "Not found"
                            : status == 401 || status == 403 ? "Not allowed"
                            : status < 500                   ? "Bad request"
                                                             : "Server error";
  r.body = document(title,
                    "<h1>" + esc(title) + "</h1>\n<p class=\"notice error\">" + esc(message) +
                        "</p>\n<p><a href=\"/\">Back to the changes</a></p>\n",
                    "");
  return r;
}

WebResponse static_asset(const WebRequest& request, std::string_view name) {
  WebResponse r;
  if (name == "app.css") {
    r.content_type = "text/css; charset=utf-8";
    r.body = std::string(k_app_css);
  } else if (name == "app.js") {
    r.content_type = "text/javascript; charset=utf-8";
    r.body = std::string(k_app_js);
  } else if (name == "favicon.svg") {
    r.content_type = "image/svg+xml";
    r.body = std::string(k_favicon_svg);
  } else {
    return finish(error_page(404, "There is no such file; the desk serves app.css, app.js and favicon.svg."), request);
  }
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return finish(std::move(r), request);
}

WebResponse finish(WebResponse response, const WebRequest& request) {
  response.headers.emplace_back("Content-Security-Policy", std::string(k_content_security_policy));
  response.headers.emplace_back("X-Frame-Options", "DENY");
  // Not the server's "no-referrer": under it a browser sends "Origin: null" with the desk's own form
  // posts, and the Origin check (lib/api) could not tell them from a sandboxed frame's.
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  bool has_cache = false;
  for (const auto& [k, v] : response.headers) has_cache = has_cache || k == "Cache-Control";
  if (!has_cache) response.headers.emplace_back("Cache-Control", "no-store");
  if (response.body.size() >= 512 && request.accept_encoding.find("gzip") != std::string::npos) {
    std::string packed = gzip(response.body);
    if (!packed.empty()) {
      response.body = std::move(packed);
      response.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  return response;
}

}  // namespace redline::web
