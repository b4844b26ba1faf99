// redline: the command-line tool. `redline [--config FILE] COMMAND …`; see `redline --help`.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/version.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "core/exit_code.hpp"

int main(int argc, char** argv) {
  using namespace redline;
  cli::install_checked_stdout();
  CLI::App app{"redline: review how watched news articles changed"};
  app.require_subcommand(1);
  app.set_version_flag("--version", app::version_text("redline"));
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
  cli::add_config_command(app, ctx);
  cli::add_serve_command(app, ctx);
  cli::add_store_command(app, ctx);
  if (const auto unknown = cli::unknown_command(app, argc, argv)) {
    std::cerr << "redline: unknown command \"" << *unknown << "\"; see `redline --help` for the commands\n";
    return cli::finish_output(k_exit_usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli::finish_output(app.exit(e) == 0 ? k_exit_ok : k_exit_usage);
    // CLI11's own printing lacks the program's name; one line with it, then where to look.
    std::cerr << "redline: " << e.what() << "\nRun `redline --help` (or `redline COMMAND --help`) for usage.\n";
    return cli::finish_output(k_exit_usage);
  }
  if (!ctx.run) return k_exit_usage;
  int status = k_exit_io;
  try {
    status = ctx.run();
  } catch (const std::exception& e) {
    std::cerr << "redline: " << e.what() << "\n";
  }
  return cli::finish_output(status);
}
