// `redline status`: what the daemon is watching and how it goes: watches by origin, articles by
// state, failing checks grouped by error class, the next checks, and the notification outbox.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "cli/watch_commands.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "monitor/status_report.hpp"

namespace redline::cli {

void add_status_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("status", "counts of watches, articles by state, errors and the next checks");
  add_config_option(*cmd, ctx);
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  add_format_option(*cmd, *format);
  auto next_count = std::make_shared<size_t>(5);
  cmd->add_option("--next", *next_count, "how many upcoming checks to list (default 5)");
  cmd->callback([&ctx, format, next_count] {
    ctx.run = [&ctx, format, next_count]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      int status = k_exit_ok;
      auto store = open_store_for_reading(*config, status);
      if (!store) return status;
      const SystemClock clock;
      auto report = status_report(*config, *store, *next_count, &clock);
      if (!report) return fail(exit_code_for(report.error().code), report.error().message);
      const StatusReport& r = *report;
      if (*format == OutputFormat::json) {
        std::cout << to_json(r).dump(2) << "\n";
        return k_exit_ok;
      }
      size_t total_watches = 0, total_articles = 0, failing = 0;
      for (const auto& [source, count] : r.watches) total_watches += count;
      for (const auto& [state, count] : r.articles) total_articles += count;
      for (const auto& [cls, count] : r.failing) failing += count;
      std::cout << "watches   " << total_watches;
      for (const auto& [source, count] : r.watches) std::cout << "  " << source << " " << count;
      std::cout << "\narticles  " << total_articles;
      for (const auto& [state, count] : r.articles) std::cout << "  " << state << " " << count;
      std::cout << "\nversions  " << r.versions << "\nfailing   " << failing;
      for (const auto& [cls, count] : r.failing) std::cout << "  " << cls << " " << count;
      std::cout << "\noutbox    pending " << r.outbox_pending << "  dead " << r.outbox_dead << "\n";
      if (!r.api.empty()) std::cout << "api       " << r.api << "\n";
      if (!r.next_checks.empty()) std::cout << "next checks\n";
      for (const auto& [url, at] : r.next_checks) std::cout << "  " << format_rfc3339(at) << "  " << url << "\n";
      if (r.nodes) {
        // A shared store (PostgreSQL): the nodes that heartbeat within [node] lease.
        std::cout << "nodes     " << r.nodes->size() << " live\n";
        const Timestamp now = clock.now();
        for (const auto& n : *r.nodes) {
          const auto ago = std::chrono::duration_cast<std::chrono::seconds>(now - n.last_seen).count();
          std::cout << "  " << n.name << "  last heartbeat " << format_rfc3339(n.last_seen) << " ("
                    << std::max<int64_t>(0, ago) << " s ago)  leases: " << n.checks_leased << " checks, "
                    << n.outbox_leased << " deliveries\n";
        }
      }
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
