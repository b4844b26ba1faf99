#include "cli/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <string>

#include "core/exit_code.hpp"
#include "util/file.hpp"

namespace redline::cli {

namespace {

class CheckedStdout : public std::streambuf {
 public:
  CheckedStdout() { setp(m_buffer, m_buffer + sizeof m_buffer); }

  // The first write error (errno), 0 when none.
  int error() const { return m_error; }

 protected:
  int_type overflow(int_type ch) override {
    if (!flush_buffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  bool flush_buffer() {
    const std::string_view pending(pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(m_buffer, m_buffer + sizeof m_buffer);
    if (m_error) return false;
    m_error = write_all(STDOUT_FILENO, pending);
    return m_error == 0;
  }

  char m_buffer[64 * 1024];
  int m_error = 0;
};

// Never destroyed: std::cout is flushed at exit, after function-local statics are gone.
CheckedStdout& checked_stdout() {
  static auto* buffer = new CheckedStdout;
  return *buffer;
}

}  // namespace

void install_checked_stdout() { std::cout.rdbuf(&checked_stdout()); }

int finish_output(int status) {
  std::cout.flush();
  int error = checked_stdout().error();
  if (::close(STDOUT_FILENO) != 0 && error == 0 && errno != EBADF) error = errno;
  if (error == 0 || error == EPIPE) return status;
  std::cerr << "redline: standard output: " << std::strerror(error) << "\n";
  return k_exit_io;
}

}  // namespace redline::cli
