// The CLI's standard output. std::cout writes through a buffer that remembers the first failed write(2),
// and finish_output() flushes and closes descriptor 1, so that a full disk (`redline export > /dev/full`)
// ends in exit 74 with the reason instead of a silently cut backup.
#pragma once

namespace redline::cli {

// Puts the checked buffer behind std::cout. Call once, first thing in main().
void install_checked_stdout();

// Flushes std::cout and closes standard output. Returns `status` when everything was written, else prints
// "redline: standard output: <reason>" and returns k_exit_io. A reader that closed its pipe (EPIPE, as in
// `redline list | head`) is not an error: the reader chose to stop.
int finish_output(int status);

}  // namespace redline::cli
