// HttpClient: the one door to the network. Asynchronous; the daemon uses CurlClient (libcurl multi
// driven by the Asio io_context), unit tests use scripted replies.
//
// Politeness contract (CurlClient; see docs/http.md): requests are admitted per origin (scheme, host,
// port) under an in-flight limit, a rate limit, Retry-After and a backoff after failures. A request
// whose origin is blocked for longer than a short threshold is not held: it completes at once with
// FetchError::deferred and `retry_at` = when the origin opens again; the caller should reschedule it
// for then (or later) instead of retrying sooner. Any response after which the origin is blocked
// (a 429/503 with Retry-After, or a failure that started a backoff) also carries `retry_at`.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace redline {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string url;
  std::string method = "GET";  // GET or POST
  Headers headers;             // sent as given
  std::string body;            // for POST
  Duration connect_timeout = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(30);  // whole transfer
  // Abort when fewer than low_speed_limit bytes/s arrive for low_speed_time (curl counts whole seconds;
  // 0 disables).
  Duration low_speed_time = std::chrono::seconds(20);
  long low_speed_limit = 1;
  size_t max_body = 8u << 20;  // decoded bytes; the transfer is aborted past it
  int max_redirects = 10;      // 0: do not follow; a 3xx is returned as the response
  bool html_only = false;      // refuse responses whose Content-Type is not HTML/XHTML/XML/text
  // Several nodes (docs/scale-out.md): when this node took the URL's origin over from another node,
  // which may have started a request there just before. The origin's next start here waits one rate
  // spacing from then, so that the site sees no more than its rate across the hand-over.
  std::optional<Timestamp> origin_taken_at;
};

// Why a fetch failed; `none` when an HTTP response arrived (whatever its status). `deferred`: not
// sent, because its origin is blocked until `retry_at` (Retry-After or backoff).
enum class FetchError { none, dns, connect, tls, timeout, too_large, redirects, not_html, reset, other, deferred };
inline constexpr size_t k_fetch_error_count = 11;
std::string_view to_string(FetchError e);

struct HttpResponse {
  FetchError error = FetchError::none;
  std::string error_message;             // human-readable, empty when error == none
  long status = 0;                       // HTTP status of the final response
  std::string effective_url;             // after redirects
  Headers headers;                       // of the final response; names lower-case
  std::string body;                      // decoded (gzip/deflate undone)
  std::chrono::microseconds elapsed{0};  // from the start of the transfer to its end
  // Set when the request's origin is blocked after this response (always with `deferred`): no request
  // to that origin is sent before this time.
  std::optional<Timestamp> retry_at;

  bool ok() const { return error == FetchError::none && status >= 200 && status < 300; }
  // First header with this (lower-case) name, or "".
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;
  virtual ~HttpClient() = default;
  // Starts a request; `done` runs exactly once, later, on the client's executor thread
  // (never inside fetch() itself).
  virtual void fetch(HttpRequest request, Callback done) = 0;
};

}  // namespace redline
