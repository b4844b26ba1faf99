#include "http/origin_gate.hpp"

#include <algorithm>
#include <cmath>

#include "http/retry_after.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

// Largest sensible spacing: a rate below one request a day is treated as one a day.
constexpr double k_min_rate = 1.0 / 86400.0;

// The spacing is 1/rate and 5 % more: starts are timed on this node's clock, when curl is about to
// send; the site counts them when they arrive, a few ms out of step (a thread preempted between the
// two, another node's clock). With the margin, rate + 1 starts span 1.05 s: 50 ms of slack before a
// site counting any one second sees more than `rate`.
constexpr double k_rate_margin = 1.05;

Duration spacing(double rate) {
  const double ms = 1000.0 * k_rate_margin / std::max(rate, k_min_rate);
  return Duration(static_cast<Duration::rep>(std::llround(ms)));
}

std::string failure_name(const HttpResponse& r) {
  return r.error != FetchError::none ? std::string(to_string(r.error)) : "HTTP " + std::to_string(r.status);
}

}  // namespace

OriginGateOptions OriginGateOptions::none() {
  OriginGateOptions o;
  o.defaults = OriginLimits{0, 0};
  o.backoff_initial = Duration(0);
  o.honour_retry_after = false;
  return o;
}

OriginHealth origin_health(const HttpResponse& response) {
  switch (response.error) {
    case FetchError::none:
      if (response.status >= 500 || response.status == 429) return OriginHealth::failing;
      return response.status > 0 ? OriginHealth::healthy : OriginHealth::unknown;
    case FetchError::dns:
    case FetchError::connect:
    case FetchError::tls:
    case FetchError::timeout:
    case FetchError::reset:
      return OriginHealth::failing;
    case FetchError::too_large:  // the server answered; we refused the answer
    case FetchError::redirects:
    case FetchError::not_html:
      return OriginHealth::healthy;
    case FetchError::other:
    case FetchError::deferred:
      return OriginHealth::unknown;
  }
  return OriginHealth::unknown;
}

OriginGate::OriginGate(const Clock& clock, OriginGateOptions options) : m_clock(clock), m_options(std::move(options)) {}

OriginLimits OriginGate::limits_for_host(std::string_view host) const {
  for (const auto& o : m_options.overrides)
    if (host_matches(host, o.host_suffix)) return o.limits;
  return m_options.defaults;
}

OriginGate::State& OriginGate::state(const std::string& origin) {
  auto it = m_origins.find(origin);
  if (it == m_origins.end()) {
    State s;
    s.limits = limits_for_host(url_host(origin));
    it = m_origins.emplace(origin, std::move(s)).first;
  }
  return it->second;
}

const OriginGate::State* OriginGate::find(const std::string& origin) const {
  auto it = m_origins.find(origin);
  return it == m_origins.end() ? nullptr : &it->second;
}

std::optional<Timestamp> OriginGate::block_end(const State& s, Timestamp now, std::string* reason) const {
  const Timestamp end = std::max(s.retry_after_until, s.backoff_until);
  if (end <= now) return std::nullopt;
  if (reason) *reason = s.retry_after_until >= s.backoff_until ? s.retry_after_reason : s.backoff_reason;
  return end;
}

GateDecision OriginGate::admit(const std::string& origin, std::optional<Timestamp> taken_at) {
  if (origin.empty()) return {};
  const Timestamp now = m_clock.now();
  if (m_origins.size() >= m_sweep_at) forget_idle(now);
  State& s = state(origin);
  if (taken_at && s.limits.rate > 0) s.next_start = std::max(s.next_start, *taken_at + spacing(s.limits.rate));
  std::string why;
  if (auto end = block_end(s, now, &why)) {
    const bool hold = *end - now <= m_options.defer_after;
    return {hold ? GateDecision::Kind::wait : GateDecision::Kind::defer, end, why};
  }
  if (s.limits.connections > 0 && s.in_flight >= static_cast<size_t>(s.limits.connections))
    return {GateDecision::Kind::wait, std::nullopt, std::to_string(s.in_flight) + " requests in flight"};
  if (s.limits.rate > 0) {
    if (s.unsent > 0) return {GateDecision::Kind::wait, std::nullopt, "rate limit (a request is being sent)"};
    if (s.next_start > now) return {GateDecision::Kind::wait, s.next_start, "rate limit"};
    s.next_start = now + spacing(s.limits.rate);
    ++s.unsent;
  }
  ++s.in_flight;
  return {};
}

