#include "store/raw_pack.hpp"

#include <zstd.h>

#include <new>

#include "util/crypto.hpp"

namespace redline {

namespace {
constexpr int k_zstd_level = 3;
}  // namespace

PackedRaw pack_raw(std::string_view bytes, std::string sha256) {
  PackedRaw out;
  out.sha256 = sha256.empty() ? sha256_hex(bytes) : std::move(sha256);
  out.size = static_cast<int64_t>(bytes.size());
  out.zstd.resize(ZSTD_compressBound(bytes.size()));
  const size_t n = ZSTD_compress(out.zstd.data(), out.zstd.size(), bytes.data(), bytes.size(), k_zstd_level);
  // Compressing into a buffer of ZSTD_compressBound bytes fails only when out of memory.
  if (ZSTD_isError(n) != 0u) throw std::bad_alloc();
  out.zstd.resize(n);
  return out;
}

std::optional<std::string> unpack_raw(std::string_view zstd, int64_t size) {
  if (size < 0) return std::nullopt;
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), zstd.data(), zstd.size());
  if (ZSTD_isError(n) != 0u || n != out.size()) return std::nullopt;
  return out;
}

}  // namespace redline
