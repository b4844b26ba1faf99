#include "notify/diff_log.hpp"

#include "notify/rotating_file.hpp"

namespace redline {

namespace {

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string version_text(const std::optional<EventVersion>& v) {
  if (!v) return "(none)";
  return std::to_string(v->number) + " (" + format_rfc3339(v->captured_at) + ")";
}

}  // namespace

std::string render_diff_log_entry(const Event& e) {
  std::string out = "=== " + format_rfc3339(e.occurred_at) + " " + std::string(to_string(e.type)) + " [";
  for (size_t i = 0; i < e.classes.size(); ++i) out += (i ? ", " : "") + e.classes[i];
  out += "] " + e.id + "\n";

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

Status DiffLog::append(std::string_view payload) const {
  auto event = parse_event(payload);
  if (!event) return event.error();
  if (payload.find('\n') != std::string_view::npos) return append(*event, render_event(*event));
  return append(*event, payload);
}

Status DiffLog::append(const Event& event) const { return append(event, render_event(event)); }

Status DiffLog::append(const Event& event, std::string_view json_line) const {
  const std::string_view one[] = {json_line};
  return write({render_diff_log_entry(event)}, one);
}

std::vector<Status> DiffLog::append_all(std::span<const std::string_view> payloads) const {
  std::vector<Status> out(payloads.size());
  std::vector<std::string> entries;
  std::vector<std::string> lines;
  std::vector<std::string_view> line_views;
  std::vector<size_t> written;     // index in `payloads` of each entry
  lines.reserve(payloads.size());  // line_views point into it
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto event = parse_event(payloads[i]);
    if (!event) {
      out[i] = event.error();
      continue;
    }
    entries.push_back(render_diff_log_entry(*event));
    // A payload with a raw newline is rendered again, compact (as append() does).
    lines.push_back(payloads[i].find('\n') != std::string_view::npos ? render_event(*event) : std::string());
    line_views.push_back(lines.back().empty() ? payloads[i] : std::string_view(lines.back()));
    written.push_back(i);
  }
  if (!entries.empty())
    if (Status s = write(entries, line_views); !s)
      for (const size_t i : written) out[i] = s;
  return out;
}

// Appends the entries to the text file, then the JSON lines to the JSON-lines file: one write and one
// fsync per file, or per chunk of at most the rotation size, so that rotation stays by size.
Status DiffLog::write(const std::vector<std::string>& entries, std::span<const std::string_view> json_lines) const {
  const auto append_chunked = [&](const std::filesystem::path& path, size_t count, const auto& piece) -> Status {
    std::string chunk;
    for (size_t i = 0; i < count; ++i) {
      const std::string_view p = piece(i);
      if (!chunk.empty() && m_target.rotation.max_size > 0 && chunk.size() + p.size() > m_target.rotation.max_size) {
        if (auto s = append_rotating(path, chunk, m_target.rotation); !s) return s;
        chunk.clear();
      }
      chunk += p;
    }
    return chunk.empty() ? Status{} : append_rotating(path, chunk, m_target.rotation);
  };
  if (auto s = append_chunked(m_target.path, entries.size(), [&](size_t i) { return std::string_view(entries[i]); });
      !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  if (m_target.jsonl_path.empty()) return {};
  std::vector<std::string> lines;
  lines.reserve(json_lines.size());
  for (const auto line : json_lines) lines.push_back(std::string(line) + '\n');
  if (auto s = append_chunked(m_target.jsonl_path, lines.size(), [&](size_t i) { return std::string_view(lines[i]); });
      !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  return {};
}

}  // namespace redline
