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
  if (auto s = append_rotating(m_target.path, render_diff_log_entry(event), m_target.rotation); !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  if (m_target.jsonl_path.empty()) return {};
  std::string line(json_line);
  line += '\n';
  if (auto s = append_rotating(m_target.jsonl_path, line, m_target.rotation); !s)
    return make_error(Errc::io, "diff log " + s.error().message);
  return {};
}

}  // namespace redline
