// OriginGate: per-origin politeness for the HTTP client — pure bookkeeping with an injected clock.
//
// An origin is scheme://host[:port] (url_origin). For each one the gate keeps:
//   - requests in flight, at most `connections` (0 = unlimited), counted from admit() → go until
//     finished() or cancelled();
//   - a minimum spacing of 1/rate seconds between request starts (rate 0 = unlimited), counted from
//     when each request was really sent (sent()): a request admitted and not sent yet (its thread
//     busy elsewhere, a connection being opened) holds the next one back, so that a stall between
//     admission and sending cannot bring two starts closer than the spacing on the wire;
//   - "blocked until" from a Retry-After (delay-seconds or HTTP-date) on a 429 or 503, cut to
//     retry_after_max;
//   - an exponential backoff after consecutive failures of the origin (dns, connect, tls, timeout,
//     reset, 5xx, 429 without Retry-After): backoff_initial, doubling, at most backoff_max. Any answer
//     that shows the origin is healthy (another status, or a refused size/type/redirect) ends it.
// Limits come from the first override whose host suffix matches the origin's host, else the defaults.
//
// A node of a cluster that takes an origin over from another passes the time it did (`taken_at`):
// the other node may have started a request just before, so no start here before one spacing after.
//
// admit() decides for one request: go (now counted in flight), wait (ask again at `until`, or when a
// request of that origin finishes if `until` is unset), or defer (the origin is blocked for longer than
// defer_after; `until` is when the block ends). Requests with an empty origin (unparsable URL) always go
// and are not counted.
//
// Thread safety: none; CurlClient uses it on its io_context thread only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "http/http_client.hpp"

namespace redline {

struct OriginLimits {
  long connections = 4;  // requests in flight per origin; 0 = unlimited
  double rate = 0;       // request starts per second per origin; 0 = unlimited
};

struct OriginOverride {
  std::string host_suffix;  // "dw.com" matches dw.com and www.dw.com
  OriginLimits limits;
};

struct OriginGateOptions {
  OriginLimits defaults;
  std::vector<OriginOverride> overrides;                // the first match wins
  Duration backoff_initial = std::chrono::seconds(30);  // after the first failure; 0 disables backoff
  Duration backoff_max = std::chrono::hours(1);
  bool honour_retry_after = true;
  Duration retry_after_max = std::chrono::hours(6);  // a longer Retry-After is cut to this
  Duration defer_after = std::chrono::seconds(10);   // blocked longer than this: defer, do not hold

  // No politeness at all: unlimited in flight and rate, no backoff, Retry-After ignored (for our own
  // endpoints, e.g. webhook receivers, whose retries the dispatcher schedules itself).
  static OriginGateOptions none();
};

struct GateDecision {
  enum class Kind { go, wait, defer };
  Kind kind = Kind::go;
  std::optional<Timestamp> until;  // wait: ask again then (unset: when a request finishes); defer: block end
  std::string reason;              // wait/defer: why, for messages
};

// What a finished request says about its origin's health.
enum class OriginHealth { healthy, failing, unknown };
OriginHealth origin_health(const HttpResponse& response);

class OriginGate {
 public:
  OriginGate(const Clock& clock, OriginGateOptions options);

  GateDecision admit(const std::string& origin, std::optional<Timestamp> taken_at = std::nullopt);
  // The request admitted for `origin` ended with `response`. Returns the time until which the origin is
  // blocked now (Retry-After or backoff), if it is.
  std::optional<Timestamp> finished(const std::string& origin, const HttpResponse& response);
  // The request admitted for `origin` was abandoned (cancel_all, shutdown): only in-flight accounting.
  void cancelled(const std::string& origin);
  // The request admitted for `origin` is being sent now (its connection is ready), or will never be
  // (`sent` false: it failed or was abandoned before): the next start is one spacing after now.
  void sent(const std::string& origin, bool sent = true);

  size_t in_flight(const std::string& origin) const;
  std::optional<Timestamp> blocked_until(const std::string& origin) const;
  int consecutive_failures(const std::string& origin) const;
  OriginLimits limits_for_host(std::string_view host) const;
  size_t tracked_origins() const { return m_origins.size(); }
  // Origins blocked now (Retry-After or backoff after failures): the redline_origins_backing_off gauge.
  size_t blocked_origins() const;

 private:
  struct State {
    OriginLimits limits;
    size_t in_flight = 0;
    size_t unsent = 0;       // admitted under a rate and not sent yet: the next start waits
    Timestamp next_start{};  // rate spacing: no start before this
    Timestamp retry_after_until{};
    Timestamp backoff_until{};
    int failures = 0;
    std::string retry_after_reason;  // "HTTP 503 with Retry-After: 120"
    std::string backoff_reason;      // "3 consecutive failures, the last timeout"
  };

  State& state(const std::string& origin);
  const State* find(const std::string& origin) const;
  // When the origin's current block ends (nullopt: not blocked) and why.
  std::optional<Timestamp> block_end(const State& s, Timestamp now, std::string* reason = nullptr) const;
  void forget_idle(Timestamp now);

  const Clock& m_clock;
  OriginGateOptions m_options;
  std::unordered_map<std::string, State> m_origins;
  size_t m_sweep_at = 1024;  // forget idle origins when this many are tracked
};

}  // namespace redline
