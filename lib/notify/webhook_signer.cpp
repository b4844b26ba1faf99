#include "notify/webhook_signer.hpp"

#include <charconv>

#include "util/crypto.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr std::string_view k_version_prefix = "v1,";
constexpr long long k_max_unix_seconds = 253'402'300'799;  // 9999-12-31T23:59:59Z

std::string signed_content(std::string_view id, long long unix_seconds, std::string_view body) {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id);
  content += '.';
  content += std::to_string(unix_seconds);
  content += '.';
  content.append(body);
  return content;
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    size_t end = pos;
    while (end < text.size() && text[end] != ' ') ++end;
    if (end > pos) parts.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return parts;
}

}  // namespace

Result<std::string> parse_webhook_secret(std::string_view text) {
  text = trim(text);
  if (text.substr(0, k_webhook_secret_prefix.size()) != k_webhook_secret_prefix)
    return make_error(Errc::config, "webhook secret must start with \"whsec_\" followed by base64");
  const std::string_view encoded = text.substr(k_webhook_secret_prefix.size());
  if (encoded.empty()) return make_error(Errc::config, "webhook secret is empty after \"whsec_\"");
  for (char c : encoded) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) return make_error(Errc::config, "webhook secret is not valid base64 after \"whsec_\"");
  }
  auto key = base64_decode(encoded);
  if (!key) return make_error(Errc::config, "webhook secret is not valid base64 after \"whsec_\"");
  if (key->size() < k_webhook_secret_min_bytes || key->size() > k_webhook_secret_max_bytes)
    return make_error(Errc::config, "webhook secret decodes to " + std::to_string(key->size()) +
                                        " bytes; Standard Webhooks needs " +
                                        std::to_string(k_webhook_secret_min_bytes) + " to " +
                                        std::to_string(k_webhook_secret_max_bytes));
  return std::move(*key);
}

std::string generate_webhook_secret() { return std::string(k_webhook_secret_prefix) + base64_encode(random_bytes(32)); }

Result<WebhookSigner> WebhookSigner::create(const std::vector<std::string>& secrets) {
  if (secrets.empty()) return make_error(Errc::config, "a webhook needs at least one secret");
  std::vector<std::string> keys;
  keys.reserve(secrets.size());
  for (size_t i = 0; i < secrets.size(); ++i) {
    auto key = parse_webhook_secret(secrets[i]);
    if (!key) return make_error(Errc::config, "secret #" + std::to_string(i + 1) + ": " + key.error().message);
    keys.push_back(std::move(*key));
  }
  return WebhookSigner(std::move(keys));
}

std::string WebhookSigner::sign(std::string_view id, long long unix_seconds, std::string_view body) const {
  const std::string content = signed_content(id, unix_seconds, body);
  std::string out;
  for (const auto& key : m_keys) {
    if (!out.empty()) out += ' ';
    out.append(k_version_prefix);
    out += base64_encode(hmac_sha256(key, content));
  }
  return out;
}

Headers WebhookSigner::headers(std::string_view id, Timestamp now, std::string_view body) const {
  const long long seconds = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  return Headers{{"webhook-id", std::string(id)},
                 {"webhook-timestamp", std::to_string(seconds)},
                 {"webhook-signature", sign(id, seconds, body)}};
}

Status WebhookSigner::verify(std::string_view id, std::string_view timestamp, std::string_view signature_header,
                             std::string_view body, Timestamp now, Duration tolerance) const {
  if (id.empty()) return make_error(Errc::invalid_input, "missing webhook-id");
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (timestamp.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size())
    return make_error(Errc::invalid_input, "webhook-timestamp is not an integer");
  if (seconds < 0 || seconds > k_max_unix_seconds)
    return make_error(Errc::invalid_input, "webhook-timestamp is out of range");
  const Timestamp sent = from_epoch_ms(seconds * 1000);
  if (sent < now - tolerance) return make_error(Errc::invalid_input, "webhook-timestamp is too old");
  if (sent > now + tolerance) return make_error(Errc::invalid_input, "webhook-timestamp is too far in the future");

  const std::string content = signed_content(id, seconds, body);
  std::vector<std::string> expected;
  expected.reserve(m_keys.size());
  for (const auto& key : m_keys) expected.push_back(base64_encode(hmac_sha256(key, content)));

  bool any_v1 = false;
  for (std::string_view entry : split_spaces(signature_header)) {
    if (entry.substr(0, k_version_prefix.size()) != k_version_prefix) continue;
    any_v1 = true;
    const std::string_view candidate = entry.substr(k_version_prefix.size());
    for (const auto& e : expected)
      if (equal_constant_time(candidate, e)) return {};
  }
  if (!any_v1) return make_error(Errc::invalid_input, "webhook-signature has no v1 signature");
  return make_error(Errc::invalid_input, "no webhook-signature matches");
}

Status WebhookSigner::verify(const Headers& headers, std::string_view body, Timestamp now, Duration tolerance) const {
  const std::string* id = nullptr;
  const std::string* timestamp = nullptr;
  const std::string* signature = nullptr;
  for (const auto& [name, value] : headers) {
    const std::string lower = ascii_lower(name);
    if (lower == "webhook-id" && !id) id = &value;
    if (lower == "webhook-timestamp" && !timestamp) timestamp = &value;
    if (lower == "webhook-signature" && !signature) signature = &value;
  }
  if (!id) return make_error(Errc::invalid_input, "missing webhook-id header");
  if (!timestamp) return make_error(Errc::invalid_input, "missing webhook-timestamp header");
  if (!signature) return make_error(Errc::invalid_input, "missing webhook-signature header");
  return verify(*id, *timestamp, *signature, body, now, tolerance);
}

}  // namespace redline
