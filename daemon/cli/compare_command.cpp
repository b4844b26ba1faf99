// `redline compare [--format text|ansi|html|json] [--config FILE] OLD NEW`: extracts two saved versions
// of an article (.html, .html.gz, feed-archive .txt, or - for stdin) and prints how the second differs
// from the first. Exit status: 0 when nothing changed, 1 when something did, 2 on an unreadable or
// unparsable file, 78 on a bad configuration.
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/read_article.hpp"
#include "core/exit_code.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "monitor/site_rules.hpp"

namespace redline::cli {

namespace {

struct CompareCliOptions {
  std::string old_file;
  std::string new_file;
  DiffFormat format = DiffFormat::text;
};

Result<Article> load_version(const std::string& file, const Config* config) {
  ExtractWarnings warnings;
  auto article = read_article(file, "", config, warnings);
  for (const auto& w : warnings) std::cerr << "redline: " << file << ": " << w << "\n";
  return article;
}

int run_compare(const CompareCliOptions& opts, const CommandContext& ctx) {
  // Site rules and ignore patterns apply only when a configuration is named (--config or $REDLINE_CONFIG).
  std::optional<Config> config;
  if (!ctx.config_option.empty()) {
    config = load_cli_config(ctx);
    if (!config) return k_exit_config;
  }
  const Config* cfg = config ? &*config : nullptr;
  const auto old_version = load_version(opts.old_file, cfg);
  if (!old_version) {
    std::cerr << "redline: " << old_version.error().message << "\n";
    return exit_code_for(old_version.error().code);
  }
  const auto new_version = load_version(opts.new_file, cfg);
  if (!new_version) {
    std::cerr << "redline: " << new_version.error().message << "\n";
    return exit_code_for(new_version.error().code);
  }
  const CompareOptions compare_options = cfg ? compare_options_for(*cfg, new_version->canonical_url) : CompareOptions{};
  if (auto valid = validate_compare_options(compare_options); !valid) {
    std::cerr << "redline: " << valid.error().message << "\n";
    return k_exit_config;
  }
  const Change change = compare(*old_version, *new_version, compare_options);
  std::cout << render(change, *old_version, *new_version, opts.format);
  std::cout.flush();
  return change.changed() ? k_exit_differences : k_exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<CompareCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "show how two saved versions of an article differ (.html, .html.gz, feed-archive .txt, -)");
  add_config_option(*cmd, ctx);
  const std::map<std::string, DiffFormat> formats{
      {"text", DiffFormat::text}, {"ansi", DiffFormat::ansi}, {"html", DiffFormat::html}, {"json", DiffFormat::json}};
  cmd->add_option("--format", opts->format, "text (word diff), ansi (coloured), html (redline page) or json")
      ->transform(one_of(formats));
  cmd->add_option("old", opts->old_file, "the earlier version")->required();
  cmd->add_option("new", opts->new_file, "the later version")->required();
  cmd->callback([opts, &ctx] { ctx.run = [opts, &ctx] { return run_compare(*opts, ctx); }; });
}

}  // namespace redline::cli
