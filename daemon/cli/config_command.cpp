// `redline config check [--config FILE] [--format text|json] [--quiet]`: loads and validates the
// configuration as redlined does and prints the effective configuration (every default filled in,
// every path resolved, secrets masked) as TOML or JSON. Exit 0, or 78 with every problem on stderr as
// "file:line: what is wrong, what is expected". systemd's ExecReload runs it before SIGHUP.
#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "core/exit_code.hpp"
#include "notify/webhook_signer.hpp"
#include "util/url.hpp"

namespace redline::cli {

namespace {

using nlohmann::json;

constexpr const char* k_masked = "********";

// What a log or a terminal may show of a URL: no user:password, no query; for chat services whose
// URL is the credential (slack, discord, mattermost, teams), nothing past the host either.
std::string masked_url(const std::string& url, bool path_is_secret) {
  const auto parts = parse_url(url);
  if (!parts) return k_masked;
  std::string out = parts->scheme + "://" + parts->host;
  if (parts->port != 0) out += ":" + std::to_string(parts->port);
  if (path_is_secret) return out + "/" + k_masked;
  out += parts->path;
  if (!parts->query.empty()) out += std::string("?") + k_masked;
  return out;
}

json durations(const std::vector<ScheduleTier>& tiers) {
  json out = json::array();
  for (const auto& t : tiers) out.push_back({{"until", format_duration(t.until)}, {"every", format_duration(t.every)}});
  return out;
}

template <typename Notifier>
void add_filters(json& j, const Notifier& n) {
  if (n.classes) j["classes"] = *n.classes;
  j["sites"] = n.sites;
  j["feeds"] = n.feeds;
  j["timeout"] = format_duration(n.timeout);
}

// The effective configuration, in the file's own shape (docs/configuration.md).
json effective(const Config& c) {
  json j;
  j["store"] = {{"path", c.store.path.string()},
                {"synchronous", c.store.synchronous},
                {"keep_raw_days", c.store.keep_raw_days},
                {"keep_delivered_days", c.store.keep_delivered_days}};
  j["log"] = {{"level", c.log_level}};
  j["difflog"] = {{"path", c.difflog.string()},
                  {"jsonl_path", c.difflog_files.jsonl_path.string()},
                  {"max_size", c.difflog_files.max_size},
                  {"max_files", c.difflog_files.max_files}};
  j["http"] = {
      {"user_agent", c.http.user_agent.empty() ? std::string("redline/") + REDLINE_VERSION : c.http.user_agent},
      {"connect_timeout", format_duration(c.http.connect_timeout)},
      {"timeout", format_duration(c.http.timeout)},
      {"max_body", c.http.max_body},
      {"max_redirects", c.http.max_redirects},
      {"max_connections", c.http.max_connections},
      {"per_host_connections", c.http.per_host_connections},
      {"per_host_rate", c.http.per_host_rate},
      {"backoff_max", format_duration(c.http.backoff_max)}};
  j["notify"] = {{"classes", c.notify.classes}, {"max_age", format_duration(c.notify.max_age)}};
  j["diff"] = {{"ignore", c.ignore}};
  j["schedule"] = {{"news", durations(c.schedule.news)},
                   {"jitter", c.schedule.jitter},
                   {"catch_up", format_duration(c.schedule.catch_up)}};
  j["watch"] = json::array();
  for (const auto& w : c.watches) {
    json x = {{"url", w.url}};
    if (w.news)
      x["schedule"] = "news";
    else
      x["every"] = format_duration(w.every);
    j["watch"].push_back(std::move(x));
  }
  j["feed"] = json::array();
  for (const auto& f : c.feeds)
    j["feed"].push_back({{"url", f.url},
                         {"name", f.name},
                         {"every", format_duration(f.every)},
                         {"mode", f.mode},
                         {"max_age", format_duration(f.max_age)},
                         {"schedule", f.schedule}});
  j["webhook"] = json::array();
  for (const auto& h : c.webhooks) {
    const bool chat_url_is_secret =
        h.preset == "slack" || h.preset == "discord" || h.preset == "mattermost" || h.preset == "teams";
    json x = {{"name", h.name}, {"url", masked_url(h.url, chat_url_is_secret)}, {"preset", h.preset}};
    if (!h.secrets.empty()) x["secret"] = std::vector<std::string>(h.secrets.size(), std::string("whsec_") + k_masked);
    if (!h.token.empty()) x["token"] = k_masked;
    if (!h.room.empty()) x["room"] = h.room;
    add_filters(x, h);
    j["webhook"].push_back(std::move(x));
  }
  j["email"] = json::array();
  for (const auto& m : c.emails) {
    json x = {{"name", m.name},
              {"smtp_url", masked_url(m.smtp_url, false)},
              {"from", m.from},
              {"to", m.to},
              {"starttls", m.starttls}};
    if (!m.username.empty()) x["username"] = m.username;
    if (!m.password.empty()) x["password"] = k_masked;
    add_filters(x, m);
    j["email"].push_back(std::move(x));
  }
  j["site"] = json::array();
  for (const auto& s : c.sites) {
    json x = {{"match", s.match}};
    if (!s.id.empty()) x["id"] = s.id.source();
    x["drop_text"] = json::array();
    for (const auto& p : s.drop_text) x["drop_text"].push_back(p.source());
    x["ignore"] = s.ignore;
    if (!s.headline_xpath.empty()) x["headline"] = s.headline_xpath;
    if (!s.body_xpath.empty()) x["body"] = s.body_xpath;
    if (!s.byline_xpath.empty()) x["byline"] = s.byline_xpath;
    x["drop"] = s.drop_xpaths;
    if (s.per_host_connections) x["per_host_connections"] = *s.per_host_connections;
    if (s.per_host_rate) x["per_host_rate"] = *s.per_host_rate;
    j["site"].push_back(std::move(x));
  }
  return j;
}

// A JSON scalar, array or object as a TOML value (JSON strings are valid TOML basic strings; objects
// inside arrays become inline tables).
std::string toml_value(const json& v) {
  if (v.is_object()) {
    std::string out = "{ ";
    bool first = true;
    for (const auto& [k, x] : v.items()) {
      out += (first ? "" : ", ") + k + " = " + toml_value(x);
      first = false;
    }
    return out + " }";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_value(v[i]);
    return out + "]";
  }
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The effective configuration as TOML: [section] tables, then [[array]] tables, in the file's order.
std::string to_toml(const json& j) {
  std::ostringstream out;
  for (const char* section : {"store", "log", "difflog", "http", "notify", "diff", "schedule"}) {
    out << "[" << section << "]\n";
    for (const auto& [k, v] : j[section].items()) out << k << " = " << toml_value(v) << "\n";
    out << "\n";
  }
  for (const char* list : {"watch", "feed", "webhook", "email", "site"}) {
    for (const auto& item : j[list]) {
      out << "[[" << list << "]]\n";
      for (const auto& [k, v] : item.items()) out << k << " = " << toml_value(v) << "\n";
      out << "\n";
    }
  }
  return out.str();
}

// What the daemon checks beyond the file: each webhook's secrets make a signer.
std::vector<std::string> runtime_problems(const Config& c) {
  std::vector<std::string> problems;
  for (const auto& h : c.webhooks) {
    if (h.secrets.empty()) continue;
    if (auto signer = WebhookSigner::create(h.secrets); !signer)
      problems.push_back(c.file.string() + ":0: webhook \"" + h.name + "\": " + signer.error().message);
  }
  return problems;
}

}  // namespace

void add_config_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("config", "work with the configuration file");
  cmd->require_subcommand(1);
  auto* check = cmd->add_subcommand(
      "check",
      "validate the configuration as redlined would and print it with every default filled in (exit 78 and "
      "every problem as file:line otherwise)");
  add_config_option(*cmd, ctx);
  add_config_option(*check, ctx);
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  add_format_option(*check, *format);
  auto quiet = std::make_shared<bool>(false);
  check->add_flag("--quiet,-q", *quiet, "print nothing when the configuration is valid");
  check->callback([&ctx, format, quiet] {
    ctx.run = [&ctx, format, quiet]() -> int {
      const std::string path = ctx.config_path();
      auto result = check_config_file(path, ConfigEnvironment::from_process());
      if (result.config)
        for (auto& p : runtime_problems(*result.config)) result.errors.push_back(std::move(p));
      const bool ok = result.errors.empty();
      if (*format == OutputFormat::json) {
        json out = {{"file", path}, {"valid", ok}, {"errors", result.errors}};
        if (ok) out["config"] = effective(*result.config);
        if (!ok || !*quiet) std::cout << out.dump(2) << "\n";
      } else if (ok && !*quiet) {
        std::cout << "# " << path << ": valid; the effective configuration, secrets masked:\n\n"
                  << to_toml(effective(*result.config));
      }
      for (const auto& e : result.errors) std::cerr << e << "\n";
      if (!ok)
        std::cerr << "redline: " << path << ": " << result.errors.size() << " problem"
                  << (result.errors.size() == 1 ? "" : "s") << "\n";
      return ok ? k_exit_ok : k_exit_config;
    };
  });
}

}  // namespace redline::cli
