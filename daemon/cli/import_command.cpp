// `redline import [--notify] PATH…`: feed-archive captures stored as versions at their capture times.
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/store_access.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "monitor/archive_import.hpp"

namespace redline::cli {

void add_import_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("import", "store feed-archive captures (files or directories) as versions");
  add_config_option(*cmd, ctx);
  auto paths = std::make_shared<std::vector<std::string>>();
  auto notify = std::make_shared<bool>(false);
  auto verbose = std::make_shared<bool>(false);
  cmd->add_option("PATH", *paths, "capture files, or directories searched recursively")->required();
  cmd->add_flag("--notify", *notify, "queue notifications for the changes imported (default: none)");
  cmd->add_flag("--verbose", *verbose, "log every version stored");
  cmd->callback([&ctx, paths, notify, verbose] {
    ctx.run = [&ctx, paths, notify, verbose]() -> int {
      spdlog::set_level(*verbose ? spdlog::level::info : spdlog::level::warn);
      auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      auto files = collect_import_files(std::vector<std::filesystem::path>(paths->begin(), paths->end()));
      if (!files) return fail(exit_code_for(files.error().code), files.error().message);
      int status = k_exit_ok;
      auto store = open_store_for_writing(*config, status);
      if (!store) return status;

      const SystemClock clock;
      ArchiveImporter importer(std::make_shared<const Config>(std::move(*config)), *store, clock,
                               *notify ? CaptureNotify::yes : CaptureNotify::no);
      std::vector<SourcedCapture> captures;
      ImportReport read;
      importer.read_files(*files, captures, read);
      for (const auto& s : read.skipped) std::cerr << "redline: skipped " << s << "\n";
      auto report = importer.import(std::move(captures));
      if (!report)
        return fail(exit_code_for(report.error().code),
                    report.error().message + "; what was stored before stays, run the same import again to continue");
      for (const auto& s : report->skipped) std::cerr << "redline: skipped " << s << "\n";
      std::cout << report->captures << " captures of " << report->articles << " articles: " << report->versions
                << " versions stored, " << report->unchanged << " unchanged, " << report->already << " already stored, "
                << read.skipped.size() + report->skipped.size() << " skipped\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
