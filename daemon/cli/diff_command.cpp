// `redline diff URL [--from N] [--to N]`: the word diff between two stored versions (default: the
// latest two). Exit status as diff(1): 0 when the versions are the same, 1 when they differ.
#include <iostream>

#include "cli/store_access.hpp"
#include "core/exit_code.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "monitor/site_rules.hpp"

namespace redline::cli {

void add_diff_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("diff", "show what changed between two versions of an article");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  auto from = std::make_shared<long long>(-2);
  auto to = std::make_shared<long long>(-1);
  auto format = std::make_shared<DiffFormat>(DiffFormat::text);
  cmd->add_option("URL", *url, "any URL ever seen for the article")->required();
  cmd->add_option("--from", *from, "old version (1-based, negative from the newest; default -2)");
  cmd->add_option("--to", *to, "new version (default -1, the newest)");
  const std::map<std::string, DiffFormat> names{
      {"text", DiffFormat::text}, {"ansi", DiffFormat::ansi}, {"html", DiffFormat::html}, {"json", DiffFormat::json}};
  cmd->add_option("--format", *format, "text, ansi, html or json")->transform(one_of(names));
  cmd->add_flag_callback(
      "--json", [format] { *format = DiffFormat::json; }, "same as --format json");
  cmd->callback([&ctx, url, from, to, format] {
    ctx.run = [&ctx, url, from, to, format]() -> int {
      int status = k_exit_ok;
      const auto opened = open_history(ctx, *url, status);
      if (!opened) return status;
      const ArticleHistory* history = &opened->history;
      if (history->versions.size() < 2 && *from == -2 && *to == -1)
        return fail(k_exit_usage, history->article.url + " has only " + std::to_string(history->versions.size()) +
                                      " version; nothing to compare yet");
      const VersionRecord* a = pick_version(*history, *from, status);
      if (!a) return status;
      const VersionRecord* b = pick_version(*history, *to, status);
      if (!b) return status;
      const Change change = compare(a->content, b->content, compare_options_for(opened->config, b->url));
      if (*format != DiffFormat::json && *format != DiffFormat::html)
        std::cout << "version " << a->number << " (" << format_rfc3339(a->captured_at) << ") → version " << b->number
                  << " (" << format_rfc3339(b->captured_at) << ")\n";
      std::cout << render(change, a->content, b->content, *format);
      return change.changed() ? k_exit_differences : k_exit_ok;
    };
  });
}

}  // namespace redline::cli
