#include "support/local_http_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <zlib.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <stdexcept>

#include "support/self_signed_certificate.hpp"

namespace redline::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t k_block = 64u << 10;  // streamed bodies go out in blocks of this size
constexpr size_t k_max_request_body = 64u << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Streams `total` bytes produced by `fill` through deflate with a gzip wrapper.
std::string gzip_stream(size_t total, const std::function<std::string_view(size_t offset, size_t n)>& fill) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out;
  std::string chunk(k_block, '\0');
  size_t offset = 0;
  int flush = Z_NO_FLUSH;
  do {
    std::string_view in;
    if (offset < total) {
      in = fill(offset, std::min(k_block, total - offset));
      offset += in.size();
    }
    flush = offset >= total ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(chunk.data());
      z.avail_out = static_cast<uInt>(chunk.size());
      deflate(&z, flush);
      out.append(chunk.data(), chunk.size() - z.avail_out);
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  return out;
}

const std::string& zeros_block() {
  static const std::string block(k_block, '\0');
  return block;
}

const std::string& filler_block() {
  static const std::string block = [] {
    std::string b;
    while (b.size() < k_block) b += "<p>All work and no play makes Jack a dull boy.</p>\n";
    b.resize(k_block);
    return b;
  }();
  return block;
}

}  // namespace

std::string gzip_compress(std::string_view data) {
  return gzip_stream(data.size(), [data](size_t offset, size_t n) { return data.substr(offset, n); });
}

std::string ServerRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

// ---- ServerResponse factories ----

ServerResponse ServerResponse::text(int status, std::string body, std::string content_type) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  return r;
}
ServerResponse ServerResponse::html(std::string body, int status) {
  return text(status, std::move(body), "text/html; charset=utf-8");
}
ServerResponse ServerResponse::json(std::string body, int status) {
  return text(status, std::move(body), "application/json");
}
ServerResponse ServerResponse::redirect(std::string location, int status) {
  ServerResponse r = text(status, "redirecting\n");
  r.headers.emplace_back("Location", std::move(location));
  return r;
}
ServerResponse ServerResponse::reset() {
  ServerResponse r;
  r.mode = Mode::reset;
  return r;
}
ServerResponse ServerResponse::trickle(std::string body, size_t bytes_per_second, std::string content_type) {
  ServerResponse r = text(200, std::move(body), std::move(content_type));
  r.mode = Mode::trickle;
  r.bytes_per_second = std::max<size_t>(bytes_per_second, 1);
  return r;
}
ServerResponse ServerResponse::endless_chunked(std::string content_type) {
  ServerResponse r = text(200, {}, std::move(content_type));
  r.mode = Mode::endless_chunked;
  return r;
}
ServerResponse ServerResponse::huge(size_t bytes, bool send_content_length, std::string content_type) {
  ServerResponse r = text(200, {}, std::move(content_type));
  r.mode = Mode::huge;
  r.huge_bytes = bytes;
  r.send_content_length = send_content_length;
  return r;
}
ServerResponse ServerResponse::gzip_bomb(size_t decoded_bytes) {
  static std::mutex cache_mutex;
  static std::map<size_t, std::string> cache;  // compressing 100s of MB takes a moment; do it once
  std::string body;
  {
    std::lock_guard lock(cache_mutex);
    auto it = cache.find(decoded_bytes);
    if (it == cache.end())
      it = cache
               .emplace(decoded_bytes,
                        gzip_stream(decoded_bytes,
                                    [](size_t, size_t n) { return std::string_view(zeros_block()).substr(0, n); }))
               .first;
    body = it->second;
  }
  ServerResponse r = text(200, std::move(body), "text/html");
  r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}
ServerResponse ServerResponse::gzipped(std::string body, std::string content_type) {
  ServerResponse r = text(200, gzip_compress(body), std::move(content_type));
  r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}
ServerResponse& ServerResponse::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}
ServerResponse& ServerResponse::with_delay(Duration d) {
  delay = d;
  return *this;
}

// ---- Session: one accepted connection ----

class LocalHttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(LocalHttpServer& server, tcp::socket socket)
      : m_server(server), m_socket(std::move(socket)), m_timer(m_socket.get_executor()) {
    m_server.connection_opened();
  }
  ~Session() {
    if (m_responding) m_server.request_finished();
    m_server.connection_closed();
  }

  // Starts the session: the TLS handshake if `tls`, then the first read.
  void start(asio::ssl::context* tls) {
    if (tls == nullptr) return read();
    m_tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(m_socket, *tls);
    m_tls->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->close();
      self->read();
    });
  }

  void read() {
    m_parser.emplace();
    m_parser->body_limit(k_max_request_body);
    auto on_read = [self = shared_from_this()](boost::system::error_code ec, size_t) { self->on_read(ec); };
    if (m_tls)
      http::async_read(*m_tls, m_buffer, *m_parser, std::move(on_read));
    else
      http::async_read(m_socket, m_buffer, *m_parser, std::move(on_read));
  }

 private:
  void on_read(boost::system::error_code ec) {
    if (ec) return close();  // end of stream, reset, malformed request: just drop the connection
    auto message = m_parser->release();
    ServerRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    size_t q = request.target.find('?');
    request.path = request.target.substr(0, q);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);
    for (const auto& field : message)
      request.headers.emplace_back(lower(std::string(field.name_string())), std::string(field.value()));
    request.body = std::move(message.body());
    m_keep_alive = message.keep_alive();
    m_head_only = request.method == "HEAD";

    request.arrived = std::chrono::steady_clock::now();
    tcp_info info{};
    socklen_t size = sizeof info;
    if (getsockopt(m_socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) == 0)
      request.arrived -= std::chrono::milliseconds(info.tcpi_last_data_recv);
    m_server.request_started(request);
    m_responding = true;
    try {
      m_response = m_server.handler_for(request.path)(request);
    } catch (const std::exception& e) {
      m_response = ServerResponse::text(500, std::string("handler threw: ") + e.what() + "\n");
    } catch (...) {
      m_response = ServerResponse::text(500, "handler threw\n");
    }
    if (m_response.delay.count() > 0) {
      m_timer.expires_after(m_response.delay);
      m_timer.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
        if (!wait_ec) self->respond();
      });
    } else {
      respond();
    }
  }

  std::string head(std::string_view framing, bool keep_alive) const {
    std::string h = "HTTP/1.1 " + std::to_string(m_response.status) + " " +
                    std::string(http::obsolete_reason(static_cast<http::status>(m_response.status))) + "\r\n";
    for (const auto& [k, v] : m_response.headers) h += k + ": " + v + "\r\n";
    h += std::string(framing) + "\r\n";
    h += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    return h;
  }

  void respond() {
    using Mode = ServerResponse::Mode;
    const ServerResponse& r = m_response;
    switch (r.mode) {
      case Mode::reset: {
        boost::system::error_code ec;
        m_socket.set_option(asio::socket_base::linger(true, 0), ec);  // close() then sends RST
        m_socket.close(ec);
        finish_request();
        return;
      }
      case Mode::fixed:
        m_out = head("Content-Length: " + std::to_string(r.body.size()), m_keep_alive);
        if (!m_head_only) m_out += r.body;
        return write(m_out, [this] { finish_request(m_keep_alive); });
      case Mode::trickle:
        m_out = head("Content-Length: " + std::to_string(r.body.size()), false);
        m_sent = 0;
        return write(m_out, [this] { trickle(); });
      case Mode::endless_chunked:
        m_out = head("Transfer-Encoding: chunked", false);
        return write(m_out, [this] { stream_chunked_forever(); });
      case Mode::huge:
        m_out = head(r.send_content_length ? "Content-Length: " + std::to_string(r.huge_bytes)
                                           : std::string("Transfer-Encoding: chunked"),
                     false);
        m_sent = 0;
        return write(m_out, [this] { stream_huge(); });
    }
  }

  // Writes `data` (which must stay alive: a member), then runs `next` unless the write failed.
  template <typename Next>
  void write(const std::string& data, Next next) {
    auto done = [self = shared_from_this(), next](boost::system::error_code ec, size_t) {
      if (ec) return self->close();
      next();
    };
    if (m_tls)
      asio::async_write(*m_tls, asio::buffer(data), std::move(done));
    else
      asio::async_write(m_socket, asio::buffer(data), std::move(done));
  }

  void trickle() {
    const size_t bps = m_response.bytes_per_second;
    const size_t per_tick = std::max<size_t>(bps / 10, 1);
    const auto tick = std::chrono::milliseconds(bps >= 10 ? 100 : 1000 / static_cast<long>(bps));
    if (m_sent >= m_response.body.size()) return finish_request();
    m_timer.expires_after(tick);
    m_timer.async_wait([self = shared_from_this(), per_tick](boost::system::error_code ec) {
      if (ec) return;
      size_t n = std::min(per_tick, self->m_response.body.size() - self->m_sent);
      self->m_out = self->m_response.body.substr(self->m_sent, n);
      self->m_sent += n;
      self->write(self->m_out, [s = self.get()] { s->trickle(); });
    });
  }

  void stream_chunked_forever() {
    if (!m_chunk_ready) {
      char size_line[16];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", k_block);
      m_out = size_line + filler_block() + "\r\n";
      m_chunk_ready = true;
    }
    write(m_out, [this] { stream_chunked_forever(); });  // ends when the client hangs up
  }

  void stream_huge() {
    const bool chunked = !m_response.send_content_length;
    if (m_sent >= m_response.huge_bytes) {
      if (!chunked) return finish_request();
      m_out = "0\r\n\r\n";
      return write(m_out, [this] { finish_request(); });
    }
    size_t n = std::min(k_block, m_response.huge_bytes - m_sent);
    m_sent += n;
    m_out.assign(filler_block(), 0, n);
    if (chunked) {
      char size_line[24];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
      m_out = size_line + m_out + "\r\n";
    }
    write(m_out, [this] { stream_huge(); });
  }

  // The response is complete: count it, then read the next request or close.
  void finish_request(bool keep_reading = false) {
    if (m_responding) {
      m_responding = false;
      m_server.request_finished();
    }
    if (keep_reading && m_socket.is_open()) return read();
    close();
  }

  void close() {
    boost::system::error_code ec;
    m_socket.shutdown(tcp::socket::shutdown_send, ec);
    m_socket.close(ec);
    m_timer.cancel();
  }

  LocalHttpServer& m_server;
  tcp::socket m_socket;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> m_tls;  // over m_socket, when serving HTTPS
  asio::steady_timer m_timer;
  boost::beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  ServerResponse m_response;
  std::string m_out;
  size_t m_sent = 0;
  bool m_keep_alive = false;
  bool m_head_only = false;
  bool m_responding = false;
  bool m_chunk_ready = false;  // m_out holds the endless body's chunk
};

