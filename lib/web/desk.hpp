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
//
// Every page: text escaped, a Content-Security-Policy that allows only this origin's script and
// style (no inline script), gzip when the client accepts it. Called on one thread per sources
// object (the API server's); otherwise pure.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "store/read_model.hpp"
#include "store/store.hpp"

namespace redline::web {

using Params = std::multimap<std::string, std::string, std::less<>>;  // the query string
using PathParams = std::map<std::string, std::string, std::less<>>;

struct WebRequest {
  const PathParams& params;
  const Params& query;
  std::string accept_encoding;  // the Accept-Encoding header
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
};

inline constexpr std::string_view k_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

WebResponse timeline_page(WebSources& sources, const WebRequest& request);
WebResponse article_page(WebSources& sources, const WebRequest& request);
WebResponse diff_page(WebSources& sources, const WebRequest& request);
WebResponse version_page(WebSources& sources, const WebRequest& request);
// "app.css", "app.js" or "favicon.svg"; 404 for any other name.
WebResponse static_asset(const WebRequest& request, std::string_view name);

// A page for an error (status and a sentence), in the desk's frame.
WebResponse error_page(int status, std::string_view message);

// The security headers every desk response carries, and gzip when the request accepts it and the body
// is worth compressing.
WebResponse finish(WebResponse response, const WebRequest& request);

}  // namespace redline::web
