// Config: the validated contents of redline.toml (reference: docs/configuration.md).
// Produced by load_config(); immutable afterwards, so it may be shared between threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace redline {

struct StoreConfig {
  std::filesystem::path path;
  std::string synchronous = "normal";  // off | normal | full | extra
  // Retention, applied by `redline gc`; 0 keeps forever. Versions themselves are always kept.
  int keep_raw_days = 0;         // raw fetched bytes no version of the last N days references
  int keep_delivered_days = 30;  // delivered outbox rows
};

struct HttpConfig {
  std::string user_agent;  // empty = the built-in "redline/<version>" agent
  Duration connect_timeout = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(30);
  size_t max_body = 8u << 20;
  int max_redirects = 10;
  int max_connections = 256;
  int per_host_connections = 4;
};

struct NotifyConfig {
  std::vector<std::string> classes{"headline", "body", "byline"};  // classes that notify
  Duration max_age = std::chrono::hours(24);                       // retry deliveries this long, then dead
};

struct WatchConfig {
  std::string url;
  Duration every = std::chrono::minutes(30);
  int line = 0;  // where it was declared, for messages
};

struct WebhookConfig {
  std::string name;
  std::string url;
  std::vector<std::string> secrets;                 // whsec_<base64>; the first one signs, all are sent during rotation
  std::optional<std::vector<std::string>> classes;  // overrides [notify] classes
  Duration timeout = std::chrono::seconds(10);
};

struct SiteConfig {
  std::string match;                   // host suffix: "dw.com" matches "www.dw.com"
  std::string id;                      // regex on the URL whose first group is the article id; may be empty
  std::vector<std::string> drop_text;  // regexes: blocks to discard before storing
  std::vector<std::string> ignore;     // regexes: volatile text ignored when comparing
  std::string headline_xpath;          // XPath overrides of the generic extractor; empty = generic
  std::string body_xpath;
  std::string byline_xpath;
  std::vector<std::string> drop_xpaths;  // XPath: nodes removed before extraction
};

struct Config {
  std::filesystem::path file;  // the file it was read from
  StoreConfig store;
  std::string log_level = "info";
  std::filesystem::path difflog;
  HttpConfig http;
  NotifyConfig notify;
  std::vector<std::string> ignore;  // global [diff] ignore regexes
  std::vector<WatchConfig> watches;
  std::vector<WebhookConfig> webhooks;
  std::vector<SiteConfig> sites;

  // The first [[site]] whose `match` suffix-matches the URL's host, or nullptr.
  const SiteConfig* site_for(std::string_view url) const;
};

// Where defaults come from; the daemon passes the real environment, tests their own.
struct ConfigEnvironment {
  std::string state_directory;  // $STATE_DIRECTORY (systemd), may be empty
  std::string logs_directory;   // $LOGS_DIRECTORY (systemd), may be empty
  static ConfigEnvironment from_process();
};

// Thrown by load_config: `what()` is "file:line: what is wrong, what is expected".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and validates a config file. Relative paths inside it resolve against its folder.
// Throws ConfigError on unknown keys, wrong types and bad values (startup only; exit status 78).
Config load_config(const std::filesystem::path& file, const ConfigEnvironment& env);
Config parse_config(std::string_view text, const std::filesystem::path& file, const ConfigEnvironment& env);

}  // namespace redline
