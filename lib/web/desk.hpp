// The web review desk (docs/web.md): server-rendered HTML pages over the store's reads and the diff
// module, for people who review changes in a browser. Independent of the HTTP server: lib/api's
// router calls these with the request's path parameters and query, and sends the WebResponse.
//
//   GET /                         timeline of changes, newest first, filters as query parameters,
//                                 keyset paging (?before=<seq>)
//   GET /a/{key}                  one article: headline history, versions, the latest change
//   GET /a/{key}/diff             ?from=&to=&view=inline|side|changes
//   GET /a/{key}/v/{n}            one version as the reader saw it (text of the stored blocks)
//   GET /static/app.css, app.js, favicon.svg   from the binary
//   GET /watches                  watches (config and run-time, keyset-paged ?after=<url>) and feeds,
//                                 with the add and remove forms
//   GET /status                   rounds, failing origins, the outbox with retry and drop forms
//   GET /login                    the token form (lib/api sets the cookie and checks every POST)
//
// Every page: text escaped, a Content-Security-Policy that allows only this origin's script and
// style (no inline script), gzip when the client accepts it. Called on one thread per sources
// object (the API server's); otherwise pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "monitor/feed_state.hpp"
#include "monitor/status_report.hpp"
#include "store/read_model.hpp"
#include "store/store.hpp"

namespace redline::web {

using Params = std::multimap<std::string, std::string, std::less<>>;  // the query string
using PathParams = std::map<std::string, std::string, std::less<>>;

// Who is asking, as lib/api found it from the login cookie (or an Authorization header).
struct Session {
  std::string name;        // the [[api.token]]'s name; "" when no token came
  bool can_write = false;  // the token has scope "write" and came in the login cookie
  std::string csrf;        // the form token every POST of this session carries ("" without a cookie)
};

struct WebRequest {
  const PathParams& params;
  const Params& query;
  std::string accept_encoding;  // the Accept-Encoding header
  Session session;
  Timestamp now{};
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the pages read.
struct WebSources {
  ArticleStore& store;
  ReadModel& model;
  const Config& config;
  // The daemon's feeds (their polls are not in the store); nullopt when no daemon polls them (redline serve).
  std::optional<std::vector<FeedState>> feeds{};
};

inline constexpr std::string_view k_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

WebResponse timeline_page(WebSources& sources, const WebRequest& request);
WebResponse article_page(WebSources& sources, const WebRequest& request);
WebResponse diff_page(WebSources& sources, const WebRequest& request);
WebResponse version_page(WebSources& sources, const WebRequest& request);
// What /status shows besides the store's report: filled by lib/api.
struct DeskStatus {
  StatusReport report;                 // a snapshot at most a few seconds old
  std::optional<bool> rounds_running;  // nullopt: not a daemon (redline serve)
  uint64_t rounds = 0;                 // rounds observed since the start
  double last_round_seconds = 0;
  double mean_round_seconds = 0;
  double max_round_seconds = 0;
  int64_t origins_backing_off = 0;
  std::vector<OutboxEntry> pending;  // at most k_outbox_rows each, oldest first
  std::vector<OutboxEntry> dead;
  std::map<int64_t, std::string> url_of;  // article id -> URL, for the rows above
};
inline constexpr size_t k_outbox_rows = 100;

WebResponse watches_page(WebSources& sources, const WebRequest& request);
WebResponse status_page(const WebRequest& request, const DeskStatus& status);
// The token form; `message` (plain text) above it when not empty, `next` the page to return to.
WebResponse login_page(const WebRequest& request, int status, std::string_view message, std::string_view next);
// Where a login or a form returns to: `next` when it is a path of this site ("/…", not "//…"), else "/".
std::string safe_next(std::string_view next);

// "app.css", "app.js" or "favicon.svg"; 404 for any other name.
WebResponse static_asset(const WebRequest& request, std::string_view name);

// A page for an error (status and a sentence), in the desk's frame.
WebResponse error_page(int status, std::string_view message);

// The security headers every desk response carries, and gzip when the request accepts it and the body
// is worth compressing.
WebResponse finish(WebResponse response, const WebRequest& request);

}  // namespace redline::web
