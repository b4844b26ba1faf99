#include "notify/retry_policy.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace redline {

using namespace std::chrono;

namespace {

// One line of at most `max` bytes, for error messages that come from a remote body.
std::string snippet(std::string_view text, size_t max = 200) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return make_valid_utf8(trim(out));
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::delivered:
      return "delivered";
    case Verdict::retry:
      return "retry";
    case Verdict::dead:
      return "dead";
  }
  return "?";
}

AttemptOutcome classify_response(const HttpResponse& response, Timestamp now) {
  AttemptOutcome out;
  const long status = response.status;
  if (response.error != FetchError::none) {
    // An answer cut off for its size still has a status, and the status is what counts.
    if (response.error == FetchError::too_large && status >= 100) {
      HttpResponse answered = response;
      answered.error = FetchError::none;
      return classify_response(answered, now);
    }
    std::string what = "network error (" + std::string(to_string(response.error)) + ")";
    if (!response.error_message.empty()) what += ": " + snippet(response.error_message);
    if (response.error == FetchError::redirects) {
      out.verdict = Verdict::dead;
      out.reason = "redirect refused (webhooks do not follow redirects; update the URL): " + what;
    } else {
      out.verdict = Verdict::retry;
      out.reason = std::move(what);
    }
    return out;
  }
  if (status >= 200 && status < 300) {
    out.verdict = Verdict::delivered;
    return out;
  }
  out.reason = "HTTP " + std::to_string(status);
  const std::string body = snippet(response.body);
  if (!body.empty()) out.reason += ": " + body;
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
    out.verdict = Verdict::retry;
    const std::string retry_after = response.header("retry-after");
    if (!retry_after.empty()) out.retry_after = parse_retry_after(retry_after, now);
  } else {
    if (status >= 300 && status < 400) {
      const std::string location = response.header("location");
      out.reason += " (redirects are not followed; update the webhook URL";
      out.reason += location.empty() ? ")" : " to " + snippet(location) + ")";
    }
    out.verdict = Verdict::dead;
  }
  return out;
}

Duration backoff_delay(int attempts, const BackoffPolicy& policy, double unit) {
  const Duration d = exponential_backoff(policy.base, policy.cap, attempts);
  unit = std::clamp(unit, 0.0, 1.0);
  const double stretched = static_cast<double>(d.count()) * (1.0 + policy.jitter * unit);
  return Duration(static_cast<Duration::rep>(stretched));
}

}  // namespace redline
