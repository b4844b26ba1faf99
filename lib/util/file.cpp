#include "util/file.hpp"

#include <zlib.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace redline {

Result<std::string> read_file(const std::filesystem::path& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, path.string() + ": cannot open for reading");
  std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return make_error(Errc::io, path.string() + ": read error");
  return data;
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

}  // namespace redline
