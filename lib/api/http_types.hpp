// The request and response values the API's handlers see: plain data, independent of Beast, so that
// routing and handlers can be tested (and fuzzed) without sockets.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace redline::api {

struct Request {
  std::string method;                                        // "GET", "POST", …
  std::string target;                                        // as sent: "/path?query"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  // The first header with this lower-case name, or "".
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and the security headers

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace redline::api
