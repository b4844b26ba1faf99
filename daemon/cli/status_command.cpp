// `redline status`: what the daemon is watching and how it goes: watches by origin, articles by
// state, failing checks grouped by error class, the next checks, and the notification outbox.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <map>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "cli/watch_commands.hpp"
#include "core/exit_code.hpp"
#include "monitor/check_pipeline.hpp"

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
      auto articles = store->list_articles();
      if (!articles) return fail(exit_code_for(articles.error().code), articles.error().message);
      auto watches = store->list_watches();
      if (!watches) return fail(exit_code_for(watches.error().code), watches.error().message);
      auto pending = store->list_outbox(OutboxState::pending);
      auto dead = pending ? store->list_outbox(OutboxState::dead) : pending;
      if (!dead) return fail(exit_code_for(dead.error().code), dead.error().message);

      std::map<std::string, size_t> by_source{{"config", config->watches.size()}};
      for (const auto& w : *watches) ++by_source[w.source];
      std::map<std::string, size_t> by_state, errors;
      std::vector<const ArticleRecord*> upcoming;
      int64_t versions = 0;
      for (const auto& a : *articles) {
        ++by_state[a.state];
        versions += a.version_count;
        if (!a.last_error.empty()) ++errors[failure_class(a.last_error)];
        if (a.next_check) upcoming.push_back(&a);
      }
      const size_t n = std::min(*next_count, upcoming.size());
      std::partial_sort(upcoming.begin(), upcoming.begin() + static_cast<long>(n), upcoming.end(),
                        [](const auto* x, const auto* y) { return *x->next_check < *y->next_check; });
      upcoming.resize(n);

      if (*format == OutputFormat::json) {
        nlohmann::json next = nlohmann::json::array();
        for (const auto* a : upcoming) next.push_back({{"url", a->url}, {"at", json_time(a->next_check)}});
        nlohmann::json out = {
            {"watches", by_source}, {"articles", by_state},
            {"versions", versions}, {"failing", errors},
            {"next_checks", next},  {"outbox", {{"pending", (*pending).size()}, {"dead", dead->size()}}}};
        std::cout << out.dump(2) << "\n";
        return k_exit_ok;
      }
      size_t total_watches = 0;
      for (const auto& [source, count] : by_source) total_watches += count;
      std::cout << "watches   " << total_watches;
      for (const auto& [source, count] : by_source) std::cout << "  " << source << " " << count;
      std::cout << "\narticles  " << articles->size();
      for (const auto& [state, count] : by_state) std::cout << "  " << state << " " << count;
      std::cout << "\nversions  " << versions << "\nfailing   ";
      size_t failing = 0;
      for (const auto& [cls, count] : errors) failing += count;
      std::cout << failing;
      for (const auto& [cls, count] : errors) std::cout << "  " << cls << " " << count;
      std::cout << "\noutbox    pending " << pending->size() << "  dead " << dead->size() << "\n";
      if (!upcoming.empty()) std::cout << "next checks\n";
      for (const auto* a : upcoming) std::cout << "  " << format_rfc3339(*a->next_check) << "  " << a->url << "\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
