// Config: the validated contents of redline.toml (reference: docs/configuration.md).
// Produced by load_config(); immutable afterwards, so it may be shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/api_config.hpp"
#include "core/time.hpp"
#include "util/pattern.hpp"

namespace redline {

struct StoreConfig {
  std::filesystem::path path;  // SQLite (the default)
  // PostgreSQL instead: a libpq URI ("postgresql://user@host:5432/redline?sslmode=verify-full").
  // Setting both url and path is a configuration error.
  std::string url;
  std::string synchronous = "normal";  // off | normal | full | extra
  // Retention, applied by `redline gc`; 0 keeps forever. Versions themselves are always kept.
  int keep_raw_days = 0;         // raw fetched bytes no version of the last N days references
  int keep_delivered_days = 30;  // delivered outbox rows
};

// [node]: this process among the nodes that share one PostgreSQL store (docs/scale-out.md).
struct NodeConfig {
  std::string name;                           // default: the host name
  Duration lease = std::chrono::seconds(30);  // how long a claimed check or delivery stays this node's
};

struct HttpConfig {
  std::string user_agent;  // empty = the built-in "redline/<version>" agent
  Duration connect_timeout = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(30);
  size_t max_body = 8u << 20;
  int max_redirects = 10;
  int max_connections = 256;
  int per_host_connections = 4;                  // requests in flight per origin
  double per_host_rate = 1.0;                    // request starts per second per origin; 0 = unlimited
  Duration backoff_max = std::chrono::hours(1);  // longest pause of an origin after repeated failures
};

struct NotifyConfig {
  std::vector<std::string> classes{"headline", "body", "byline"};  // classes that notify
  Duration max_age = std::chrono::hours(24);                       // retry deliveries this long, then dead
};

// One step of a tiered schedule: check every `every` while the article is younger than `until`.
struct ScheduleTier {
  Duration until;
  Duration every;
};

// How checks are planned (docs/configuration.md, [schedule]).
struct ScheduleConfig {
  // The "news" schedule: tiers by article age (since publication, or since the last change when that
  // is later); past the last tier the article is no longer checked.
  std::vector<ScheduleTier> news{{std::chrono::hours(3), std::chrono::minutes(15)},
                                 {std::chrono::hours(24), std::chrono::hours(1)},
                                 {std::chrono::hours(24 * 7), std::chrono::hours(3)},
                                 {std::chrono::hours(24 * 30), std::chrono::hours(24)}};
  double jitter = 0.1;                          // each interval is moved by up to ±jitter of itself
  Duration catch_up = std::chrono::minutes(1);  // new and overdue checks are spread evenly over this window
};

struct WatchConfig {
  std::string url;
  Duration every = std::chrono::minutes(30);
  bool news = false;  // schedule = "news": tiers by article age instead of `every`
  int line = 0;       // where it was declared, for messages
};

// [[feed]]: a feed or sitemap whose items become watches (mode "link") or versions (mode "content").
// lib/feeds does the work (FeedPoller); the monitor turns a FeedConfig into a FeedSource.
struct FeedConfig {
  std::string url;
  std::string name;                           // default: the URL's host
  Duration every = std::chrono::minutes(10);  // poll interval
  std::string mode = "link";                  // "link" | "content" (feed_mode_from_string)
  Duration max_age = std::chrono::hours(48);  // items older than this are ignored
  std::string schedule = "news";              // of the watches it creates: "news" or a duration ("30m")
  int line = 0;                               // where it was declared, for messages
};

struct WebhookConfig {
  std::string name;
  std::string url;
  std::vector<std::string> secrets;                 // whsec_<base64>; the first one signs, all are sent during rotation
  std::optional<std::vector<std::string>> classes;  // overrides [notify] classes
  Duration timeout = std::chrono::seconds(10);
  std::string preset = "standard";  // standard | slack | discord | mattermost | teams | ntfy | matrix
  std::string token;                // matrix (required), ntfy (optional): Authorization: Bearer
  std::string room;                 // matrix: room id or alias; url is then the homeserver
  // Filters besides classes (docs/notifications.md): host suffixes ([[site]] match values), empty = every
  // site; [[feed]] names, empty = any, non-empty never matches an event that came from no feed.
  std::vector<std::string> sites;
  std::vector<std::string> feeds;
};

struct EmailConfig {
  std::string name;
  std::string smtp_url;  // smtp://host[:port] or smtps://host[:port]
  std::string from;
  std::vector<std::string> to;
  std::string username;  // empty: no AUTH
  std::string password;
  std::string starttls = "always";                  // always | opportunistic | never
  std::optional<std::vector<std::string>> classes;  // overrides [notify] classes
  std::vector<std::string> sites;                   // as WebhookConfig
  std::vector<std::string> feeds;
  Duration timeout = std::chrono::seconds(30);
};

struct DiffLogConfig {
  std::filesystem::path jsonl_path;  // "" = no JSON-lines file
  uint64_t max_size = 10u << 20;     // rotate past this many bytes; 0 = never
  int max_files = 5;                 // rotated files kept (name.1 … name.N)
};

struct SiteConfig {
  std::string match;                // host suffix: "dw.com" matches "www.dw.com"
  Pattern id;                       // regex on the URL whose first group is the article id; may be empty
  std::vector<Pattern> drop_text;   // regexes: blocks to discard before storing
  std::vector<std::string> ignore;  // regexes: volatile text ignored when comparing
  std::string headline_xpath;       // XPath overrides of the generic extractor; empty = generic
  std::string body_xpath;
  std::string byline_xpath;
  std::vector<std::string> drop_xpaths;     // XPath: nodes removed before extraction
  std::optional<int> per_host_connections;  // overrides [http] for hosts that match
  std::optional<double> per_host_rate;
};

struct Config {
  std::filesystem::path file;  // the file it was read from
  StoreConfig store;
  NodeConfig node;
  std::string log_level = "info";
  std::filesystem::path difflog;
  DiffLogConfig difflog_files;  // the rest of [difflog]
  HttpConfig http;
  NotifyConfig notify;
  ScheduleConfig schedule;
  std::vector<std::string> ignore;  // global [diff] ignore regexes
  // [diff] ab_window / ab_settle: headline A/B tests (monitor/headline_test.hpp). A headline that returns
  // to a variant seen within ab_window, with the same body, starts a test; a test ends when one variant
  // alone has been served for ab_settle.
  Duration ab_window = std::chrono::hours(24);
  Duration ab_settle = std::chrono::hours(6);
  std::vector<WatchConfig> watches;
  std::vector<FeedConfig> feeds;
  std::vector<WebhookConfig> webhooks;
  std::vector<EmailConfig> emails;
  std::vector<SiteConfig> sites;
  ApiConfig api;

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

// Limits on a configuration file, so that no file can exhaust memory or the parser's stack.
inline constexpr size_t k_max_config_bytes = 1u << 20;
// Where both programs look without --config or $REDLINE_CONFIG (CLI11's envname reads the variable).
inline constexpr const char* k_default_config_path = "/etc/redline/redline.toml";
inline constexpr int k_max_config_depth = 32;  // levels of dotted keys, tables and inline values

// Reads and validates a config file. Relative paths inside it resolve against its folder.
// Throws ConfigError on unknown keys, wrong types and bad values (startup only; exit status 78).
Config load_config(const std::filesystem::path& file, const ConfigEnvironment& env);
Config parse_config(std::string_view text, const std::filesystem::path& file, const ConfigEnvironment& env);

// `redline config check`: every problem of the file, not only the first, each as "file:line: …" in
// line order (a TOML syntax error stops the reading: it is then the only one). `config` is set when
// there is none; it is then what load_config() returns.
struct ConfigCheck {
  std::optional<Config> config;
  std::vector<std::string> errors;
};
ConfigCheck check_config_file(const std::filesystem::path& file, const ConfigEnvironment& env);

}  // namespace redline
