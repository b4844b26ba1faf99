// Inside ApiService: what the handlers share. Used only on the server's thread (the connections are
// opened there on first use). Not part of the module's interface.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "api/api_service.hpp"
#include "store/read_model.hpp"
#include "store/store.hpp"
#include "web/desk.hpp"

namespace redline::api {

struct StatusCache;     // api_status.cpp
struct AtomEntryCache;  // api_atom.cpp

enum class Access { read, write, feed };  // feed: read, and ?token= is accepted too

struct ApiService::State {
  std::shared_ptr<const Config> config;
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;
  ApiOptions options;
  bool loopback = true;
  std::string base_url;
  Router router;

  // The configured backend's (store_target(): SQLite or PostgreSQL), each a connection of its own.
  std::unique_ptr<Store> reader;     // read-only Store (versions, outbox, watches)
  std::unique_ptr<ReadModel> model;  // pages, search, events, gauges
  std::unique_ptr<Store> writer;     // opened on the first write
  // /api/v1/status's snapshot (api_status.cpp).
  std::shared_ptr<StatusCache> status_cache;
  // Rendered Atom entries by event id (api_atom.cpp).
  std::shared_ptr<AtomEntryCache> atom_cache;
  // The key of the desk's CSRF tokens (HMAC of the login token), random per process (api_session.cpp).
  std::string csrf_key;

  // Opens the read connections on first use; a problem response when the store cannot be opened.
  std::optional<Response> open_readers();
  std::optional<Response> open_writer();
  // nullopt when the request may proceed; else 401/403. Reads also take the desk's login cookie.
  std::optional<Response> authorize(const RouteRequest& r, Access access) const;

  // The web desk's login (api_session.cpp, docs/web.md). The configured token equal to `given`
  // (constant-time compare), or nullptr.
  const ApiToken* token_of(std::string_view given) const;
  // The login cookie's token as sent ("" when none).
  static std::string cookie_token(const Request& request);
  std::string csrf_for(std::string_view token) const;
  // The session of a desk request: the cookie's token when valid, else a valid Bearer header's.
  web::Session session_of(const RouteRequest& r) const;
  // A desk page may be shown: nullopt; else a 303 to /login (non-loopback, no valid token) or a 401.
  std::optional<Response> authorize_page(const RouteRequest& r, web::Session& session) const;
  // Whether the request's Origin is this site (base_url's origin, or the Host header's under its scheme).
  bool same_origin(const Request& request) const;
  std::string login_cookie(std::string_view token) const;  // the Set-Cookie value
  std::string logout_cookie() const;
  // A desk form's POST: Origin, content type, size, login cookie with scope write, CSRF token. On
  // success nullopt and `fields` set; else the answer (403/413/415 page, or 303 to /login).
  std::optional<Response> check_form(const RouteRequest& r, std::string_view back, Query& fields) const;
  web::WebRequest desk_request(const RouteRequest& r, web::Session session) const;
  static Response from_page(web::WebResponse page);
  // 303 See Other to `location`, with a Set-Cookie when `cookie` is not empty.
  static Response see_other(const std::string& location, const std::string& cookie = "");
  Result<StatusReport> status_snapshot();

  void add_routes();
  Response status(const RouteRequest& r);  // GET /api/v1/status
  void add_json_routes();
  void add_write_routes();
  void add_feed_routes();
  void add_web_routes();   // the web desk (lib/web)
  void add_desk_routes();  // its /watches, /status and login (api_desk.cpp)

  // Common answers.
  static Response reply(const nlohmann::json& body, int status = 200);
  // Adds an ETag (of the body) and answers 304 when If-None-Match has it.
  static Response conditional(const RouteRequest& r, Response response);
  static Response store_error(const Error& error);
  // `limit` (1..max, default `fallback`) or a 400 problem.
  static std::optional<Response> read_limit(const RouteRequest& r, size_t fallback, size_t max, size_t& out);

  // The article for a path's {key}: by key or any URL recorded for it.
  Result<std::optional<ArticleRecord>> find_article(const std::string& key);
};

}  // namespace redline::api
