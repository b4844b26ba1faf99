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
// Beside it, optionally, a JSON-lines file: one line per event, the event's payload exactly as
// webhooks receive it (render_event(), compact, so it holds no raw newline).
//
// Each append goes through append_rotating() (rotating_file.hpp): one write() on an O_APPEND
// descriptor, fsync, close, and size-based rotation (name.1 … name.N) when configured, so external
// rotation (logrotate with create/move) works too and a crash never leaves a half-synced entry behind
// a later one. append_all() writes many entries with one write and one fsync per file (per chunk of at
// most the rotation size), which is what a round that stored a thousand changes needs. The text entry is written first,
// then the JSON line; when the second fails the event is retried and its text entry may appear twice (at-least-once;
// the event id identifies duplicates).
//
// Thread safety: a DiffLog holds no mutable state; concurrent appends to one file from several
// threads or processes each land whole (O_APPEND) for entries up to the size the kernel writes at once.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "notify/event.hpp"
#include "notify/notifier_target.hpp"

namespace redline {

// The entry text for one event, ending in "\n\n".
std::string render_diff_log_entry(const Event& event);

class DiffLog {
 public:
  explicit DiffLog(std::filesystem::path path) { m_target.path = std::move(path); }
  explicit DiffLog(DiffLogTarget target) : m_target(std::move(target)) {}

  // Appends the entry for a payload produced by render_event(). Errc::invalid_input when the
  // payload is not an event (retrying will not help), Errc::io when the file cannot be written.
  Status append(std::string_view payload) const;
  Status append(const Event& event) const;
  // append() for each payload, in order, with one status each: invalid_input for a payload that is
  // not an event (not written), the same io error for all the others when a file cannot be written.
  std::vector<Status> append_all(std::span<const std::string_view> payloads) const;

  const std::filesystem::path& path() const { return m_target.path; }
  const DiffLogTarget& target() const { return m_target; }

 private:
  Status write(const std::vector<std::string>& entries, const std::vector<std::string>& json_lines) const;

  DiffLogTarget m_target;
};

}  // namespace redline
