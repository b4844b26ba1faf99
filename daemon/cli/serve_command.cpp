// `redline serve [--listen ADDR]`: serves a store's API, feeds and /metrics read-only, without
// polling (an archive, an imported capture set). Runs until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "api/api_service.hpp"
#include "app/open_store.hpp"
#include "cli/command.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

void add_serve_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("serve", "serve the store's API, Atom feeds and /metrics read-only, without polling");
  add_config_option(*cmd, ctx);
  auto listen = std::make_shared<std::string>();
  cmd->add_option("--listen", *listen,
                  "address: host:port (port 0: any free port) or unix:/path; default [api] listen");
  cmd->callback([&ctx, listen] {
    ctx.run = [&ctx, listen]() -> int {
      auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      if (!listen->empty()) config->api.listen = *listen;
      if (config->api.listen.empty())
        return fail(k_exit_usage, "nothing to serve on: [api] listen is \"\"; give --listen");
      const auto address = parse_listen(config->api.listen);
      if (!address) return fail(k_exit_usage, "--listen \"" + config->api.listen + "\" is not host:port or unix:/path");
      if (!is_loopback(*address) && config->api.tokens.empty())
        return fail(k_exit_config, config->file.string() + ":0: " + config->api.listen +
                                       " is not a loopback address and no [[api.token]] is configured");
      // Signals are taken by sigwait below; blocked before the server thread starts, so it inherits that.
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGINT);
      sigaddset(&signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &signals, nullptr);
      const SystemClock clock;
      api::Metrics metrics(REDLINE_VERSION);
      api::ApiOptions options;
      options.read_only = true;
      api::ApiService service(std::make_shared<const Config>(*config), clock, metrics, options);
      auto bound = service.start();
      if (!bound) return fail(exit_code_for(bound.error().code), bound.error().message);
      // One write, so that a reader of the line never sees half of it (std::cerr is unbuffered).
      std::cerr << ("redline serve: API listening on " + *bound + " (" + service.base_url() + "), store " +
                    app::store_name(*config) + " read-only\n")
                << std::flush;
      int signal = 0;
      sigwait(&signals, &signal);
      service.stop();
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
