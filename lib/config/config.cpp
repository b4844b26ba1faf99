#include "config/config.hpp"

#include <libxml/xpath.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>
#include <vector>

#include "core/webhook_preset.hpp"
#include "diff/compare.hpp"
#include "util/crypto.hpp"
#include "util/file.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

void ignore_xml_error(void*, const char*, ...) {}

bool is_valid_xpath(const std::string& expr) {
  if (expr.empty()) return false;
  // libxml2 reports syntax errors through its generic error handler; silence it for this check.
  xmlSetGenericErrorFunc(nullptr, ignore_xml_error);
  xmlXPathCompExprPtr compiled = xmlXPathCompile(reinterpret_cast<const xmlChar*>(expr.c_str()));
  xmlSetGenericErrorFunc(nullptr, nullptr);
  if (!compiled) return false;
  xmlXPathFreeCompExpr(compiled);
  return true;
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  std::string unit;
  for (char c : text.substr(digits))
    if (c != ' ') unit += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  int shift = -1;
  if (unit.empty() || unit == "B") shift = 0;
  if (unit == "KB" || unit == "KIB" || unit == "K") shift = 10;
  if (unit == "MB" || unit == "MIB" || unit == "M") shift = 20;
  if (unit == "GB" || unit == "GIB" || unit == "G") shift = 30;
  // 12 digits shifted by 30 need 70 bits: a size that does not fit is refused, not wrapped.
  if (shift < 0 || n > (std::numeric_limits<uint64_t>::max() >> shift)) return std::nullopt;
  return n << shift;
}

// toml++ recurses once per level of dotted keys and table headers, and so does destroying what it built:
// a key nested 40 000 deep ("a.a.a…") overflows the stack. Before parsing, the text is scanned (strings
// and comments skipped) for the deepest key path, counting dotted segments and the [ and { around them.
// toml++ limits the nesting of values alone to 256 (TOML_MAX_NESTED_VALUES).
void check_toml_limits(std::string_view text, const std::string& file) {
  if (text.size() > k_max_config_bytes)
    throw ConfigError(file + ":1: the configuration is " + std::to_string(text.size()) + " bytes; at most " +
                      std::to_string(k_max_config_bytes) + " are accepted");
  std::vector<int> open;  // depth at each open [ or {
  int dots = 0;           // dots in the current run of key segments
  int line = 1;
  size_t i = 0;
  const auto skip_string = [&](char quote) {
    const bool multi = text.substr(i, 3) == std::string(3, quote);
    const std::string_view end = multi ? text.substr(i, 3) : text.substr(i, 1);
    i += end.size();
    while (i < text.size() && text.substr(i, end.size()) != end) {
      if (text[i] == '\n') ++line;
      if (quote == '"' && text[i] == '\\') ++i;
      ++i;
    }
    i += end.size();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      skip_string(c);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    const int base = open.empty() ? 0 : open.back();
    if (c == '.') {
      if (base + ++dots > k_max_config_depth)
        throw ConfigError(file + ":" + std::to_string(line) + ": keys and tables are nested more than " +
                          std::to_string(k_max_config_depth) + " levels deep");
    } else if (c == '[' || c == '{') {
      open.push_back(base + dots + 1);
      dots = 0;
      if (open.back() > k_max_config_depth)
        throw ConfigError(file + ":" + std::to_string(line) + ": keys and tables are nested more than " +
                          std::to_string(k_max_config_depth) + " levels deep");
    } else if (c == ']' || c == '}') {
      if (!open.empty()) open.pop_back();
      dots = 0;
    } else if (c == '=' || c == ',' || c == '\n') {
      dots = 0;
    }
    if (c == '\n') ++line;
    ++i;
  }
}

// A ConfigError that knows the node at fault (or the table, for a table-level problem) and its table,
// so that check_config_file() can set it aside and read on.
struct NodeError : ConfigError {
  NodeError(const std::string& what, const toml::node* at, const toml::table* in)
      : ConfigError(what), node(at), table(in) {}
  const toml::node* node;
  const toml::table* table;
};

