// redline: the command-line tool. `redline [--config FILE] COMMAND …`; see `redline --help`.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/command.hpp"
#include "core/exit_code.hpp"

int main(int argc, char** argv) {
  using namespace redline;
  CLI::App app{"redline: review how watched news articles changed"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("redline ") + REDLINE_VERSION);
  cli::CommandContext ctx;
  cli::add_config_option(app, ctx);
  cli::add_list_command(app, ctx);
  cli::add_log_command(app, ctx);
  cli::add_show_command(app, ctx);
  cli::add_diff_command(app, ctx);
  cli::add_extract_command(app, ctx);
  cli::add_compare_command(app, ctx);
  cli::add_add_command(app, ctx);
  cli::add_remove_command(app, ctx);
  cli::add_check_command(app, ctx);
  cli::add_status_command(app, ctx);
  cli::add_webhook_command(app, ctx);
  cli::add_import_command(app, ctx);
  cli::add_export_command(app, ctx);
  cli::add_outbox_command(app, ctx);
  cli::add_gc_command(app, ctx);
  cli::add_serve_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? k_exit_ok : k_exit_usage;
  }
  if (!ctx.run) return k_exit_usage;
  try {
    return ctx.run();
  } catch (const std::exception& e) {
    std::cerr << "redline: " << e.what() << "\n";
    return k_exit_io;
  }
}
