#include "api/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <optional>

#include "api/problem.hpp"

namespace redline::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;

struct HttpServer::Impl {
  ServerOptions options;
  Handler handler;
  std::atomic<int>* open = nullptr;
  net::io_context io{1};
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;

  void accept_tcp();
  void accept_unix();
  template <typename Socket>
  void on_accept(Socket socket);
};

namespace {

// One connection: read a request, answer it, repeat while keep-alive.
template <typename Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  Session(typename Protocol::socket socket, HttpServer::Impl& server) : m_stream(std::move(socket)), m_server(server) {
    ++*m_server.open;
  }
  ~Session() { --*m_server.open; }

  void run() { do_read(); }

 private:
  void do_read() {
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(m_server.options.header_limit));
    m_parser->body_limit(m_server.options.body_limit);
    m_stream.expires_after(m_requests == 0 ? m_server.options.read_timeout : m_server.options.idle_timeout);
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
      return close();
    if (ec == http::error::header_limit) return answer(problem(431, "the request's header is larger than 8 KB"), false);
    if (ec == http::error::body_limit) return answer(problem(413, "the request body is larger than 64 KB"), false);
    if (ec) return answer(problem(400, "the request is not valid HTTP/1.1: " + ec.message()), false);
    ++m_requests;
    auto& req = m_parser->get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(req.body());
    const bool head = req.method() == http::verb::head;
    if (head) request.method = "GET";
    Response response;
    try {
      response = m_server.handler(request);
    } catch (const std::exception& e) {
      spdlog::error("api: {} {}: {}", request.method, request.target.substr(0, 200), e.what());
      response = problem(500, "the server failed to answer this request; the log says why");
    }
    if (head) m_head = true;
    answer(std::move(response), req.keep_alive());
  }

  void answer(Response response, bool keep_alive) {
    m_response = {};
    m_response.version(11);
    m_response.result(static_cast<unsigned>(response.status));
    m_response.set(http::field::server, "redline");
    m_response.set("X-Content-Type-Options", "nosniff");
    m_response.set("Referrer-Policy", "no-referrer");
    if (response.status != 304 && response.status != 204)
      m_response.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) m_response.set(name, value);
    const size_t length = response.body.size();
    if (response.status != 304 && response.status != 204) m_response.body() = std::move(response.body);
    m_response.keep_alive(keep_alive);
    m_response.prepare_payload();
    if (m_head) {
      m_response.content_length(length);
      m_response.body().clear();
      m_head = false;
    }
    m_stream.expires_after(m_server.options.write_timeout);
    http::async_write(m_stream, m_response,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->do_read();
                      });
  }

  void close() {
    beast::error_code ignored;
    m_stream.socket().shutdown(net::socket_base::shutdown_send, ignored);
    m_stream.close();
  }

  beast::basic_stream<Protocol> m_stream;
  HttpServer::Impl& m_server;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  http::response<http::string_body> m_response;
  size_t m_requests = 0;
  bool m_head = false;
};

}  // namespace

template <typename Socket>
void HttpServer::Impl::on_accept(Socket socket) {
  if (open->load() >= options.max_connections) {
    beast::error_code ignored;
    socket.close(ignored);  // over the limit: the client retries later
    return;
  }
  using Protocol = typename Socket::protocol_type;
  std::make_shared<Session<Protocol>>(std::move(socket), *this)->run();
}

void HttpServer::Impl::accept_tcp() {
  tcp_acceptor->async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !tcp_acceptor->is_open()) return;
    if (!ec) on_accept(std::move(socket));
    accept_tcp();
  });
}

void HttpServer::Impl::accept_unix() {
  unix_acceptor->async_accept(net::make_strand(io), [this](beast::error_code ec, unix_socket::socket socket) {
    if (ec == net::error::operation_aborted || !unix_acceptor->is_open()) return;
    if (!ec) on_accept(std::move(socket));
    accept_unix();
  });
}

HttpServer::HttpServer(ServerOptions options, Handler handler) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = std::move(options);
  m_impl->handler = std::move(handler);
  m_impl->open = &m_open;
}

HttpServer::~HttpServer() { stop(); }

Result<std::string> HttpServer::start() {
  Impl& impl = *m_impl;
  const ListenAddress& address = impl.options.address;
  std::string bound;
  beast::error_code ec;
  if (address.unix_socket) {
    std::error_code fs_ec;
    std::filesystem::remove(address.path, fs_ec);
    impl.unix_acceptor.emplace(impl.io);
    const unix_socket::endpoint endpoint(address.path);
    impl.unix_acceptor->open(endpoint.protocol(), ec);
    if (!ec) impl.unix_acceptor->bind(endpoint, ec);
    if (!ec) impl.unix_acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return make_error(Errc::unavailable, "cannot listen on unix:" + address.path + ": " + ec.message());
    bound = "unix:" + address.path;
    impl.accept_unix();
  } else {
    tcp::resolver resolver(impl.io);
    auto results = resolver.resolve(address.host, std::to_string(address.port),
                                    tcp::resolver::numeric_service | tcp::resolver::passive, ec);
    if (ec || results.empty())
      return make_error(Errc::unavailable, "cannot resolve " + address.host + ": " + ec.message());
    const tcp::endpoint endpoint = results.begin()->endpoint();
    impl.tcp_acceptor.emplace(impl.io);
    impl.tcp_acceptor->open(endpoint.protocol(), ec);
    if (!ec) impl.tcp_acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) impl.tcp_acceptor->bind(endpoint, ec);
    if (!ec) impl.tcp_acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return make_error(Errc::unavailable,
                        "cannot listen on " + address.host + ":" + std::to_string(address.port) + ": " + ec.message());
    const auto local = impl.tcp_acceptor->local_endpoint();
    const std::string host = local.address().to_string();
    bound = (local.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(local.port());
    impl.accept_tcp();
  }
  m_thread = std::thread([&impl] { impl.io.run(); });
  return bound;
}

void HttpServer::stop() {
  if (!m_thread.joinable()) return;
  net::post(m_impl->io, [impl = m_impl.get()] {
    beast::error_code ignored;
    if (impl->tcp_acceptor) impl->tcp_acceptor->close(ignored);
    if (impl->unix_acceptor) impl->unix_acceptor->close(ignored);
    impl->io.stop();
  });
  m_thread.join();
  if (m_impl->options.address.unix_socket) {
    std::error_code ec;
    std::filesystem::remove(m_impl->options.address.path, ec);
  }
}

}  // namespace redline::api
