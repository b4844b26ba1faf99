// Helpers of the config tests: a config text parsed as if it were /etc/redline/redline.toml.
#pragma once

#include <string>

#include "config/config.hpp"

namespace redline::testing {

inline Config parse(const std::string& text, const ConfigEnvironment& env = ConfigEnvironment{}) {
  return parse_config(text, "/etc/redline/redline.toml", env);
}

// The message of the ConfigError that `text` raises, or "" when it parses.
inline std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace redline::testing
