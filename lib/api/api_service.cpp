#include "api/api_service.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <utility>

#include "api/api_state.hpp"
#include "api/problem.hpp"
#include "monitor/status_report.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline::api {

std::optional<Response> ApiService::State::open_readers() {
  if (reader && model) return std::nullopt;
  auto store = open_store(store_target(*config), OpenMode::read_only);
  if (!store) return store_error(store.error());
  auto read_model = open_read_model(store_target(*config));
  if (!read_model) return store_error(read_model.error());
  reader = std::move(*store);
  model = std::move(*read_model);
  return std::nullopt;
}

std::optional<Response> ApiService::State::open_writer() {
  if (options.read_only)
    return problem(403, "this server serves the store read-only (redline serve); write through redlined");
  if (writer) return std::nullopt;
  auto store = open_store(store_target(*config), OpenMode::read_write);
  if (!store) return store_error(store.error());
  writer = std::move(*store);
  return std::nullopt;
}

std::optional<Response> ApiService::State::authorize(const RouteRequest& r, Access access) const {
  std::string token;
  const std::string header = r.request.header("authorization");
  if (!header.empty()) {
    if (header.size() < 7 || ascii_lower(header.substr(0, 7)) != "bearer ")
      return problem(401, "the Authorization header must be \"Bearer <token>\"")
          .with_header("WWW-Authenticate", "Bearer realm=\"redline\"");
    token = header.substr(7);
  } else if (access == Access::feed) {
    token = query_value(r.query, "token").value_or("");
  }
  const ApiToken* match = nullptr;
  if (!token.empty()) {
    match = token_of(token);
    if (!match)
      return problem(401, "the token is not one of the configured [[api.token]] tokens")
          .with_header("WWW-Authenticate", "Bearer realm=\"redline\", error=\"invalid_token\"");
  }
  // The desk's login cookie counts for reads (writes from a browser go through the desk's forms, which
  // also check the CSRF token and Origin: api_desk.cpp). A stale cookie is no token.
  if (!match && header.empty() && access != Access::write) match = token_of(cookie_token(r.request));
  if (access == Access::write) {
    if (!match)
      return problem(401, "writes need a token with scope \"write\": send Authorization: Bearer <token>")
          .with_header("WWW-Authenticate", "Bearer realm=\"redline\"");
    if (match->scope != TokenScope::write)
      return problem(403, "the token \"" + match->name + "\" has scope \"read\"; this needs scope \"write\"");
    return std::nullopt;
  }
  if (!match && !loopback)
    return problem(401, "this server needs a token: send Authorization: Bearer <token> (feeds: ?token=)")
        .with_header("WWW-Authenticate", "Bearer realm=\"redline\"");
  return std::nullopt;
}

