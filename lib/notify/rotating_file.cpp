#include "notify/rotating_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace redline {

namespace {

Error io_error(const std::filesystem::path& path, std::string_view what, const std::string& detail) {
  return make_error(Errc::io, path.string() + ": " + std::string(what) + ": " + detail);
}

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the renames happened, only their durability is at stake
  ::fsync(fd);
  ::close(fd);
}

Status rotate(const std::filesystem::path& path, int max_files) {
  std::error_code ec;
  if (max_files <= 0) {
    std::filesystem::remove(path, ec);
    if (ec) return io_error(path, "remove for rotation", ec.message());
  } else {
    for (int i = max_files - 1; i >= 1; --i) {
      const auto from = rotated_name(path, i);
      if (!std::filesystem::exists(from, ec)) continue;
      std::filesystem::rename(from, rotated_name(path, i + 1), ec);
      if (ec) return io_error(from, "rename for rotation", ec.message());
    }
    std::filesystem::rename(path, rotated_name(path, 1), ec);
    if (ec) return io_error(path, "rename for rotation", ec.message());
  }
  fsync_directory(path.parent_path());
  return {};
}

}  // namespace

std::filesystem::path rotated_name(const std::filesystem::path& path, int index) {
  return std::filesystem::path(path.string() + "." + std::to_string(index));
}

Status append_rotating(const std::filesystem::path& path, std::string_view data, const Rotation& rotation) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return io_error(path, "create directory", ec.message());
  }
  if (rotation.max_size > 0) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > 0 && size + data.size() > rotation.max_size) {
      if (auto s = rotate(path, rotation.max_files); !s) return s;
    }
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(path, "open", std::strerror(errno));
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return io_error(path, "write", std::strerror(err));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return io_error(path, "fsync", std::strerror(err));
  }
  if (::close(fd) != 0) return io_error(path, "close", std::strerror(errno));
  return {};
}

}  // namespace redline
