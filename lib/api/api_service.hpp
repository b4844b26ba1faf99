// ApiService: the review surfaces over HTTP (docs/api.md): the JSON API, Atom feeds of changes and
// /metrics, on an HttpServer of its own (own thread, own io_context, own SQLite connections opened
// on that thread), so a slow query never delays the monitor's timers or fetches.
//
// Access (docs/operations.md): on a loopback address reads are open; a non-loopback one needs a read
// (or write) token (the config refuses it otherwise); writes always need a write token. Tokens come
// as "Authorization: Bearer …", and for feeds also as ?token= (read scope only); they are compared
// in constant time and never logged.
//
// Further pages (the web desk) are further routes on router().
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "api/http_server.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"

namespace redline::api {

struct ApiOptions {
  bool read_only = false;  // `redline serve`: no writes (403), /readyz only needs the store
  // /readyz: the daemon says whether its rounds run; nullptr = ready once the store opens.
  std::function<bool()> rounds_running;
};

class ApiService {
 public:
  ApiService(std::shared_ptr<const Config> config, const Clock& clock, Metrics& metrics, ApiOptions options = {});
  ~ApiService();

  // Binds [api] listen and starts serving; the bound address, or Errc::unavailable.
  Result<std::string> start();
  void stop();
  // Answers one request as the server would, without a socket (the fuzz target, tests). Not while the
  // server runs: the handlers' connections belong to one thread.
  Response handle(const Request& request);
  // "http://127.0.0.1:43121" (or [api] base_url when set).
  const std::string& base_url() const { return m_base_url; }

  struct State;

 private:
  std::shared_ptr<const Config> m_config;
  std::unique_ptr<State> m_state;
  std::unique_ptr<HttpServer> m_server;
  std::string m_base_url;
  bool m_routed = false;  // the routes were added
};

}  // namespace redline::api
