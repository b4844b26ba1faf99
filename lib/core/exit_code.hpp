// Exit statuses shared by redlined and redline (sysexits.h values where one fits).
#pragma once

#include "core/result.hpp"

namespace redline {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_differences = 1,  // compare-like commands only: differences were found
  k_exit_usage = 2,        // usage or input error
  k_exit_unavailable = 69,
  k_exit_io = 74,        // store I/O error
  k_exit_tempfail = 75,  // the store changed under the command: running it again may succeed
  k_exit_config = 78,    // configuration error
};

inline int exit_code_for(Errc code) {
  switch (code) {
    case Errc::invalid_input:
    case Errc::not_found:
      return k_exit_usage;
    case Errc::unavailable:
      return k_exit_unavailable;
    case Errc::io:
      return k_exit_io;
    case Errc::config:
      return k_exit_config;
    case Errc::conflict:
      return k_exit_tempfail;
    case Errc::internal:
      return k_exit_io;
  }
  return k_exit_io;
}

}  // namespace redline