// Reads one TOML table, remembering which keys were consumed so that unknown ones can be reported.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string name, const std::string& file)
      : m_table(table), m_name(std::move(name)), m_file(file) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& message) const {
    const int line = node ? static_cast<int>(node->source().begin.line) : static_cast<int>(m_table.source().begin.line);
    throw NodeError(m_file + ":" + std::to_string(line) + ": " + message, node ? node : &m_table, &m_table);
  }

  const toml::node* get(std::string_view key) {
    m_known.insert(std::string(key));
    return m_table.get(key);
  }

  std::optional<std::string> string(std::string_view key) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    const auto* s = node->as_string();
    if (!s) fail(node, where(key) + " must be a string");
    return s->get();
  }

  // A string that goes into a protocol header (HTTP, SMTP): a CR or LF would inject a header of its own.
  std::optional<std::string> header_value(std::string_view key) {
    auto s = string(key);
    if (s) reject_control_characters(key, *s);
    return s;
  }

  void reject_control_characters(std::string_view key, std::string_view value) {
    for (const char c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        fail(get(key), where(key) + " must not contain control characters (a line break would inject a header)");
  }

  std::string required_string(std::string_view key) {
    auto s = string(key);
    if (!s) fail(nullptr, where(key) + " is required");
    if (s->empty()) fail(get(key), where(key) + " must not be empty");
    return *s;
  }

  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    const auto* i = node->as_integer();
    if (!i) fail(node, where(key) + " must be an integer");
    if (i->get() < min || i->get() > max)
      fail(node, where(key) + " is " + std::to_string(i->get()) + ", expected " + std::to_string(min) + ".." +
                     std::to_string(max));
    return i->get();
  }

  // An integer or a float.
  std::optional<double> number(std::string_view key, double min, double max) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    const auto value = node->value<double>();
    if (!value || !(node->is_integer() || node->is_floating_point())) fail(node, where(key) + " must be a number");
    if (!(*value >= min && *value <= max)) {
      std::ostringstream message;
      message << where(key) << " is " << *value << ", expected " << min << ".." << max;
      fail(node, message.str());
    }
    return value;
  }

  std::optional<Duration> duration(std::string_view key) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    const auto* s = node->as_string();
    const auto d = s ? parse_duration(s->get()) : std::nullopt;
    if (!d) fail(node, where(key) + " must be a duration such as \"30s\", \"15m\", \"1h30m\" or \"2d\"");
    if (*d < std::chrono::seconds(1)) fail(node, where(key) + " must be at least 1s");
    return d;
  }

  // A size: an integer number of bytes, or a string "<n>", "<n>B", "<n>KB", "<n>MB", "<n>GB" (KiB/MiB/GiB
  // too; K = 1024).
  std::optional<uint64_t> byte_size(std::string_view key) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    if (const auto* i = node->as_integer()) {
      if (i->get() < 0) fail(node, where(key) + " must not be negative");
      return static_cast<uint64_t>(i->get());
    }
    const auto* s = node->as_string();
    const auto size = s ? parse_byte_size(s->get()) : std::nullopt;
    if (!size) fail(node, where(key) + " must be a size such as 10485760, \"500KB\", \"10MB\" or \"1GB\"");
    return size;
  }

  // A string or an array of strings.
  std::optional<std::vector<std::string>> strings(std::string_view key, bool allow_single = false) {
    const auto* node = get(key);
    if (!node) return std::nullopt;
    if (allow_single && node->is_string()) return std::vector<std::string>{node->as_string()->get()};
    const auto* arr = node->as_array();
    if (!arr)
      fail(node,
           where(key) + (allow_single ? " must be a string or an array of strings" : " must be an array of strings"));
    std::vector<std::string> out;
    for (const auto& item : *arr) {
      const auto* s = item.as_string();
      if (!s) fail(&item, where(key) + " must contain only strings");
      out.push_back(s->get());
    }
    return out;
  }

  // Patterns for the diff's `ignore`: checked with the engine that will run them (ICU).
  std::vector<std::string> ignore_patterns(std::string_view key) {
    auto list = strings(key).value_or(std::vector<std::string>{});
    if (auto s = validate_compare_options(CompareOptions{list}); !s)
      fail(get(key), where(key) + ": " + s.error().message);
    return list;
  }

  // Patterns for the extractor's drop_text, compiled once here (RE2: linear time on any page).
  std::vector<Pattern> regexes(std::string_view key) {
    std::vector<Pattern> out;
    for (auto& source : strings(key).value_or(std::vector<std::string>{})) {
      out.emplace_back(std::move(source));
      if (!out.back().ok()) fail(get(key), invalid_regex(key, out.back()));
    }
    return out;
  }

  std::string invalid_regex(std::string_view key, const Pattern& p) const {
    return where(key) + " has an invalid regular expression \"" + p.source() + "\": " + p.error() +
           " (RE2 syntax: no back-references or look-around)";
  }

  // An optional XPath expression ("" when absent).
  std::string xpath(std::string_view key) {
    auto expr = string(key);
    if (!expr) return {};
    if (!is_valid_xpath(*expr)) fail(get(key), where(key) + " is not a valid XPath expression: \"" + *expr + "\"");
    return *expr;
  }

  // Reports the first key that nothing asked for.
  void reject_unknown() const {
    for (const auto& [key, node] : m_table) {
      if (!m_known.count(std::string(key.str())))
        fail(&node,
             "unknown key \"" + std::string(key.str()) + "\" in " + m_name + "; expected one of: " + known_list());
    }
  }

  std::string where(std::string_view key) const { return m_name + "." + std::string(key); }
  int line() const { return static_cast<int>(m_table.source().begin.line); }

 private:
  std::string known_list() const {
    std::string out;
    for (const auto& k : m_known) out += (out.empty() ? "" : ", ") + k;
    return out;
  }

  const toml::table& m_table;
  std::string m_name;
  const std::string& m_file;
  std::set<std::string> m_known;
};

