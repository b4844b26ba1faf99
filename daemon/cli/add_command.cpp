// `redline add URL [--every D | --schedule news]`: watches an article from now on. The watch is kept
// in the store, so a running daemon picks it up within a second, without a reload.
#include <iostream>

#include "cli/watch_commands.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "util/url.hpp"
#include "monitor/watch_edit.hpp"

namespace redline::cli {

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
      // Checked before the store is opened, so that a typo creates nothing.
      const WatchRequest request{*url, *every, *schedule};
      if (auto valid = validate_watch_request(request); !valid) return fail(k_exit_usage, valid.error().message);
      if (const auto* w = config_watch(*config, *url)) {
        std::cout << *url << " is already watched (" << config->file.string() << ":" << w->line << ")\n";
        return k_exit_ok;
      }
      int status = k_exit_ok;
      auto store = open_store_for_writing(*config, status);
      if (!store) return status;
      auto edit = add_watch(*config, *store, request, SystemClock().now());
      if (!edit) return fail(exit_code_for(edit.error().code), edit.error().message);
      switch (edit->outcome) {
        case WatchEdit::Outcome::in_config:
          std::cout << *url << " is already watched (" << config->file.string() << ":" << edit->config_line << ")\n";
          break;
        case WatchEdit::Outcome::already_watched:
          std::cout << *url << " is already watched\n";
          break;
        default:
          std::cout << "watching " << *url << " (" << (edit->every ? "every " + *every : std::string("news schedule"))
                    << ", article " << edit->key << ")\n";
      }
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
