// spdlog setup shared by redlined and redline.
#pragma once

#include <string>

namespace redline::app {

// Logs to stderr. Under systemd (JOURNAL_STREAM set) lines carry a <N> syslog priority prefix and no
// timestamp, so journald records the right priority; otherwise lines carry a local timestamp.
void setup_logging(const std::string& level);

}  // namespace redline::app