std::filesystem::path resolve_path(const std::filesystem::path& base_dir, const std::string& value) {
  std::filesystem::path p(value);
  return p.is_absolute() ? p : (base_dir / p).lexically_normal();
}

// An http(s) URL (redline::check_http_url), in the form to use (an internationalized host as punycode).
void require_http_url(TableReader& reader, std::string_view key, std::string& url) {
  auto checked = redline::check_http_url(url);
  if (!checked) reader.fail(reader.get(key), reader.where(key) + ": " + checked.error().message);
  url = std::move(*checked);
}

// The table's required http(s) `url`, which must not be listed twice in tables of its kind.
std::string unique_url(TableReader& reader, std::set<std::string>& seen) {
  std::string url = reader.required_string("url");
  require_http_url(reader, "url", url);
  if (!seen.insert(url).second)
    reader.fail(reader.get("url"), reader.where("url") + " \"" + url + "\" is listed twice");
  return url;
}

const std::set<std::string> k_classes = {"headline",   "body",   "byline",  "dates",  "minor", "revert",
                                         "correction", "silent", "numbers", "quotes", "lede"};

std::vector<std::string> read_classes(TableReader& reader, std::string_view key, std::vector<std::string> fallback) {
  auto list = reader.strings(key);
  if (!list) return fallback;
  for (const auto& c : *list)
    if (!k_classes.count(c))
      reader.fail(
          reader.get(key),
          reader.where(key) + " has unknown class \"" + c +
              "\"; expected headline, body, byline, dates, minor, revert, correction, silent, numbers, quotes or lede");
  return *list;
}

// What [[webhook]] and [[email]] share: classes, sites and feeds filters, and the per-attempt timeout.
template <typename Notifier>
void read_filters_and_timeout(TableReader& r, Notifier& n, const std::vector<FeedConfig>& feeds) {
  if (r.get("classes")) n.classes = read_classes(r, "classes", {});
  n.sites = r.strings("sites").value_or(std::vector<std::string>{});
  n.feeds = r.strings("feeds").value_or(std::vector<std::string>{});
  for (const auto& name : n.feeds)
    if (std::none_of(feeds.begin(), feeds.end(), [&](const FeedConfig& f) { return f.name == name; }))
      r.fail(r.get("feeds"), r.where("feeds") + " names \"" + name + "\", but no [[feed]] has that name");
  if (auto d = r.duration("timeout")) n.timeout = *d;
}

// Iterates an array of tables ([[name]]), failing on anything else.
template <typename Fn>
void each_table(TableReader& root, std::string_view key, Fn&& fn) {
  const auto* node = root.get(key);
  if (!node) return;
  const auto* arr = node->as_array();
  if (!arr || !arr->is_array_of_tables())
    root.fail(node, std::string(key) + " must be written as [[" + std::string(key) + "]] tables");
  for (const auto& item : *arr) fn(*item.as_table());
}

