#include "notify/diff_log.hpp"

#include "notify/rotating_file.hpp"

namespace redline {

namespace {

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string version_text(const std::optional<EventVersion>& v) {
  if (!v) return "(none)";
  return std::to_string(v->number) + " (" + format_rfc3339(v->captured_at) + ")";
}

std::string json_line(std::string payload) {
  payload += '\n';
  return payload;
}

// Appends `pieces` to `path` with one write and one fsync, or one per chunk of at most the rotation
// size, so that the files still rotate by size.
Status append_chunked(const std::filesystem::path& path, const std::vector<std::string>& pieces,
                      const Rotation& rotation) {
  std::string chunk;
  for (const auto& piece : pieces) {
    if (!chunk.empty() && rotation.max_size > 0 && chunk.size() + piece.size() > rotation.max_size) {
      if (auto s = append_rotating(path, chunk, rotation); !s) return s;
      chunk.clear();
    }
    chunk += piece;
  }
  return chunk.empty() ? Status{} : append_rotating(path, chunk, rotation);
}

}  // namespace

std::string render_diff_log_entry(const Event& e) {
  std::string out = "=== " + format_rfc3339(e.occurred_at) + " " + std::string(to_string(e.type)) + " [";
  for (size_t i = 0; i < e.classes.size(); ++i) out += (i ? ", " : "") + e.classes[i];
  out += "] " + e.id + "\n";
  if (!e.summary.empty()) out += "summary: " + e.summary + "\n";

  out += "headline: ";
  if (e.old_version && e.new_version && e.old_version->headline == e.new_version->headline) {
    out += in_quotes(e.new_version->headline) + " (unchanged)";
  } else {
    out += e.old_version ? in_quotes(e.old_version->headline) : "(none)";
    out += " → ";
    out += e.new_version ? in_quotes(e.new_version->headline) : "(none)";
  }
  out += "\nurl: " + e.url + "\n";
  out += "versions: " + version_text(e.old_version) + " → " + version_text(e.new_version) + "\n";
  out += e.diff;
  if (!e.diff.empty() && e.diff.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

Status DiffLog::append(std::string_view payload) const { return append_all({&payload, 1}).front(); }

Status DiffLog::append(const Event& event) const {
  std::vector<std::string> lines;
  if (!m_target.jsonl_path.empty()) lines.push_back(json_line(render_event(event)));
  return write({render_diff_log_entry(event)}, lines);
}

std::vector<Status> DiffLog::append_all(std::span<const std::string_view> payloads) const {
  std::vector<Status> out(payloads.size());
  std::vector<std::string> entries;
  std::vector<std::string> lines;
  std::vector<size_t> written;  // index in `payloads` of each entry
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto event = parse_event(payloads[i]);
    if (!event) {
      out[i] = event.error();
      continue;
    }
    entries.push_back(render_diff_log_entry(*event));
    // A payload with a raw newline is rendered again, compact.
    if (!m_target.jsonl_path.empty())
      lines.push_back(json_line(payloads[i].find('\n') != std::string_view::npos ? render_event(*event)
                                                                                 : std::string(payloads[i])));
    written.push_back(i);
  }
  if (!entries.empty())
    if (Status s = write(entries, lines); !s)
      for (const size_t i : written) out[i] = s;
  return out;
}

// Appends the entries to the text file, then the lines to the JSON-lines file (when there is one).
Status DiffLog::write(const std::vector<std::string>& entries, const std::vector<std::string>& lines) const {
  if (auto s = append_chunked(m_target.path, entries, m_target.rotation); !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  if (m_target.jsonl_path.empty()) return {};
  if (auto s = append_chunked(m_target.jsonl_path, lines, m_target.rotation); !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  return {};
}

}  // namespace redline