// ---- LocalHttpServer ----

struct LocalHttpServer::Listener {
  explicit Listener(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
};

LocalHttpServer::LocalHttpServer() {
  m_fallback = [](const ServerRequest& r) { return ServerResponse::text(404, "not found: " + r.path + "\n"); };
}

LocalHttpServer::~LocalHttpServer() { stop(); }

void LocalHttpServer::route(std::string path, Handler handler) {
  std::lock_guard lock(m_mutex);
  m_routes[std::move(path)] = std::move(handler);
}

void LocalHttpServer::route_prefix(std::string prefix, Handler handler) {
  std::lock_guard lock(m_mutex);
  m_prefix_routes[std::move(prefix)] = std::move(handler);
}

void LocalHttpServer::set_fallback(Handler handler) {
  std::lock_guard lock(m_mutex);
  m_fallback = std::move(handler);
}

LocalHttpServer::Handler LocalHttpServer::handler_for(const std::string& path) const {
  std::lock_guard lock(m_mutex);
  if (auto it = m_routes.find(path); it != m_routes.end()) return it->second;
  const Handler* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, handler] : m_prefix_routes) {
    if (path.rfind(prefix, 0) == 0 && prefix.size() >= best_length) {
      best = &handler;
      best_length = prefix.size();
    }
  }
  return best != nullptr ? *best : m_fallback;
}

