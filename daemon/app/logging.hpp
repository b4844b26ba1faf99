// spdlog setup shared by redlined and redline.
#pragma once

#include <string>

namespace redline::app {

// Whether stderr is the journal's stream: JOURNAL_STREAM ("<device>:<inode>", systemd.exec(5)) names the
// stream systemd connected, and it is inherited by children whose stderr was redirected since, so the
// device and inode of file descriptor 2 must match it.
bool stderr_is_journal();

// Logs to stderr. Under systemd (stderr_is_journal()) lines carry a <N> syslog priority prefix and no
// timestamp, so journald records the right priority; otherwise lines carry a local timestamp.
void setup_logging(const std::string& level);

}  // namespace redline::app
