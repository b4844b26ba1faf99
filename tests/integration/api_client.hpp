// A minimal blocking HTTP/1.1 client for the API tests (Boost.Beast), one connection per request.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

namespace redline::testing {

struct ApiReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// The port of a server that logged "listening on 127.0.0.1:PORT" (redlined, redline serve); 0 if none.
inline uint16_t port_of(const std::string& log) {
  std::smatch m;
  static const std::regex re("listening on 127\\.0\\.0\\.1:([0-9]+)");
  if (!std::regex_search(log, m, re)) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

inline ApiReply api_request(uint16_t port, const std::string& method, const std::string& target,
                            const std::vector<std::pair<std::string, std::string>>& headers = {},
                            const std::string& body = "") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(20));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  if (method == "HEAD") parser.skip(true);
  http::read(stream, buffer, parser);
  ApiReply out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = parser.get().body();
  return out;
}

inline ApiReply api_get(uint16_t port, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return api_request(port, "GET", target, headers);
}

}  // namespace redline::testing
