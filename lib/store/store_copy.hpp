// `redline store copy`: moves a SQLite store into PostgreSQL (docs/scale-out.md).
//
// Rows keep their ids. Each batch is one transaction on the target and is written with ON CONFLICT
// DO NOTHING, so a copy that was interrupted (killed, the server gone) continues where it stopped
// when run again and never writes a row twice. The source is read in one read transaction (one
// consistent snapshot); stop the daemon that writes it first, or the counts will not match.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace redline {

struct StoreCopyOptions {
  size_t batch_rows = 500;  // rows per target transaction (raw pages: also at most ~16 MB)
  // Called after each table with its name and the rows sent (rows already on the target count too).
  std::function<void(std::string_view table, int64_t rows)> progress;
};

// One compared count ("articles", "versions", …) on both sides.
struct CopyCount {
  std::string what;
  int64_t source = 0;
  int64_t target = 0;
};

struct StoreCopyReport {
  std::vector<CopyCount> counts;
  bool matches() const;
};

// Copies the SQLite store at `from` (migrated to the newest schema first, as a daemon would) into the
// PostgreSQL database at `to` (migrated too), then counts both sides. Errc::not_found when `from` does
// not exist; Errc::invalid_input when the target already holds articles that no `store copy` wrote;
// Errc::unavailable when the server cannot be reached. A report whose counts differ is not an error
// here: the caller says so (the CLI exits 74).
Result<StoreCopyReport> copy_sqlite_to_postgres(const std::filesystem::path& from, const std::string& to,
                                                const StoreCopyOptions& options = {});

}  // namespace redline
