// `redline store copy --from FILE.db --to URL`: moves a SQLite store into PostgreSQL (docs/scale-out.md).
#include <iomanip>
#include <iostream>

#include "app/open_store.hpp"
#include "cli/command.hpp"
#include "core/exit_code.hpp"
#include "store/store_copy.hpp"

namespace redline::cli {

void add_store_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("store", "move a store between backends");
  cmd->require_subcommand(1);
  auto* copy = cmd->add_subcommand(
      "copy", "copy a SQLite store into PostgreSQL (resumable: run it again after an interruption), then compare");
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto batch = std::make_shared<size_t>(500);
  copy->add_option("--from", *from, "the SQLite store (stop the daemon that writes it first)")->required();
  copy->add_option("--to", *to, "the PostgreSQL database, a libpq URI (postgresql://user@host/db)")->required();
  copy->add_option("--batch", *batch, "rows per transaction (default 500)")->check(CLI::Range(1, 4000));
  copy->callback([&ctx, from, to, batch] {
    ctx.run = [from, to, batch]() -> int {
      std::cout << "copying " << *from << " into " << app::masked_url(*to) << "\n" << std::flush;
      StoreCopyOptions options;
      options.batch_rows = *batch;
      options.progress = [](std::string_view table, int64_t rows) {
        std::cout << "  " << table << ": " << rows << " rows sent\n" << std::flush;
      };
      auto report = copy_sqlite_to_postgres(*from, *to, options);
      if (!report)
        return fail(exit_code_for(report.error().code), "store copy: " + report.error().message +
                                                            "\nNothing copied is lost: run the same command again "
                                                            "to continue.");
      std::cout << std::left << std::setw(18) << "" << std::right << std::setw(12) << "SQLite" << std::setw(12)
                << "PostgreSQL"
                << "\n";
      for (const auto& c : report->counts)
        std::cout << std::left << std::setw(18) << c.what << std::right << std::setw(12) << c.source << std::setw(12)
                  << c.target << (c.source == c.target ? "" : "  DIFFERS") << "\n";
      if (!report->matches())
        return fail(k_exit_io,
                    "store copy: the counts differ (was the source written during the copy, or the target by a "
                    "node?); stop every writer and run the copy again");
      std::cout << "copy complete: the counts match\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