// [schedule] news = [{ until = "3h", every = "15m" }, …], jitter, catch_up.
void read_schedule(TableReader& r, ScheduleConfig& out, const std::string& file) {
  if (const auto* node = r.get("news")) {
    const auto* arr = node->as_array();
    if (!arr || arr->empty())
      r.fail(node, "schedule.news must be a non-empty array of { until = \"3h\", every = \"15m\" } tables");
    out.news.clear();
    for (const auto& item : *arr) {
      const auto* t = item.as_table();
      if (!t) r.fail(&item, "schedule.news must contain only { until = \"…\", every = \"…\" } tables");
      TableReader tier(*t, "schedule.news", file);
      const auto until = tier.duration("until");
      const auto every = tier.duration("every");
      if (!until || !every) tier.fail(&item, "schedule.news tiers need both `until` and `every`");
      if (!out.news.empty() && *until <= out.news.back().until)
        tier.fail(&item, "schedule.news tiers must be in increasing order of `until`");
      tier.reject_unknown();
      out.news.push_back({*until, *every});
    }
  }
  if (auto j = r.number("jitter", 0.0, 0.5)) out.jitter = *j;
  if (auto d = r.duration("catch_up")) out.catch_up = *d;
}

// [[feed]] tables (docs/configuration.md).
void read_feeds(TableReader& root, Config& cfg, const std::string& file) {
  std::set<std::string> urls;
  std::set<std::string> names;
  each_table(root, "feed", [&](const toml::table& t) {
    TableReader r(t, "feed", file);
    FeedConfig f;
    f.line = r.line();
    f.url = unique_url(r, urls);
    f.name = r.string("name").value_or(url_host(f.url));
    if (f.name.empty()) r.fail(r.get("name"), "feed.name must not be empty");
    if (!names.insert(f.name).second)
      r.fail(r.get("name") ? r.get("name") : r.get("url"),
             "feed.name \"" + f.name + "\" is used by another [[feed]]; give each feed its own name");
    if (auto d = r.duration("every")) f.every = *d;
    if (auto m = r.string("mode")) {
      if (*m != "link" && *m != "content")
        r.fail(r.get("mode"), "feed.mode is \"" + *m +
                                  "\", expected \"link\" (follow each item's link) or "
                                  "\"content\" (store each item's text)");
      f.mode = *m;
    }
    if (auto d = r.duration("max_age")) f.max_age = *d;
    if (auto s = r.string("schedule")) {
      const auto every = parse_duration(*s);
      if (*s != "news" && (!every || *every < std::chrono::seconds(1)))
        r.fail(r.get("schedule"), "feed.schedule is \"" + *s + "\", expected \"news\" or a duration such as \"30m\"");
      f.schedule = *s;
    }
    r.reject_unknown();
    cfg.feeds.push_back(std::move(f));
  });
}

// [api] and its [[api.token]] tables (docs/configuration.md). A listen address other than loopback
// needs a token: the API would otherwise be open to the network.
void read_api(TableReader& r, ApiConfig& api, const std::string& file) {
  if (auto l = r.string("listen")) {
    api.listen = *l;
    api.listen_configured = true;
  }
  std::optional<ListenAddress> address;
  if (!api.listen.empty()) {
    address = parse_listen(api.listen);
    if (!address)
      r.fail(r.get("listen"), "api.listen is \"" + api.listen +
                                  "\", expected \"host:port\" (IPv4, [IPv6] or localhost), \"unix:/path\" or \"\"");
  }
  if (auto b = r.string("base_url")) {
    require_http_url(r, "base_url", *b);
    api.base_url = *b;
    while (!api.base_url.empty() && api.base_url.back() == '/') api.base_url.pop_back();
  }
  if (auto n = r.integer("max_connections", 1, 100000)) api.max_connections = static_cast<int>(*n);
  std::set<std::string> names;
  each_table(r, "token", [&](const toml::table& t) {
    TableReader tr(t, "api.token", file);
    ApiToken token;
    token.line = tr.line();
    token.name = tr.required_string("name");
    if (!names.insert(token.name).second)
      tr.fail(tr.get("name"), "api.token.name \"" + token.name + "\" is used twice");
    token.token = tr.required_string("token");
    tr.reject_control_characters("token", token.token);
    if (token.token.size() < 32)
      tr.fail(tr.get("token"), "api.token.token of \"" + token.name + "\" is " + std::to_string(token.token.size()) +
                                   " characters, expected at least 32 (generate one with: head -c 32 /dev/urandom | "
                                   "base64)");
    const std::string scope = tr.string("scope").value_or("read");
    if (scope != "read" && scope != "write")
      tr.fail(tr.get("scope"), "api.token.scope is \"" + scope + "\", expected \"read\" or \"write\"");
    token.scope = scope == "write" ? TokenScope::write : TokenScope::read;
    tr.reject_unknown();
    api.tokens.push_back(std::move(token));
  });
  if (address && !is_loopback(*address) && api.tokens.empty())
    r.fail(r.get("listen"), "api.listen \"" + api.listen +
                                "\" is not a loopback address and no [[api.token]] is configured; add a token "
                                "(scope \"read\" or \"write\") or listen on 127.0.0.1");
}

