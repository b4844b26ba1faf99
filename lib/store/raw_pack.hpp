// Fetched bytes as the store keeps them: content-addressed by their SHA-256 and zstd-compressed.
// Pure and thread-safe, so that the compression runs on a worker thread and the store's writer only
// inserts (NewVersion::packed_raw).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redline {

struct PackedRaw {
  std::string sha256;  // hex, of the original bytes
  int64_t size = 0;    // of the original bytes
  std::string zstd;    // the compressed bytes
};

// `sha256`: the bytes' hash when the caller has it already (hex); computed when empty.
PackedRaw pack_raw(std::string_view bytes, std::string sha256 = {});

// The original bytes, or nullopt when `zstd` does not decompress to exactly `size` bytes.
std::optional<std::string> unpack_raw(std::string_view zstd, int64_t size);

}  // namespace redline