void LocalHttpServer::start(uint16_t port) {
  if (m_io) throw std::logic_error("LocalHttpServer::start() called twice");
  m_io = std::make_unique<asio::io_context>(1);
  m_listener = std::make_unique<Listener>(*m_io);
  if (!m_cert_pem.empty()) {
    auto& tls = m_listener->tls.emplace(asio::ssl::context::tls_server);
    tls.use_certificate_chain(asio::buffer(m_cert_pem));
    tls.use_private_key(asio::buffer(m_key_pem), asio::ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  boost::system::error_code ec;
  auto& acceptor = m_listener->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    m_listener.reset();
    m_io.reset();
    throw std::runtime_error("LocalHttpServer: cannot listen on 127.0.0.1: " + ec.message());
  }
  m_port = acceptor.local_endpoint().port();
  do_accept();
  m_thread = std::thread([io = m_io.get()] { io->run(); });
}

void LocalHttpServer::do_accept() {
  m_listener->acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !m_listener->acceptor.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      auto* tls = m_listener->tls ? &*m_listener->tls : nullptr;
      std::make_shared<Session>(*this, std::move(socket))->start(tls);
    }
    do_accept();
  });
}

void LocalHttpServer::stop() {
  if (!m_io) return;
  m_io->stop();
  if (m_thread.joinable()) m_thread.join();
  m_listener.reset();
  m_io.reset();  // destroys pending handlers, hence every session and its socket
}

void LocalHttpServer::use_tls() {
  if (m_io) throw std::logic_error("LocalHttpServer::use_tls() must come before start()");
  auto cert = make_self_signed_certificate();
  m_cert_pem = std::move(cert.cert_pem);
  m_key_pem = std::move(cert.key_pem);
}

std::string LocalHttpServer::certificate_pem() const { return m_cert_pem; }

uint16_t LocalHttpServer::port() const { return m_port; }

std::string LocalHttpServer::url(std::string_view path) const {
  return (m_cert_pem.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(m_port) + std::string(path);
}

void LocalHttpServer::request_started(const ServerRequest& request) {
  std::lock_guard lock(m_mutex);
  m_requests.push_back(request);
  ++m_per_path[request.path];
  m_max_in_flight = std::max(m_max_in_flight, ++m_in_flight);
  m_changed.notify_all();
}

void LocalHttpServer::request_finished() {
  std::lock_guard lock(m_mutex);
  if (m_in_flight > 0) --m_in_flight;
}

void LocalHttpServer::connection_opened() {
  std::lock_guard lock(m_mutex);
  ++m_connections;
  m_max_open_connections = std::max(m_max_open_connections, ++m_open_connections);
}

void LocalHttpServer::connection_closed() {
  std::lock_guard lock(m_mutex);
  if (m_open_connections > 0) --m_open_connections;
}

size_t LocalHttpServer::request_count() const {
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

size_t LocalHttpServer::request_count(const std::string& path) const {
  std::lock_guard lock(m_mutex);
  auto it = m_per_path.find(path);
  return it == m_per_path.end() ? 0 : it->second;
}

size_t LocalHttpServer::in_flight() const {
  std::lock_guard lock(m_mutex);
  return m_in_flight;
}

size_t LocalHttpServer::max_in_flight() const {
  std::lock_guard lock(m_mutex);
  return m_max_in_flight;
}

size_t LocalHttpServer::connection_count() const {
  std::lock_guard lock(m_mutex);
  return m_connections;
}

size_t LocalHttpServer::max_open_connections() const {
  std::lock_guard lock(m_mutex);
  return m_max_open_connections;
}

std::vector<ServerRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

void LocalHttpServer::reset_counts() {
  std::lock_guard lock(m_mutex);
  m_requests.clear();
  m_per_path.clear();
  m_max_in_flight = m_in_flight;
  m_connections = 0;
  m_max_open_connections = m_open_connections;
}

bool LocalHttpServer::wait_for_requests(size_t n, Duration timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [&] { return m_requests.size() >= n; });
}

}  // namespace redline::testing