void read_sections(TableReader& root, Config& cfg, const std::filesystem::path& dir, const std::string& file,
                   const ConfigEnvironment& env) {
  // Defaults that depend on the environment.
  cfg.store.path = env.state_directory.empty() ? std::filesystem::path("state/redline.db")
                                               : std::filesystem::path(env.state_directory) / "redline.db";

  const auto section = [&](std::string_view key, auto&& fn) {
    const auto* node = root.get(key);
    if (!node) return;
    const auto* t = node->as_table();
    if (!t) root.fail(node, std::string(key) + " must be a table ([" + std::string(key) + "])");
    TableReader reader(*t, std::string(key), file);
    fn(reader);
    reader.reject_unknown();
  };

  bool difflog_set = false;
  section("store", [&](TableReader& r) {
    const auto path = r.string("path");
    if (path && path->empty()) r.fail(r.get("path"), "store.path must not be empty: the SQLite file of the store");
    if (path) cfg.store.path = resolve_path(dir, *path);
    if (auto u = r.string("url")) {
      if (path)
        r.fail(r.get("url"), "store.url and store.path are both set: url selects PostgreSQL, path SQLite; keep one");
      if (!u->starts_with("postgresql://") && !u->starts_with("postgres://"))
        r.fail(r.get("url"), "store.url is \"" + *u + "\", expected a PostgreSQL URI (postgresql://user@host/db)");
      cfg.store.url = *u;
    }
    if (auto s = r.string("synchronous")) {
      if (*s != "off" && *s != "normal" && *s != "full" && *s != "extra")
        r.fail(r.get("synchronous"), "store.synchronous is \"" + *s + "\", expected off, normal, full or extra");
      cfg.store.synchronous = *s;
    }
    if (auto n = r.integer("keep_raw_days", 0, 365000)) cfg.store.keep_raw_days = static_cast<int>(*n);
    if (auto n = r.integer("keep_delivered_days", 0, 365000)) cfg.store.keep_delivered_days = static_cast<int>(*n);
  });
  section("node", [&](TableReader& r) {
    if (auto n = r.string("name")) {
      if (n->empty()) r.fail(r.get("name"), "node.name must not be empty");
      cfg.node.name = *n;
    }
    if (auto d = r.duration("lease")) {
      if (*d < std::chrono::seconds(2)) r.fail(r.get("lease"), "node.lease must be at least 2s");
      cfg.node.lease = *d;
    }
  });
  if (cfg.node.name.empty()) {
    std::array<char, 256> host{};
    cfg.node.name = gethostname(host.data(), host.size() - 1) == 0 && host[0] ? host.data() : "redline";
  }
  section("log", [&](TableReader& r) {
    if (auto l = r.string("level")) {
      static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
      if (!levels.count(*l))
        r.fail(r.get("level"),
               "log.level is \"" + *l + "\", expected trace, debug, info, warn, error, critical or off");
      cfg.log_level = *l;
    }
  });
  bool jsonl_set = false;
  section("difflog", [&](TableReader& r) {
    if (auto p = r.string("path")) {
      cfg.difflog = resolve_path(dir, *p);
      if (const std::string problem = log_file_problem(cfg.difflog); !problem.empty())
        r.fail(r.get("path"), "difflog.path \"" + cfg.difflog.string() + "\" " + problem);
      difflog_set = true;
    }
    if (auto p = r.string("jsonl_path")) {
      cfg.difflog_files.jsonl_path = p->empty() ? std::filesystem::path() : resolve_path(dir, *p);
      if (const std::string problem = p->empty() ? std::string() : log_file_problem(cfg.difflog_files.jsonl_path);
          !problem.empty())
        r.fail(r.get("jsonl_path"), "difflog.jsonl_path \"" + cfg.difflog_files.jsonl_path.string() + "\" " + problem);
      jsonl_set = true;
    }
    if (auto n = r.byte_size("max_size")) cfg.difflog_files.max_size = *n;
    if (auto n = r.integer("max_files", 0, 1000)) cfg.difflog_files.max_files = static_cast<int>(*n);
  });
  section("http", [&](TableReader& r) {
    if (auto s = r.header_value("user_agent")) cfg.http.user_agent = *s;
    if (auto d = r.duration("connect_timeout")) cfg.http.connect_timeout = *d;
    if (auto d = r.duration("timeout")) cfg.http.timeout = *d;
    if (auto n = r.integer("max_body", 1024, 1LL << 30)) cfg.http.max_body = static_cast<size_t>(*n);
    if (auto n = r.integer("max_redirects", 0, 50)) cfg.http.max_redirects = static_cast<int>(*n);
    if (auto n = r.integer("max_connections", 1, 100000)) cfg.http.max_connections = static_cast<int>(*n);
    if (auto n = r.integer("per_host_connections", 1, 1000)) cfg.http.per_host_connections = static_cast<int>(*n);
    if (auto x = r.number("per_host_rate", 0, 1000)) cfg.http.per_host_rate = *x;
    if (auto d = r.duration("backoff_max")) cfg.http.backoff_max = *d;
  });
  section("notify", [&](TableReader& r) {
    cfg.notify.classes = read_classes(r, "classes", cfg.notify.classes);
    if (auto d = r.duration("max_age")) cfg.notify.max_age = *d;
  });
  section("diff", [&](TableReader& r) {
    cfg.ignore = r.ignore_patterns("ignore");
    if (auto d = r.duration("ab_window")) cfg.ab_window = *d;
    if (auto d = r.duration("ab_settle")) cfg.ab_settle = *d;
  });
  section("schedule", [&](TableReader& r) { read_schedule(r, cfg.schedule, file); });
  section("api", [&](TableReader& r) { read_api(r, cfg.api, file); });

  const auto default_log = [&](const char* name) {
    return env.logs_directory.empty() ? cfg.store.path.parent_path() / name
                                      : std::filesystem::path(env.logs_directory) / name;
  };
  if (!difflog_set) cfg.difflog = default_log("diff.log");
  if (!jsonl_set) cfg.difflog_files.jsonl_path = default_log("diff.jsonl");

  std::set<std::string> watch_urls;
  each_table(root, "watch", [&](const toml::table& t) {
    TableReader r(t, "watch", file);
    WatchConfig w;
    w.line = r.line();
    w.url = unique_url(r, watch_urls);
    if (auto d = r.duration("every")) w.every = *d;
    if (auto sched = r.string("schedule")) {
      if (*sched != "news") r.fail(r.get("schedule"), "watch.schedule is \"" + *sched + "\", expected \"news\"");
      if (r.get("every")) r.fail(r.get("schedule"), "watch.schedule and watch.every exclude each other; give one");
      w.news = true;
    }
    r.reject_unknown();
    cfg.watches.push_back(std::move(w));
  });

  read_feeds(root, cfg, file);  // before the notifiers, whose `feeds` filters name them

  std::set<std::string> notifier_names;
  const auto claim_name = [&](TableReader& r, const char* table, const std::string& name) {
    if (!notifier_names.insert(name).second)
      r.fail(r.get("name"), std::string(table) + ".name \"" + name +
                                "\" is used twice (names are shared by [[webhook]] and [[email]])");
    if (name == "difflog") r.fail(r.get("name"), std::string(table) + ".name \"difflog\" is reserved for the diff log");
  };
  each_table(root, "webhook", [&](const toml::table& t) {
    TableReader r(t, "webhook", file);
    WebhookConfig h;
    h.name = r.required_string("name");
    claim_name(r, "webhook", h.name);
    h.url = r.required_string("url");
    require_http_url(r, "url", h.url);
    if (auto p = r.string("preset")) {
      if (!webhook_preset_from_string(*p)) {
        std::string expected;
        for (size_t i = 0; i < k_webhook_preset_names.size(); ++i)
          expected += std::string(i == 0                                   ? ""
                                  : i + 1 == k_webhook_preset_names.size() ? " or "
                                                                           : ", ") +
                      std::string(k_webhook_preset_names[i]);
        r.fail(r.get("preset"), "webhook.preset is \"" + *p + "\", expected " + expected);
      }
      h.preset = *p;
    }
    auto secrets = r.strings("secret", true);
    if (h.preset == "standard" && (!secrets || secrets->empty()))
      r.fail(r.get("secret"), "webhook.secret is required: \"whsec_<base64>\" or an array of them");
    for (const auto& s : secrets.value_or(std::vector<std::string>{})) {
      const auto decoded = s.rfind("whsec_", 0) == 0 ? base64_decode(s.substr(6)) : std::nullopt;
      if (!decoded || decoded->size() < 24 || decoded->size() > 64)
        r.fail(r.get("secret"), "webhook.secret must be \"whsec_\" followed by the base64 of 24 to 64 random bytes");
    }
    h.secrets = secrets.value_or(std::vector<std::string>{});
    h.token = r.header_value("token").value_or("");
    h.room = r.string("room").value_or("");
    if (h.preset == "matrix" && (h.token.empty() || h.room.empty()))
      r.fail(
          r.get(h.token.empty() ? "token" : "room"),
          "webhook \"" + h.name + "\" with preset \"matrix\" needs token (an access token) and room (\"!id:server\")");
    if (!h.token.empty() && h.preset != "matrix" && h.preset != "ntfy")
      r.fail(r.get("token"), "webhook.token is only used by the matrix and ntfy presets");
    if (!h.room.empty() && h.preset != "matrix")
      r.fail(r.get("room"), "webhook.room is only used by the matrix preset");
    read_filters_and_timeout(r, h, cfg.feeds);
    r.reject_unknown();
    cfg.webhooks.push_back(std::move(h));
  });

  each_table(root, "email", [&](const toml::table& t) {
    TableReader r(t, "email", file);
    EmailConfig m;
    m.name = r.required_string("name");
    claim_name(r, "email", m.name);
    m.smtp_url = r.required_string("smtp_url");
    const auto scheme_end = m.smtp_url.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : m.smtp_url.substr(0, scheme_end);
    if ((scheme != "smtp" && scheme != "smtps") || m.smtp_url.size() <= scheme_end + 3)
      r.fail(r.get("smtp_url"),
             "email.smtp_url is \"" + m.smtp_url + "\", expected smtp://host:port or smtps://host:port");
    m.from = r.required_string("from");
    r.reject_control_characters("from", m.from);
    if (m.from.find('@') == std::string::npos)
      r.fail(r.get("from"), "email.from is \"" + m.from + "\", expected an address such as redline@example.org");
    m.to = r.strings("to", true).value_or(std::vector<std::string>{});
    if (m.to.empty()) r.fail(r.get("to"), "email.to is required: an address or an array of addresses");
    for (const auto& a : m.to) r.reject_control_characters("to", a);
    for (const auto& a : m.to)
      if (a.find('@') == std::string::npos)
        r.fail(r.get("to"), "email.to has \"" + a + "\", expected addresses such as desk@example.org");
    m.username = r.header_value("username").value_or("");
    m.password = r.header_value("password").value_or("");
    if (!m.password.empty() && m.username.empty()) r.fail(r.get("password"), "email.password needs a username");
    if (auto s = r.string("starttls")) {
      if (*s != "always" && *s != "opportunistic" && *s != "never")
        r.fail(r.get("starttls"), "email.starttls is \"" + *s + "\", expected always, opportunistic or never");
      m.starttls = *s;
    }
    read_filters_and_timeout(r, m, cfg.feeds);
    r.reject_unknown();
    cfg.emails.push_back(std::move(m));
  });
  each_table(root, "site", [&](const toml::table& t) {
    TableReader r(t, "site", file);
    SiteConfig s;
    s.match = r.required_string("match");
    if (s.match.find_first_of(":/ \t?#@") != std::string::npos)
      r.fail(r.get("match"), "site.match is \"" + s.match +
                                 "\", expected a host name such as \"dw.com\" (it matches that host and its "
                                 "subdomains)");
    if (auto id = r.string("id")) {
      s.id = Pattern(*id);
      if (!s.id.ok()) r.fail(r.get("id"), r.invalid_regex("id", s.id));
      if (s.id.groups() < 1) r.fail(r.get("id"), "site.id must contain a capture group: the article id");
    }
    s.drop_text = r.regexes("drop_text");
    s.ignore = r.ignore_patterns("ignore");
    s.headline_xpath = r.xpath("headline");
    s.body_xpath = r.xpath("body");
    s.byline_xpath = r.xpath("byline");
    for (const auto& expr : r.strings("drop").value_or(std::vector<std::string>{})) {
      if (!is_valid_xpath(expr)) r.fail(r.get("drop"), "site.drop has an invalid XPath expression \"" + expr + "\"");
      s.drop_xpaths.push_back(expr);
    }
    if (auto n = r.integer("per_host_connections", 1, 1000)) s.per_host_connections = static_cast<int>(*n);
    s.per_host_rate = r.number("per_host_rate", 0, 1000);
    r.reject_unknown();
    cfg.sites.push_back(std::move(s));
  });
}

}  // namespace

