// Standard Webhooks (https://www.standardwebhooks.com, spec 1.0.0) symmetric signing and verification.
//
// A secret is "whsec_" + base64 of 24..64 random bytes. The signed content is "<id>.<timestamp>.<body>",
// where <timestamp> is the decimal unix time in seconds; each signature is "v1," + base64(HMAC-SHA256).
// Several secrets (key rotation) give several signatures, space-separated, in the order of the secrets.
//
// Pure values and functions: every member is const and thread-safe. Nothing here reads the clock;
// callers pass the time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "http/http_client.hpp"

namespace redline {

inline constexpr std::string_view k_webhook_secret_prefix = "whsec_";
inline constexpr size_t k_webhook_secret_min_bytes = 24;
inline constexpr size_t k_webhook_secret_max_bytes = 64;

// Decodes "whsec_<base64>" into the raw key. Errc::config with a message saying what is wrong
// (missing prefix, not base64, too short / too long) otherwise. The message never repeats the secret.
Result<std::string> parse_webhook_secret(std::string_view text);

// A fresh "whsec_" secret holding 32 random bytes.
std::string generate_webhook_secret();

class WebhookSigner {
 public:
  // Parses every secret; the first bad one fails the whole set (its position is named in the error).
  // An empty list is an error too: an unsigned webhook is never what the user meant.
  static Result<WebhookSigner> create(const std::vector<std::string>& secrets);

  // "v1,<sig1> v1,<sig2> …", one per secret, for the content "<id>.<unix_seconds>.<body>".
  std::string sign(std::string_view id, long long unix_seconds, std::string_view body) const;

  // The three headers for one delivery attempt: webhook-id, webhook-timestamp (seconds of `now`,
  // truncated) and webhook-signature. A retry must call this again with the new time.
  Headers headers(std::string_view id, Timestamp now, std::string_view body) const;

  // Checks a received webhook the way a consumer would: the timestamp must be an integer within
  // `tolerance` of `now` (in either direction), and at least one "v1," entry of `signature_header`
  // must match the signature of one of this signer's secrets (compared in constant time).
  // Entries of other versions ("v1a,…") are ignored. Errc::invalid_input says which check failed.
  Status verify(std::string_view id, std::string_view timestamp, std::string_view signature_header,
                std::string_view body, Timestamp now, Duration tolerance = std::chrono::minutes(5)) const;

  // The same, taking the headers (names compared case-insensitively); missing headers are an error.
  Status verify(const Headers& headers, std::string_view body, Timestamp now,
                Duration tolerance = std::chrono::minutes(5)) const;

  size_t key_count() const { return m_keys.size(); }

 private:
  explicit WebhookSigner(std::vector<std::string> keys) : m_keys(std::move(keys)) {}

  std::vector<std::string> m_keys;  // raw key bytes
};

}  // namespace redline
