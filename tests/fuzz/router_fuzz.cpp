// libFuzzer target: the API's request router and query-string parsing (lib/api/router.cpp), on their
// own (builds in seconds; api_fuzz drives the same through every real handler). The route table is the
// API's. Checks: every answer is 200 (a route), 400, 404 or 405 (with Allow); a route's handler sees
// only its own method, decoded parameters that are never "." or ".." and hold no NUL, and the suffix of
// "{host}.atom" stripped; error bodies are problem+json that parses; parse_query keeps at most 64
// parameters; percent_encode/percent_decode round-trip.
//
// Input: METHOD \0 TARGET (without a NUL: a GET of the whole input).
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "api/router.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace redline;

const char* const k_routes[][2] = {
    {"GET", "/healthz"},
    {"GET", "/readyz"},
    {"GET", "/metrics"},
    {"GET", "/api/v1/status"},
    {"GET", "/api/v1/articles"},
    {"GET", "/api/v1/articles/{key}"},
    {"GET", "/api/v1/articles/{key}/versions/{n}"},
    {"GET", "/api/v1/articles/{key}/diff"},
    {"GET", "/api/v1/changes"},
    {"GET", "/api/v1/watches"},
    {"POST", "/api/v1/watches"},
    {"DELETE", "/api/v1/watches"},
    {"GET", "/api/v1/outbox"},
    {"POST", "/api/v1/outbox/{id}/retry"},
    {"DELETE", "/api/v1/outbox/{id}"},
    {"GET", "/feed.atom"},
    {"GET", "/sites/{host}.atom"},
    {"GET", "/feeds/{name}.atom"},
    {"GET", "/articles/{key}.atom"},
};

const api::Router& router() {
  static const api::Router r = [] {
    api::Router out;
    for (const auto& [method, pattern] : k_routes)
      out.add(method, pattern, [m = std::string(method)](const api::RouteRequest& request) {
        if (request.request.method != m) std::abort();
        for (const auto& [name, value] : request.params) {
          if (value == "." || value == ".." || value.find('\0') != std::string::npos) std::abort();
          if (value.empty() && name != "key" && name != "id" && name != "n") std::abort();
        }
        if (request.query.size() > 64) std::abort();
        api::Response response;
        response.body = "{}";
        return response;
      });
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_text(data, size);
  api::Request request;
  if (in.find('\0') == std::string_view::npos) {
    request.method = "GET";
    request.target = std::string(in);
  } else {
    const auto [method, target] = fuzz::split2(in);
    request.method = std::string(method);
    request.target = std::string(target);
  }
  const api::Response response = router().dispatch(request);
  if (response.status != 200 && response.status != 400 && response.status != 404 && response.status != 405)
    std::abort();
  if (response.status == 405) {
    bool allow = false;
    for (const auto& [name, value] : response.headers) allow = allow || (name == "Allow" && !value.empty());
    if (!allow) std::abort();
  }
  if (!nlohmann::json::accept(response.body)) std::abort();

  const size_t q = request.target.find('?');
  if (auto query = api::parse_query(q == std::string::npos ? std::string_view()
                                                           : std::string_view(request.target).substr(q + 1)))
    if (query->size() > 64) std::abort();
  if (auto decoded = api::percent_decode(in, false)) {
    const std::string encoded = redline::percent_encode(*decoded);
    if (encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%") !=
        std::string::npos)
      std::abort();
    if (api::percent_decode(encoded, false) != *decoded) std::abort();
  }
  return 0;
}
