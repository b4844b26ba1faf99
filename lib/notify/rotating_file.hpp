// Crash-safe appends to a file rotated by size, for the diff logs.
//
// append_rotating() writes `data` with one write() on an O_APPEND descriptor, fsyncs and closes it, so
// a crash leaves either the whole entry or none of it, and external rotation (logrotate with create or
// move) keeps working. Before writing, when the file is not empty and the entry would take it past
// `rotation.max_size`, the files are shifted as spdlog's rotating sink does: name.(N-1) → name.N, …,
// name → name.1 (name.N, the oldest, is replaced), with N = max_files (0 keeps no old file), and the
// directory is fsynced so the renames survive a crash too. An entry larger than max_size is written
// whole to a fresh file.
//
// Thread safety: stateless, but rotation is not atomic across processes: two processes rotating the
// same file at the same moment may rotate it twice (no entry is lost either way).
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.hpp"
#include "notify/notifier_target.hpp"

namespace redline {

// Creates missing parent directories. Errc::io (with the path and the failing step) on failure.
Status append_rotating(const std::filesystem::path& path, std::string_view data, const Rotation& rotation);

// "name.<index>" beside `path` (index ≥ 1).
std::filesystem::path rotated_name(const std::filesystem::path& path, int index);

}  // namespace redline
