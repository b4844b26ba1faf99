// Whole-file reading and gzip decoding.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace redline {

// The most a command reads from one file (or standard input): pages, captures and archives are far smaller,
// and a device or an endless pipe (/dev/zero, `yes |`) must end in an error, not in memory exhaustion.
inline constexpr size_t k_max_input_file = 64u << 20;

// Reads a file whole; "-" reads standard input. Works on regular files, pipes, FIFOs and devices alike,
// and stops with an error (Errc::invalid_input) as soon as more than `max_size` bytes arrived, before
// allocating for more. A directory is an error of its own.
Result<std::string> read_file(const std::filesystem::path& path, size_t max_size = k_max_input_file);

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns 0, or the errno of the failed write.
int write_all(int fd, std::string_view data);

// Writes `data` to `path` (created or truncated, mode 0644 less the umask), flushes it to disk and closes
// it, checking each step: the error names the file and the reason ("x.jsonl: No space left on device").
Status write_file(const std::filesystem::path& path, std::string_view data);

// Why a program could never keep a log file at `path`, or an empty string when it might: the path is a
// directory, exists but is not a regular file (a FIFO, a socket; /dev/null is allowed), or lies on a
// kernel pseudo file system (/proc, /sys) where files cannot be created. Nothing is created or opened.
std::string log_file_problem(const std::filesystem::path& path);

// Decodes gzip or zlib data, refusing to produce more than `max_size` bytes.
Result<std::string> gunzip(std::string_view data, size_t max_size = k_max_input_file);

// Reads a file and, when its name ends in ".gz", decompresses it.
Result<std::string> read_maybe_gzipped(const std::filesystem::path& path);

}  // namespace redline
