#include "util/file.hpp"

#include <zlib.h>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace redline {

namespace {

Error too_large(const std::string& name, size_t max_size) {
  return make_error(Errc::invalid_input,
                    name + ": more than " + std::to_string(max_size >> 20) + " MiB; larger inputs are refused");
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, size_t max_size) {
  const bool stdin_ = path == "-";
  const std::string name = stdin_ ? std::string("standard input") : path.string();
  const int fd = stdin_ ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? Errc::not_found : Errc::io,
                      name + ": cannot open for reading: " + std::strerror(err));
  }
  struct Closer {
    int fd;
    bool own;
    ~Closer() {
      if (own) ::close(fd);
    }
  } closer{fd, !stdin_};
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return make_error(Errc::invalid_input, name + ": is a directory");
  std::string data;
  // A regular file says its size: read it in one allocation (or refuse it at once).
  if (S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_size) return too_large(name, max_size);
    data.reserve(static_cast<size_t>(st.st_size));
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Errc::io, name + ": read error: " + std::strerror(errno));
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > max_size) return too_large(name, max_size);
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

Status write_file(const std::filesystem::path& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(Errc::io, path.string() + ": cannot open for writing: " + std::strerror(errno));
  int error = write_all(fd, data);
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) return make_error(Errc::io, path.string() + ": " + std::strerror(error));
  return {};
}

Result<std::string> gunzip(std::string_view data, size_t max_size) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(Errc::internal, "inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return make_error(Errc::invalid_input, "gzip data is corrupt");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_size) {
      inflateEnd(&zs);
      return make_error(Errc::invalid_input, "gzip data expands past " + std::to_string(max_size) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return make_error(Errc::invalid_input, "gzip data is truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> read_maybe_gzipped(const std::filesystem::path& path) {
  auto data = read_file(path);
  if (!data || path.extension() != ".gz") return data;
  auto plain = gunzip(*data);
  if (!plain) return make_error(plain.error().code, path.string() + ": " + plain.error().message);
  return plain;
}

std::string log_file_problem(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) return "is a directory; expected a file name";
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) && path != "/dev/null")
    return "exists and is not a regular file";
  // The nearest folder that exists decides where the file (and any missing folder) would be created.
  std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  while (!std::filesystem::exists(folder, ec) && folder.has_relative_path() && folder != folder.parent_path())
    folder = folder.parent_path();
  if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
    return "cannot be created: \"" + folder.string() + "\" is not a folder";
  struct statfs fs {};
  if (::statfs(folder.c_str(), &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC))
    return "lies on a kernel pseudo file system (" + folder.string() + "), where files cannot be created";
  return {};
}

}  // namespace redline