std::optional<Timestamp> OriginGate::finished(const std::string& origin, const HttpResponse& response) {
  if (origin.empty()) return std::nullopt;
  const Timestamp now = m_clock.now();
  State& s = state(origin);
  if (s.in_flight > 0) --s.in_flight;

  std::optional<Duration> retry_after;
  if (m_options.honour_retry_after && response.error == FetchError::none &&
      (response.status == 429 || response.status == 503)) {
    const std::string value = response.header("retry-after");
    if (!value.empty()) retry_after = parse_retry_after(value, now);
  }
  if (retry_after) {
    // The server said when to come back: that replaces our own guess, and is not counted as a failure.
    const Timestamp until = now + std::min(*retry_after, m_options.retry_after_max);
    if (until > s.retry_after_until) {
      s.retry_after_until = until;
      s.retry_after_reason =
          "HTTP " + std::to_string(response.status) + " with Retry-After: " + response.header("retry-after");
    }
  } else {
    switch (origin_health(response)) {
      case OriginHealth::healthy:
        s.failures = 0;
        s.backoff_until = Timestamp{};
        break;
      case OriginHealth::failing:
        if (m_options.backoff_initial.count() > 0) {
          ++s.failures;
          const Duration delay = exponential_backoff(m_options.backoff_initial, m_options.backoff_max, s.failures);
          s.backoff_until = std::max(s.backoff_until, now + delay);
          s.backoff_reason = "backoff after " + std::to_string(s.failures) + " consecutive failure" +
                             (s.failures == 1 ? "" : "s") + ", the last " + failure_name(response);
        }
        break;
      case OriginHealth::unknown:
        break;
    }
  }
  return block_end(s, now);
}

void OriginGate::sent(const std::string& origin, bool sent) {
  if (origin.empty()) return;
  State& s = state(origin);
  if (s.unsent == 0) return;
  --s.unsent;
  if (sent) s.next_start = std::max(s.next_start, m_clock.now() + spacing(s.limits.rate));
}

void OriginGate::cancelled(const std::string& origin) {
  if (origin.empty()) return;
  State& s = state(origin);
  if (s.in_flight > 0) --s.in_flight;
}

size_t OriginGate::in_flight(const std::string& origin) const {
  const State* s = find(origin);
  return s ? s->in_flight : 0;
}

std::optional<Timestamp> OriginGate::blocked_until(const std::string& origin) const {
  const State* s = find(origin);
  return s ? block_end(*s, m_clock.now()) : std::nullopt;
}

int OriginGate::consecutive_failures(const std::string& origin) const {
  const State* s = find(origin);
  return s ? s->failures : 0;
}

size_t OriginGate::blocked_origins() const {
  const Timestamp now = m_clock.now();
  size_t n = 0;
  for (const auto& [origin, s] : m_origins) n += block_end(s, now).has_value() ? 1 : 0;
  return n;
}

void OriginGate::forget_idle(Timestamp now) {
  // An origin with nothing in flight, no block, no failure streak and no pending spacing carries no
  // information: its state is recreated identically on the next request.
  std::erase_if(m_origins, [now](const auto& entry) {
    const State& s = entry.second;
    return s.in_flight == 0 && s.unsent == 0 && s.failures == 0 && s.next_start <= now && s.retry_after_until <= now &&
           s.backoff_until <= now;
  });
  m_sweep_at = std::max<size_t>(1024, 2 * m_origins.size());
}

}  // namespace redline