const SiteConfig* Config::site_for(std::string_view url) const {
  const std::string host = url_host(url);
  for (const auto& s : sites)
    if (host_matches(host, s.match)) return &s;
  return nullptr;
}

ConfigEnvironment ConfigEnvironment::from_process() {
  ConfigEnvironment env;
  // systemd may pass several colon-separated directories; the first one is ours.
  const auto first = [](const char* v) {
    return v ? std::string(v).substr(0, std::string(v).find(':')) : std::string();
  };
  env.state_directory = first(std::getenv("STATE_DIRECTORY"));
  env.logs_directory = first(std::getenv("LOGS_DIRECTORY"));
  return env;
}

namespace {

toml::table parse_toml(std::string_view text, const std::string& name) {
  check_toml_limits(text, name);
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
}

Config read_config(const toml::table& root, const std::filesystem::path& file, const ConfigEnvironment& env) {
  const std::string name = file.string();
  Config cfg;
  cfg.file = file;
  TableReader reader(root, "the top level", name);
  read_sections(reader, cfg, std::filesystem::absolute(file).parent_path(), name, env);
  reader.reject_unknown();
  return cfg;
}

// Not toml::parse_file: it reads the whole file, however big, and parses it at once, so neither the
// size limit (read_file stops at k_max_config_bytes) nor check_toml_limits (depth, before toml++
// recurses) could run first. toml::parse on the bounded text gives the same file:line: errors.
std::string read_config_text(const std::filesystem::path& file) {
  auto text = read_file(file, k_max_config_bytes);
  if (!text) throw ConfigError(text.error().message);
  return std::move(*text);
}

// Removes `target` from the tree under `parent`; false when it is not there.
bool erase_node(toml::node& parent, const toml::node* target) {
  if (auto* t = parent.as_table()) {
    for (auto it = t->begin(); it != t->end(); ++it) {
      if (&it->second == target) {
        t->erase(it);
        return true;
      }
      if (erase_node(it->second, target)) {
        // An array of tables whose last table was set aside goes too ("must be [[x]] tables" otherwise).
        if (const auto* a = it->second.as_array(); a && a->empty()) t->erase(it);
        return true;
      }
    }
  } else if (auto* a = parent.as_array()) {
    for (auto it = a->begin(); it != a->end(); ++it) {
      if (&*it == target) {
        a->erase(it);
        return true;
      }
      if (erase_node(*it, target)) return true;
    }
  }
  return false;
}

}  // namespace

