// CurlClient: the production HttpClient — libcurl's multi-socket API driven by a boost::asio::io_context.
//
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when its next timeout is due
// (CURLMOPT_TIMERFUNCTION); we watch them with asio descriptors and a steady_timer and hand readiness
// back with curl_multi_socket_action(). There is no thread per request and no blocking call: every
// transfer progresses on the io_context's thread(s). Connections are reused through the multi
// handle's connection cache, DNS answers are cached, HTTP/2 is used where a TLS server offers it, and
// gzip/deflate (and whatever else curl decodes) responses are decoded.
//
// Politeness (OriginGate, options.politeness): requests are admitted per origin under an in-flight
// limit and a rate limit, and held while the origin is briefly blocked by Retry-After or backoff; a
// longer block completes the request at once with FetchError::deferred and retry_at (see
// http_client.hpp). Waiting requests cost no easy handle; a timer wakes them, there is no polling.
//
// Limits (see HttpRequest): max_body on decoded bytes aborts the transfer (too_large), Content-Length
// is checked up front, html_only refuses non-document Content-Types (not_html) before the body is read,
// timeouts (connect, total, low-speed) and max_redirects. See docs/http.md.
//
// Callbacks: each `done` runs exactly once, on the io_context thread, never inside fetch(). When the
// client is destroyed or cancel_all() is called, in-flight and queued requests complete with
// FetchError::other ("cancelled"); those callbacks are posted to the io_context, so they run the
// next time it runs (restart() it first if it was stopped).
//
// Thread safety: fetch() may be called from any thread. cancel_all(), in_flight() and the destructor
// must be called on the io_context's thread, or while the io_context is not running. Use the io_context
// from one thread (the daemon's model); the client does not use a strand.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "http/origin_gate.hpp"

namespace redline {

struct CurlClientOptions {
  std::string user_agent = "redline/" REDLINE_VERSION " (+https://github.com/redline)";
  long max_connections = 64;  // open connections in total (CURLMOPT_MAX_TOTAL_CONNECTIONS); 0 = no limit
  // Connections kept for reuse (CURLMOPT_MAXCONNECTS), raised to the connections that can be open at
  // once (the smaller of max_connections and max_active_transfers) so none is closed while in demand.
  long max_cached_connections = 32;
  // Transfers handed to curl at once; further fetch()es wait, in order, in a plain queue. 0 = no limit.
  size_t max_active_transfers = 256;
  // Per origin: requests in flight (default 4), rate (default unlimited), Retry-After, backoff, overrides.
  OriginGateOptions politeness;
  bool http2 = true;  // negotiate HTTP/2 over TLS (ALPN) where offered; cleartext stays HTTP/1.1
  Duration dns_cache_timeout = std::chrono::minutes(5);
  bool verify_tls = true;  // verify peer certificate and host name
  std::string ca_file;     // PEM bundle to trust instead of the system's; "" = system default
};

// Counters since construction, for logs and /metrics.
struct CurlClientStats {
  uint64_t started = 0;                                // handed to curl
  uint64_t responses = 0;                              // completed with an HTTP response (any status)
  std::array<uint64_t, k_fetch_error_count> errors{};  // by FetchError (cancelled counts as other)
  uint64_t body_bytes = 0;                             // decoded body bytes delivered
};

class CurlClient final : public HttpClient {
 public:
  explicit CurlClient(boost::asio::io_context& io, CurlClientOptions options = {});  // the system clock
  // `clock` (the politeness bookkeeping's notion of now) must outlive the client.
  CurlClient(boost::asio::io_context& io, CurlClientOptions options, const Clock& clock);
  ~CurlClient() override;
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  void fetch(HttpRequest request, Callback done) override;

  // Aborts every queued and in-flight request; each callback runs once with FetchError::other.
  void cancel_all();
  // Requests handed to curl and not yet finished (on the io_context thread only).
  size_t in_flight() const;
  // Requests accepted by fetch() and not handed to curl yet: waiting for a slot or their origin (any thread).
  size_t queued() const;
  CurlClientStats stats() const;  // any thread
  // Origins blocked now by Retry-After or backoff (on the io_context thread only).
  size_t origins_backing_off() const;

  class Impl;

 private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace redline
