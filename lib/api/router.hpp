// Router: maps "METHOD /path" to a handler. Patterns are literal segments and `{name}` parameters,
// optionally with a literal suffix in the same segment ("/sites/{host}.atom"). Each segment of the
// request path is percent-decoded on its own, so an article key with "/" travels as one segment
// ("%2F"); a decoded segment that is "." or "..", or holds a NUL, is refused (400) before any route
// sees it.
//
// Also the query-string parser every handler uses. Pure functions and a const dispatch: thread-safe
// once built; the fuzz target drives them directly.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "core/result.hpp"
#include "util/url.hpp"  // percent_encode

namespace redline::api {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// name -> values, in order. Errc::invalid_input on a malformed escape or more than 64 parameters.
using Query = std::multimap<std::string, std::string, std::less<>>;
Result<Query> parse_query(std::string_view query);
// The first value of `name`, or nullopt.
std::optional<std::string> query_value(const Query& query, std::string_view name);

using PathParams = std::map<std::string, std::string, std::less<>>;

struct RouteRequest {
  const Request& request;
  std::string path;  // decoded, for logs
  PathParams params;
  Query query;
};

class Router {
 public:
  using Handler = std::function<Response(const RouteRequest&)>;
  // `pattern` like "/api/v1/articles/{key}/versions/{n}".
  void add(std::string method, std::string_view pattern, Handler handler);
  // The matching route's response; 404 when no path matches, 405 (with Allow) when the path matches
  // another method, 400 for a malformed target.
  Response dispatch(const Request& request) const;

 private:
  struct Segment {
    std::string literal;  // when not a parameter
    std::string param;    // parameter name
    std::string suffix;   // literal after the parameter ("" usually)
  };
  struct Route {
    std::string method;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool match(const Route& route, const std::vector<std::string>& segments, PathParams& params);
  std::vector<Route> m_routes;
};

}  // namespace redline::api
