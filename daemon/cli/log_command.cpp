// `redline log URL`: an article's versions, oldest first.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/store_access.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

void add_log_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("log", "list the versions of an article, oldest first");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  cmd->add_option("URL", *url, "any URL ever seen for the article")->required();
  add_format_option(*cmd, *format);
  cmd->callback([&ctx, url, format] {
    ctx.run = [&ctx, url, format]() -> int {
      int status = k_exit_ok;
      const auto opened = open_history(ctx, *url, status);
      if (!opened) return status;
      const ArticleHistory* history = &opened->history;
      auto changes = opened->store->changes(history->article.id);
      if (!changes) return fail(exit_code_for(changes.error().code), changes.error().message);
      const auto classes_of = [&](int64_t version_id) {
        for (const auto& c : *changes)
          if (c.to_version == version_id) return c.classes;
        return std::vector<std::string>{};
      };
      if (*format == OutputFormat::json) {
        auto out = nlohmann::json::array();
        for (const auto& v : history->versions)
          out.push_back({{"version", v.number},
                         {"captured_at", format_rfc3339(v.captured_at)},
                         {"headline", v.content.headline},
                         {"url", v.url},
                         {"classes", classes_of(v.id)}});
        std::cout << out.dump(2) << "\n";
        return k_exit_ok;
      }
      std::cout << history->article.url << "\n";
      for (const auto& v : history->versions) {
        std::cout << "  " << v.number << "  " << format_rfc3339(v.captured_at) << "  " << v.content.headline;
        const auto classes = classes_of(v.id);
        if (!classes.empty()) {
          std::cout << "  [";
          for (size_t i = 0; i < classes.size(); ++i) std::cout << (i ? "," : "") << classes[i];
          std::cout << "]";
        }
        std::cout << "\n";
      }
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
