// `redline remove URL`: stops watching an article added with `redline add` (or found in a feed).
// Its history stays in the store; the configuration's [[watch]] tables are edited in the file.
#include <iostream>

#include "cli/watch_commands.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

void add_remove_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("remove", "stop watching an article URL (its history is kept)");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  cmd->add_option("url", *url, "the URL given to `redline add`")->required();
  cmd->callback([&ctx, url] {
    ctx.run = [&ctx, url]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      if (const auto* w = config_watch(*config, *url))
        return fail(k_exit_usage, *url + " is listed in " + config->file.string() + ":" + std::to_string(w->line) +
                                      "; remove that [[watch]] table there and reload the daemon");
      int status = k_exit_ok;
      auto store = open_store_for_writing(*config, status);
      if (!store) return status;
      auto removed = remove_watch(*config, *store, *url);
      if (!removed && removed.error().code == Errc::not_found)
        return fail(k_exit_usage, *url + " is not watched (see `redline status`)");
      if (!removed) return fail(exit_code_for(removed.error().code), removed.error().message);
      std::cout << "stopped watching " << *url << "; its versions stay in the store\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
