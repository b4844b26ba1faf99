// `redline compare [--format text|ansi|html|json] [--config FILE] OLD NEW`: extracts two saved versions
// of an article (.html, .html.gz, feed-archive .txt, or - for stdin) and prints how the second differs
// from the first. Exit status: 0 when nothing changed, 1 when something did, 2 on an unreadable or
// unparsable file, 78 on a bad configuration.
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "core/exit_code.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "extract/archive.hpp"
#include "extract/extractor.hpp"
#include "util/file.hpp"

namespace redline::cli {

namespace {

struct CompareCliOptions {
  std::string old_file;
  std::string new_file;
  DiffFormat format = DiffFormat::text;
};

Result<Article> load_version(const std::string& file, const ExtractRules& rules) {
  auto bytes = read_maybe_gzipped(file);
  if (!bytes) return bytes.error();
  ExtractWarnings warnings;
  Result<Article> article = make_error(Errc::internal, "not extracted");
  if (looks_like_archive(*bytes)) {
    auto capture = parse_archive(*bytes);
    if (!capture) return capture.error();
    article = extract_archive(*capture, rules, warnings);
  } else {
    article = extract_page(PageInput{*bytes, "", ""}, rules, warnings);
  }
  for (const auto& w : warnings) std::cerr << "redline: " << file << ": " << w << "\n";
  return article;
}

int run_compare(const CompareCliOptions& opts, const CommandContext& ctx) {
  ExtractRules rules;
  CompareOptions compare_options;
  // TODO(config): when ctx.config_option is set, load the config and fill
  //   - rules.drop_text (and the xpath rules) from the [[site]] whose host matches the articles'
  //     canonical URL (or a --site option, if we add one),
  //   - compare_options.ignore from [diff] ignore plus that site's `ignore`.
  // A config that does not load, or an ignore pattern that fails validate_ignore_patterns(), must exit
  // with k_exit_config (78) and the loader's "file:line: …" message.
  (void)ctx;
  if (auto valid = validate_compare_options(compare_options); !valid) {
    std::cerr << "redline: " << valid.error().message << "\n";
    return k_exit_config;
  }

  const auto old_version = load_version(opts.old_file, rules);
  if (!old_version) {
    std::cerr << "redline: " << opts.old_file << ": " << old_version.error().message << "\n";
    return exit_code_for(old_version.error().code);
  }
  const auto new_version = load_version(opts.new_file, rules);
  if (!new_version) {
    std::cerr << "redline: " << opts.new_file << ": " << new_version.error().message << "\n";
    return exit_code_for(new_version.error().code);
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
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
  cmd->add_option("old", opts->old_file, "the earlier version")->required();
  cmd->add_option("new", opts->new_file, "the later version")->required();
  cmd->callback([opts, &ctx] { ctx.run = [opts, &ctx] { return run_compare(*opts, ctx); }; });
}

}  // namespace redline::cli
