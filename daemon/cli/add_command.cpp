// `redline add URL [--every D | --schedule news]`: watches an article from now on. The watch is kept
// in the store, so a running daemon picks it up within a second, without a reload.
#include <iostream>

#include "cli/watch_commands.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "monitor/identity.hpp"
#include "util/url.hpp"

namespace redline::cli {

const WatchConfig* config_watch(const Config& config, const std::string& url) {
  for (const auto& w : config.watches)
    if (w.url == url) return &w;
  return nullptr;
}

void add_add_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("add", "watch an article URL (kept in the store; a running daemon picks it up)");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  auto every = std::make_shared<std::string>();
  auto schedule = std::make_shared<std::string>();
  cmd->add_option("url", *url, "the article's URL")->required();
  auto* every_opt = cmd->add_option("--every", *every, "check at this fixed interval, e.g. 30m");
  cmd->add_option("--schedule", *schedule, "\"news\": often while the article is young, rarely later (default)")
      ->excludes(every_opt);
  cmd->callback([&ctx, url, every, schedule] {
    ctx.run = [&ctx, url, every, schedule]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      const auto checked = check_http_url(*url);
      if (!checked) return fail(k_exit_usage, checked.error().message);
      *url = *checked;
      std::optional<Duration> interval;
      if (!every->empty()) {
        interval = parse_duration(*every);
        if (!interval || *interval < std::chrono::seconds(1))
          return fail(k_exit_usage, "--every \"" + *every + "\" is not a duration of at least 1s, such as 30m");
      }
      if (!schedule->empty() && *schedule != "news")
        return fail(k_exit_usage, "--schedule \"" + *schedule + "\" is unknown; expected \"news\"");
      if (const auto* w = config_watch(*config, *url)) {
        std::cout << *url << " is already watched (" << config->file.string() << ":" << w->line << ")\n";
        return k_exit_ok;
      }
      int status = k_exit_ok;
      auto store = open_store_for_writing(*config, status);
      if (!store) return status;
      const Timestamp now = SystemClock().now();
      auto article = store->ensure_article(article_key(*config, *url), *url, now);
      if (!article) return fail(exit_code_for(article.error().code), article.error().message);
      auto added = store->add_watch({*url, article->id, interval, "cli", now, {}, {}});
      if (!added) return fail(exit_code_for(added.error().code), added.error().message);
      if (!*added) {
        std::cout << *url << " is already watched\n";
        return k_exit_ok;
      }
      std::cout << "watching " << *url << " (" << (interval ? "every " + *every : std::string("news schedule"))
                << ", article " << article->key << ")\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