Response ApiService::State::reply(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.body = inert_json(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
  return r;
}

Response ApiService::State::conditional(const RouteRequest& r, Response response) {
  if (response.status != 200) return response;
  const std::string etag = "\"" + sha256_hex(response.body).substr(0, 32) + "\"";
  response.with_header("ETag", etag);
  response.with_header("Cache-Control", "no-cache");
  const std::string inm = r.request.header("if-none-match");
  if (!inm.empty() &&
      (inm == "*" || inm.find(etag) != std::string::npos || inm.find("W/" + etag) != std::string::npos)) {
    response.status = 304;
    response.body.clear();
  }
  return response;
}

Response ApiService::State::store_error(const Error& error) {
  switch (error.code) {
    case Errc::not_found:
      return problem(404, error.message);
    case Errc::invalid_input:
    case Errc::conflict:
      return problem(409, error.message);
    case Errc::io:
    case Errc::unavailable:  // PostgreSQL unreachable just now
      return problem(503, "the store cannot be read just now: " + error.message);
    default:
      return problem(500, error.message);
  }
}

std::optional<Response> ApiService::State::read_limit(const RouteRequest& r, size_t fallback, size_t max, size_t& out) {
  out = fallback;
  const auto value = query_value(r.query, "limit");
  if (!value) return std::nullopt;
  size_t n = 0;
  bool ok = !value->empty() && value->size() <= 4;
  for (char c : *value) ok = ok && c >= '0' && c <= '9';
  if (ok) n = std::stoul(*value);
  if (!ok || n < 1 || n > max)
    return problem(400, "limit is \"" + *value + "\", expected a number from 1 to " + std::to_string(max));
  out = n;
  return std::nullopt;
}

Result<std::optional<ArticleRecord>> ApiService::State::find_article(const std::string& key) {
  for (const std::string& candidate : {key, canonicalize_url(key)}) {
    auto found = reader->find_article(candidate);
    if (!found) return found.error();
    if (*found) return found;
  }
  return std::optional<ArticleRecord>();
}

void ApiService::State::add_routes() {
  router.add("GET", "/healthz", [](const RouteRequest&) {
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok\n";
    return r;
  });
  router.add("GET", "/readyz", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return problem(503, "not ready: the store cannot be opened");
    if (options.rounds_running && !options.rounds_running())
      return problem(503, "not ready: the daemon's rounds have not started");
    Response ok;
    ok.content_type = "text/plain; charset=utf-8";
    ok.body = "ready\n";
    return ok;
  });
  router.add("GET", "/metrics", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    auto gauges = model->gauges();
    if (!gauges) return store_error(gauges.error());
    Response out;
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = metrics->render(*gauges, clock->now());
    return out;
  });
  add_json_routes();
  add_write_routes();
  add_feed_routes();
  add_web_routes();
}

ApiService::ApiService(std::shared_ptr<const Config> config, const Clock& clock, Metrics& metrics, ApiOptions options)
    : m_config(std::move(config)), m_state(std::make_unique<State>()) {
  m_state->config = m_config;
  m_state->clock = &clock;
  m_state->metrics = &metrics;
  m_state->options = std::move(options);
}

ApiService::~ApiService() { stop(); }

Result<std::string> ApiService::start() {
  const auto address = parse_listen(m_config->api.listen);
  if (!address) return make_error(Errc::config, "api.listen \"" + m_config->api.listen + "\" is not an address");
  m_state->loopback = is_loopback(*address);
  ServerOptions options;
  options.address = *address;
  options.max_connections = m_config->api.max_connections;
  if (!std::exchange(m_routed, true)) m_state->add_routes();
  m_server = std::make_unique<HttpServer>(
      options, [state = m_state.get()](const Request& request) { return state->router.dispatch(request); });
  auto bound = m_server->start();
  if (!bound) return bound;
  m_base_url = m_config->api.base_url.empty()
                   ? (address->unix_socket ? std::string("http://localhost") : "http://" + *bound)
                   : m_config->api.base_url;
  m_state->base_url = m_base_url;
  // For `redline status` (monitor/status_report.hpp); `redline serve` leaves the daemon's note alone.
  if (!m_state->options.read_only) {
    const auto note = api_address_file(*m_config);
    std::error_code ec;
    std::filesystem::create_directories(note.parent_path(), ec);  // on PostgreSQL nothing else may create it
    std::ofstream(note) << (address->unix_socket ? *bound : "http://" + *bound) << "\n";
  }
  return bound;
}

Response ApiService::handle(const Request& request) {
  if (!std::exchange(m_routed, true)) m_state->add_routes();
  if (m_state->base_url.empty())
    m_state->base_url = m_config->api.base_url.empty() ? "http://localhost" : m_config->api.base_url;
  return m_state->router.dispatch(request);
}

void ApiService::stop() {
  if (!m_server) return;
  m_server->stop();
  m_server.reset();
  std::error_code ec;
  if (!m_state->options.read_only) std::filesystem::remove(api_address_file(*m_config), ec);
}

}  // namespace redline::api
