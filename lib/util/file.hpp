// Whole-file reading and gzip decoding.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace redline {

// Reads a file whole; "-" reads standard input.
Result<std::string> read_file(const std::filesystem::path& path);

// Decodes gzip or zlib data, refusing to produce more than `max_size` bytes.
Result<std::string> gunzip(std::string_view data, size_t max_size = 256u << 20);

// Reads a file and, when its name ends in ".gz", decompresses it.
Result<std::string> read_maybe_gzipped(const std::filesystem::path& path);

}  // namespace redline
