// `redline show URL [--version N]`: one stored version of an article.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

void add_show_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("show", "print one stored version of an article (default: the newest)");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  auto number = std::make_shared<long long>(-1);
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  cmd->add_option("URL", *url, "any URL ever seen for the article")->required();
  cmd->add_option("--version", *number, "version number, 1-based; negative counts from the newest")
      ->allow_extra_args(false);
  add_format_option(*cmd, *format);
  cmd->callback([&ctx, url, number, format] {
    ctx.run = [&ctx, url, number, format]() -> int {
      int status = k_exit_ok;
      const auto opened = open_history(ctx, *url, status);
      if (!opened) return status;
      const ArticleHistory* history = &opened->history;
      const VersionRecord* v = pick_version(*history, *number, status);
      if (!v) return status;
      const Article& a = v->content;
      if (*format == OutputFormat::json) {
        nlohmann::json out = {{"version", v->number},
                              {"captured_at", format_rfc3339(v->captured_at)},
                              {"url", v->url},
                              {"headline", a.headline},
                              {"byline", a.byline()},
                              {"published", json_time(a.published)},
                              {"modified", json_time(a.modified)},
                              {"canonical_url", a.canonical_url},
                              {"language", a.language.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.language)},
                              {"blocks", json_blocks(a)},
                              {"body", a.body()}};
        std::cout << out.dump(2) << "\n";
        return k_exit_ok;
      }
      std::cout << "version " << v->number << " of " << history->versions.size() << ", captured "
                << format_rfc3339(v->captured_at) << "\n"
                << v->url << "\n\n"
                << a.headline << "\n";
      if (!a.authors.empty()) std::cout << "By " << a.byline() << "\n";
      if (a.published) std::cout << "Published " << format_rfc3339(*a.published) << "\n";
      if (a.modified) std::cout << "Modified " << format_rfc3339(*a.modified) << "\n";
      for (const auto& b : a.blocks)
        std::cout << "\n"
                  << (b.kind == BlockKind::heading     ? "## "
                      : b.kind == BlockKind::list_item ? "- "
                      : b.kind == BlockKind::quote     ? "> "
                                                       : "")
                  << b.text << "\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
