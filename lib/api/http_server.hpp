// HttpServer: a small hardened HTTP/1.1 server (Boost.Beast) on its own thread and io_context.
//
// Every request is read whole (headers at most `header_limit` bytes, else 431; body at most
// `body_limit`, else 413) within `read_timeout`, counted from the first byte the server waits for:
// a client that trickles its request (slowloris) only holds its own connection, which is closed when
// the time is up, and never delays others (everything is asynchronous). Keep-alive connections idle
// for `idle_timeout` are closed; at most `max_connections` are open at once (more are closed at
// accept). Every response carries X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer.
//
// The handler runs on the server's thread, one request at a time; it must not throw (an exception
// becomes a 500 problem). TCP (IPv4/IPv6) or a Unix socket (the file is replaced at start and
// removed at stop).
//
// Thread safety: start() and stop() from one thread; the handler is called on the server's thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "api/http_types.hpp"
#include "config/api_config.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace redline::api {

struct ServerOptions {
  ListenAddress address;
  int max_connections = 1024;
  size_t header_limit = 8 * 1024;
  size_t body_limit = 64 * 1024;
  Duration read_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::seconds(30);
  Duration write_timeout = std::chrono::seconds(30);
};

class HttpServer {
 public:
  using Handler = std::function<Response(const Request&)>;
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; the bound address ("127.0.0.1:43121", "[::1]:8421", "unix:/run/x.sock"),
  // or Errc::unavailable when it cannot bind.
  Result<std::string> start();
  // Closes the listener and every connection and joins the thread. Idempotent.
  void stop();

  int open_connections() const { return m_open.load(); }

  struct Impl;

 private:
  std::atomic<int> m_open{0};  // before m_impl: sessions destroyed with it count down
  std::unique_ptr<Impl> m_impl;
  std::thread m_thread;
};

}  // namespace redline::api