Config parse_config(std::string_view text, const std::filesystem::path& file, const ConfigEnvironment& env) {
  return read_config(parse_toml(text, file.string()), file, env);
}

Config load_config(const std::filesystem::path& file, const ConfigEnvironment& env) {
  return parse_config(read_config_text(file), file, env);
}

// Reads the file as load_config() does; at each problem, the node at fault is recorded and removed
// from the tree, and the reading starts over, until it reads clean. A table-level problem of a table
// that already had one (typically "x is required" once its bad x was removed) is not repeated.
ConfigCheck check_config_file(const std::filesystem::path& file, const ConfigEnvironment& env) {
  ConfigCheck out;
  toml::table root;
  try {
    root = parse_toml(read_config_text(file), file.string());
  } catch (const ConfigError& e) {
    out.errors.emplace_back(e.what());  // unreadable, or not TOML: nothing more can be read
    return out;
  }
  std::set<const toml::table*> faulty;
  for (;;) {
    try {
      Config cfg = read_config(root, file, env);
      if (out.errors.empty()) out.config = std::move(cfg);
      break;
    } catch (const NodeError& e) {
      const bool repeat = e.node == e.table && faulty.count(e.table);
      if (!repeat) out.errors.emplace_back(e.what());
      faulty.insert(e.table);
      if (e.node == &root || !erase_node(root, e.node)) break;  // nothing left to set aside
    }
  }
  // Every message starts with "<file>:<line>:".
  const size_t prefix = file.string().size() + 1;
  const auto line_of = [prefix](const std::string& e) { return std::atoi(e.c_str() + std::min(prefix, e.size())); };
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [&](const std::string& a, const std::string& b) { return line_of(a) < line_of(b); });
  return out;
}

}  // namespace redline
