// What a running daemon knows of each [[feed]]: its polls are not recorded in the store, so the web
// desk's /watches shows them from the daemon's memory (FeedWatcher::states(), handed to lib/api).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace redline {

struct FeedState {
  std::string name;
  std::string url;
  std::optional<Timestamp> last_poll;  // nullopt: not polled since the daemon started
  Timestamp next_poll{};
  bool ok = true;          // the last poll fetched and understood the feed (or it was unchanged)
  std::string last_error;  // the last poll's last error (a child document or an item), "" if none
  uint64_t polls = 0;
  uint64_t failed_polls = 0;
};

}  // namespace redline
