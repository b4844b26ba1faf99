// `redline gc [--dry-run] [--vacuum]`: applies the [store] retention settings.
#include <iostream>

#include "cli/store_access.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

namespace {

std::string bytes(int64_t n) {
  if (n >= 10 * 1024 * 1024) return std::to_string(n / (1024 * 1024)) + " MiB";
  if (n >= 10 * 1024) return std::to_string(n / 1024) + " KiB";
  return std::to_string(n) + " bytes";
}

}  // namespace

void add_gc_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("gc", "delete raw pages and delivered notifications past [store] retention");
  add_config_option(*cmd, ctx);
  auto dry_run = std::make_shared<bool>(false);
  auto vacuum = std::make_shared<bool>(false);
  cmd->add_flag("--dry-run", *dry_run, "only say what would be deleted");
  cmd->add_flag("--vacuum", *vacuum, "then VACUUM: shrink the file (rewrites it; writers wait meanwhile)");
  cmd->callback([&ctx, dry_run, vacuum] {
    ctx.run = [&ctx, dry_run, vacuum]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      int status = k_exit_ok;
      auto store = *dry_run ? open_store_for_reading(*config, status) : open_store_for_writing(*config, status);
      if (!store) return status;
      const Timestamp now = SystemClock().now();
      const auto days = [](int n) { return std::chrono::hours(24) * n; };
      GcOptions options;
      if (config->store.keep_raw_days > 0) options.raw_before = now - days(config->store.keep_raw_days);
      if (config->store.keep_delivered_days > 0)
        options.delivered_before = now - days(config->store.keep_delivered_days);
      options.dry_run = *dry_run;
      options.vacuum = *vacuum;
      auto report = store->collect_garbage(options);
      if (!report) return fail(exit_code_for(report.error().code), report.error().message);
      const std::string verb = *dry_run ? "would delete " : "deleted ";
      if (options.raw_before)
        std::cout << "raw pages: " << verb << report->raw_blobs << " (" << bytes(report->raw_bytes) << " compressed; "
                  << report->versions_unlinked << " versions keep their text)\n";
      else
        std::cout << "raw pages: kept forever (keep_raw_days = 0)\n";
      if (options.delivered_before)
        std::cout << "delivered notifications: " << verb << report->outbox_rows << " (" << bytes(report->outbox_bytes)
                  << ")\n";
      else
        std::cout << "delivered notifications: kept forever (keep_delivered_days = 0)\n";
      std::cout << "store: " << bytes(report->file_bytes_before) << " → " << bytes(report->file_bytes_after) << ", "
                << bytes(report->free_bytes_after) << " free inside the file for new data"
                << (*vacuum || *dry_run ? "" : " (--vacuum gives it back to the file system)") << "\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
