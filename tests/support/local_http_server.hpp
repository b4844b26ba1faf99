// LocalHttpServer: a real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests, built on Boost.Beast.
//
//   LocalHttpServer server;
//   server.route("/a", [](const ServerRequest&) { return ServerResponse::html("<p>hi</p>"); });
//   server.route_prefix("/slow/", [](const ServerRequest&) { return ServerResponse::trickle("...", 10); });
//   server.start();
//   client.fetch({.url = server.url("/a")}, ...);
//   server.stop();  // also done by the destructor
//
// Routing: exact path (query string ignored) first, then the longest matching prefix route, then
// the fallback (404 "not found" unless set_fallback()). A handler returns a ServerResponse: a plain
// status/headers/body, or a misbehaviour (delay, trickle, endless chunked body, huge streamed body,
// gzip bomb, connection reset, redirect). Huge and endless bodies are streamed in 64 KiB blocks and
// never built in memory. A handler that throws produces a 500.
//
// Counters: total requests, requests per path, requests in flight (read but not completely answered)
// and the maximum of that seen at once, connections accepted and the maximum open at once. Every request
// (method, target, headers, body) is recorded.
//
// Thread safety: every member may be called from any thread. The server runs its own io_context on one
// background thread; handlers run there, one at a time, so they must not block (use `delay`).
// Routes may be added or replaced while the server runs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/http_client.hpp"

namespace redline::testing {

struct ServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/path?query"
  std::string path;    // target without the query
  std::string query;   // after '?', or ""
  Headers headers;     // names lower-case
  std::string body;
  // When the request's last bytes reached this machine's TCP stack (TCP_INFO's last_data_recv, in
  // the kernel's ticks), not when the server thread got to them: a busy server thread does not move it.
  std::chrono::steady_clock::time_point arrived;

  std::string header(std::string_view name) const;  // first header with this lower-case name, or ""
};

struct ServerResponse {
  enum class Mode {
    fixed,            // status, headers, body
    trickle,          // headers now, then `body` at bytes_per_second
    endless_chunked,  // chunked body that never ends (until the client gives up)
    huge,             // huge_bytes of filler, streamed
    reset,            // close the connection without answering (TCP RST)
  };

  int status = 200;
  Headers headers;  // sent as given; Content-Length / Transfer-Encoding are added by the server
  std::string body;
  Duration delay{0};  // wait this long before answering (any mode)
  Mode mode = Mode::fixed;
  size_t bytes_per_second = 0;      // trickle
  size_t huge_bytes = 0;            // huge
  bool send_content_length = true;  // huge: false streams it chunked instead

  static ServerResponse text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static ServerResponse html(std::string body, int status = 200);
  static ServerResponse json(std::string body, int status = 200);
  static ServerResponse redirect(std::string location, int status = 302);
  static ServerResponse reset();
  static ServerResponse trickle(std::string body, size_t bytes_per_second, std::string content_type = "text/html");
  static ServerResponse endless_chunked(std::string content_type = "text/html");
  static ServerResponse huge(size_t bytes, bool send_content_length = true, std::string content_type = "text/html");
  // A small gzip body with Content-Encoding: gzip that decodes to `decoded_bytes` of zeros.
  static ServerResponse gzip_bomb(size_t decoded_bytes);
  // `body` gzip-compressed, with Content-Encoding: gzip.
  static ServerResponse gzipped(std::string body, std::string content_type = "text/html");

  ServerResponse& with_header(std::string name, std::string value);
  ServerResponse& with_delay(Duration d);
};

// gzip (RFC 1952) compression of `data` (zlib, best compression).
std::string gzip_compress(std::string_view data);

class LocalHttpServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;

  LocalHttpServer();
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  void route(std::string path, Handler handler);           // exact path
  void route_prefix(std::string prefix, Handler handler);  // path starts with prefix
  void set_fallback(Handler handler);

  // Before start(): serve HTTPS (HTTP/1.1 over TLS, no ALPN) with a fresh self-signed certificate for
  // 127.0.0.1 / localhost; url() then says https. Clients trust it through certificate_pem().
  void use_tls();
  std::string certificate_pem() const;  // "" unless use_tls()

  // Binds 127.0.0.1:<port> (0: an ephemeral one) and starts serving; throws std::runtime_error if it
  // cannot bind. After stop(), start(port()) brings a server back on the same port.
  void start(uint16_t port = 0);
  // Closes the listener and every connection, joins the thread. Idempotent.
  void stop();

  uint16_t port() const;
  std::string url(std::string_view path = "/") const;  // "http(s)://127.0.0.1:<port><path>"

  size_t request_count() const;
  size_t request_count(const std::string& path) const;
  size_t in_flight() const;
  size_t max_in_flight() const;
  size_t connection_count() const;  // accepted since start (or reset_counts)
  size_t max_open_connections() const;
  std::vector<ServerRequest> requests() const;
  void reset_counts();  // counters and request log
  // Blocks until at least `n` requests arrived in total; false on timeout.
  bool wait_for_requests(size_t n, Duration timeout) const;

  class Session;

 private:
  friend class Session;
  Handler handler_for(const std::string& path) const;
  void request_started(const ServerRequest& request);
  void request_finished();
  void connection_opened();
  void connection_closed();
  void do_accept();

  std::unique_ptr<boost::asio::io_context> m_io;
  struct Listener;
  std::unique_ptr<Listener> m_listener;
  std::thread m_thread;
  uint16_t m_port = 0;
  std::string m_cert_pem;  // set by use_tls()
  std::string m_key_pem;

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  std::map<std::string, Handler> m_routes;
  std::map<std::string, Handler> m_prefix_routes;
  Handler m_fallback;
  std::vector<ServerRequest> m_requests;
  std::map<std::string, size_t> m_per_path;
  size_t m_in_flight = 0;
  size_t m_max_in_flight = 0;
  size_t m_connections = 0;
  size_t m_open_connections = 0;
  size_t m_max_open_connections = 0;
};

}  // namespace redline::testing
