// Archive import: feed-archive captures (extract/archive.hpp) stored as versions at their capture
// times, through the same extract → compare → store path as a fetched page (CheckPipeline).
//
// Contract:
// - Identity is the configuration's: article_key() (a [[site]] id rule, else the canonical URL).
// - The captures of one article are stored in capture-time order, whatever the order of the input.
// - A capture equal to the version in effect at its time is a sighting (Store::note_seen), not a
//   version. A capture whose time already has a version is skipped (so importing the same files
//   again adds nothing). A capture that differs from the stored history and is older than the
//   newest stored version is not inserted into the middle of that history: it is reported as skipped.
// - Every capture is its own short transaction (Store calls), so a running daemon keeps writing;
//   an interrupted import leaves whole versions only and can simply be run again.
// - Notifications are queued only with CaptureNotify::yes.
// Thread safety: none (one importer per thread, like its Store).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "extract/archive.hpp"
#include "monitor/check_pipeline.hpp"
#include "store/store.hpp"

namespace redline {

// Captures are imported only when their time lies between 1990-01-01 and a day ahead of now.
inline constexpr Timestamp k_earliest_capture{std::chrono::milliseconds(631152000000)};
inline constexpr Duration k_capture_clock_skew = std::chrono::hours(24);

struct SourcedCapture {
  std::string source;  // the file it came from, for messages
  ArchiveCapture capture;
};

struct ImportReport {
  int captures = 0;   // captures read
  int articles = 0;   // distinct articles among them
  int versions = 0;   // versions stored (first versions and changes)
  int unchanged = 0;  // captures equal to the version in effect at their time (sightings)
  int already = 0;    // captures whose time already had a version (imported before)
  // Files and captures not imported, each "SOURCE: why".
  std::vector<std::string> skipped;
};

// The files to import: each path that is a directory contributes its regular files, recursively and
// sorted by path; other paths are taken as files. Errc::not_found for a path that does not exist.
Result<std::vector<std::filesystem::path>> collect_import_files(const std::vector<std::filesystem::path>& paths);

// Splits text holding one or several captures: each starts with a line "<!--EPOCH_MS-->" (this is how
// `redline export --output -` concatenates them). Text that does not start like a capture gives none.
std::vector<std::string_view> split_captures(std::string_view text);

class ArchiveImporter {
 public:
  ArchiveImporter(std::shared_ptr<const Config> config, Store& store, const Clock& clock,
                  CaptureNotify notify = CaptureNotify::no);

  // Reads the files (split_captures); unreadable files and text that is not a capture go to
  // `report.skipped`.
  void read_files(const std::vector<std::filesystem::path>& files, std::vector<SourcedCapture>& out,
                  ImportReport& report) const;

  // Stores the captures (see the contract above). Errors are store errors only; the import stops at
  // the first, with everything before it committed.
  Result<ImportReport> import(std::vector<SourcedCapture> captures, ImportReport report = {});

 private:
  Status import_one(const std::string& key, const SourcedCapture& sourced, ImportReport& report);

  std::shared_ptr<const Config> m_config;
  ArticleStore& m_store;
  const Clock& m_clock;
  CheckPipeline m_pipeline;
  CaptureNotify m_notify;
};

}  // namespace redline
