#include "api/router.hpp"

#include "api/problem.hpp"

namespace redline::api {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t pos = text.find(sep, start);
    out.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

constexpr size_t k_max_parameters = 64;

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<Query> parse_query(std::string_view query) {
  Query out;
  if (query.empty()) return out;
  for (std::string_view part : split(query, '&')) {
    if (part.empty()) continue;
    if (out.size() >= k_max_parameters)
      return make_error(Errc::invalid_input, "the query string has more than 64 parameters");
    const size_t eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
    if (!name || !value)
      return make_error(Errc::invalid_input,
                        "the query string has a malformed %-escape (expected %XX with hex digits)");
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> query_value(const Query& query, std::string_view name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route route{std::move(method), {}, std::move(handler)};
  for (std::string_view part : split(pattern.substr(1), '/')) {
    Segment s;
    if (!part.empty() && part.front() == '{') {
      const size_t close = part.find('}');
      s.param = std::string(part.substr(1, close - 1));
      s.suffix = std::string(part.substr(close + 1));
    } else {
      s.literal = std::string(part);
    }
    route.segments.push_back(std::move(s));
  }
  m_routes.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string>& segments, PathParams& params) {
  if (route.segments.size() != segments.size()) return false;
  params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = route.segments[i];
    const std::string& value = segments[i];
    if (s.param.empty()) {
      if (value != s.literal) return false;
      continue;
    }
    if (value.size() <= s.suffix.size() || value.compare(value.size() - s.suffix.size(), s.suffix.size(), s.suffix))
      return false;
    params[s.param] = value.substr(0, value.size() - s.suffix.size());
  }
  return true;
}

Response Router::dispatch(const Request& request) const {
  const std::string_view target = request.target;
  if (target.empty() || target.front() != '/')
    return problem(400, "the request target must be an absolute path such as /api/v1/changes");
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  auto query = parse_query(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
  if (!query) return problem(400, query.error().message);

  std::vector<std::string> segments;
  std::string path;
  for (std::string_view raw : split(raw_path.substr(1), '/')) {
    auto decoded = percent_decode(raw, false);
    if (!decoded) return problem(400, "the path has a malformed %-escape (expected %XX with hex digits)");
    if (*decoded == "." || *decoded == ".." || decoded->find('\0') != std::string::npos)
      return problem(400, "the path may not contain \".\" or \"..\" segments or NUL bytes");
    path += "/" + *decoded;
    segments.push_back(std::move(*decoded));
  }

  std::string allowed;
  PathParams params;
  for (const Route& route : m_routes) {
    if (!match(route, segments, params)) continue;
    if (route.method != request.method) {
      if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    return route.handler(RouteRequest{request, path, std::move(params), std::move(*query)});
  }
  if (!allowed.empty()) {
    if (allowed.find("GET") != std::string::npos) allowed += ", HEAD";
    return problem(405, request.method + " is not allowed here; allowed: " + allowed).with_header("Allow", allowed);
  }
  return problem(404, "there is no resource at this path; the API is described in docs/api.md");
}

}  // namespace redline::api
