#include "notify/diff_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace redline {

namespace {

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string version_text(const std::optional<EventVersion>& v) {
  if (!v) return "(none)";
  return std::to_string(v->number) + " (" + format_rfc3339(v->captured_at) + ")";
}

Error io_error(const std::filesystem::path& path, std::string_view what, int err) {
  return make_error(Errc::io, "diff log " + path.string() + ": " + std::string(what) + ": " + std::strerror(err));
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
  return append(*event);
}

Status DiffLog::append(const Event& event) const {
  if (m_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(m_path.parent_path(), ec);
    if (ec) return make_error(Errc::io, "diff log " + m_path.string() + ": create directory: " + ec.message());
  }
  const std::string entry = render_diff_log_entry(event);
  const int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(m_path, "open", errno);
  size_t written = 0;
  while (written < entry.size()) {
    const ssize_t n = ::write(fd, entry.data() + written, entry.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return io_error(m_path, "write", err);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return io_error(m_path, "fsync", err);
  }
  if (::close(fd) != 0) return io_error(m_path, "close", errno);
  return {};
}

}  // namespace redline
