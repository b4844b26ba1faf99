// DiffLog: a human-readable, append-only text file with one entry per event, for people who want
// to `tail -f` what changed. Entry layout (see docs/webhooks.md):
//
//   === 2024-06-01T12:00:00.123Z article.changed [headline, body] evt_…
//   headline: "Mayor resigns" → "Mayor resigns amid probe"
//   url: https://news.example/a/12345
//   versions: 3 (2024-06-01T11:00:00.000Z) → 4 (2024-06-01T12:00:00.000Z)
//   <the text word diff, as rendered by diff/>
//   <blank line>
//
// Each append opens the file (O_APPEND, created 0644 if missing, with missing parent directories),
// writes the entry with one write() call, fsyncs and closes it, so external rotation (logrotate
// with create/move) just works and a crash never leaves a half-synced entry behind a later one.
//
// Thread safety: a DiffLog holds no mutable state; concurrent appends to one file from several
// threads or processes each land whole (O_APPEND) for entries up to the size the kernel writes at once.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "notify/event.hpp"

namespace redline {

// The entry text for one event, ending in "\n\n".
std::string render_diff_log_entry(const Event& event);

class DiffLog {
 public:
  explicit DiffLog(std::filesystem::path path) : m_path(std::move(path)) {}

  // Appends the entry for a payload produced by render_event(). Errc::invalid_input when the
  // payload is not an event (retrying will not help), Errc::io when the file cannot be written.
  Status append(std::string_view payload) const;
  Status append(const Event& event) const;

  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace redline
