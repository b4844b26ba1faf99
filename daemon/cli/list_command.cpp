// `redline list`: the watched articles with their version counts, last check and last change.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

namespace {

std::string time_or_dash(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : "-"; }

}  // namespace

void add_list_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("list", "list watched articles: versions, last check, last change");
  add_config_option(*cmd, ctx);
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  add_format_option(*cmd, *format);
  cmd->callback([&ctx, format] {
    ctx.run = [&ctx, format]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      int status = k_exit_ok;
      auto store = open_store_for_reading(*config, status);
      if (!store) return status;
      auto articles = store->list_articles();
      if (!articles) return fail(exit_code_for(articles.error().code), articles.error().message);
      if (*format == OutputFormat::json) {
        auto out = nlohmann::json::array();
        for (const auto& a : *articles)
          out.push_back(
              {{"key", a.key},
               {"url", a.url},
               {"versions", a.version_count},
               {"state", a.state},
               {"first_seen", format_rfc3339(a.first_seen)},
               {"last_checked", json_time(a.last_checked)},
               {"last_changed", json_time(a.last_changed)},
               {"next_check", json_time(a.next_check)},
               {"last_error", a.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.last_error)}});
        std::cout << out.dump(2) << "\n";
        return k_exit_ok;
      }
      for (const auto& a : *articles) {
        std::cout << a.url << "\n  versions " << a.version_count << "  last check " << time_or_dash(a.last_checked)
                  << "  last change " << time_or_dash(a.last_changed);
        if (!a.last_error.empty()) std::cout << "  error: " << a.last_error;
        std::cout << "\n";
      }
      if (articles->empty()) std::cout << "no articles yet\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
