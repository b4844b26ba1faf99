// Adding and removing run-time watches, as `redline add` / `redline remove` and the API's
// POST/DELETE /api/v1/watches do it: one implementation, so both check the same things.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace redline {

struct WatchRequest {
  std::string url;
  std::string every;     // "" or a duration of at least 1s ("30m")
  std::string schedule;  // "" or "news"
};

struct WatchEdit {
  enum class Outcome { added, already_watched, in_config, removed };
  Outcome outcome = Outcome::added;
  std::string key;                // the article's key (added / already_watched)
  std::optional<Duration> every;  // added: nullopt = the news schedule
  int config_line = 0;            // in_config: where the [[watch]] is
};

// The configuration's [[watch]] with this URL, or nullptr.
const WatchConfig* config_watch(const Config& config, std::string_view url);

// The request's interval (nullopt: the news schedule), or Errc::invalid_input naming the bad value.
Result<std::optional<Duration>> validate_watch_request(const WatchRequest& request);

// Errc::invalid_input (with a sentence naming the bad value) for a URL that is not http(s), a bad
// `every` or `schedule`; in_config when the configuration lists the URL (nothing is stored).
Result<WatchEdit> add_watch(const Config& config, Store& store, const WatchRequest& request, Timestamp now);
// in_config (nothing changes: the file must be edited), removed, or Errc::not_found when the URL is
// not a run-time watch.
Result<WatchEdit> remove_watch(const Config& config, Store& store, std::string_view url);

}  // namespace redline
