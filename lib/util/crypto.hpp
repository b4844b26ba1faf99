// Hashing and encoding helpers on top of OpenSSL. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Standard base64 with padding.
std::string base64_encode(std::string_view data);
// nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);
// Whether `a` equals `b`, in a time that depends only on the lengths (OpenSSL's CRYPTO_memcmp): for
// comparing signatures and secrets.
bool equal_constant_time(std::string_view a, std::string_view b);
// `n` cryptographically random bytes.
std::string random_bytes(size_t n);

}  // namespace redline
