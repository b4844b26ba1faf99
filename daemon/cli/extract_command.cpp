// `redline extract [--config FILE] [--format text|json|jsonl] [--url URL] FILE...`: runs the article
// extractor on saved pages (.html, .html.gz, feed-archive .txt, or - for stdin) and prints what it
// finds. A file that cannot be read or parsed gives an error line on stderr and an object with an
// "error" field; the others are still extracted, and the exit status is then 2.
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/json_output.hpp"
#include "cli/read_article.hpp"
#include "core/exit_code.hpp"
#include "core/time.hpp"

namespace redline::cli {

namespace {

struct ExtractOptions {
  std::vector<std::string> files;
  std::string url;
  OutputFormat format = OutputFormat::text;
};

nlohmann::json to_json(const std::string& file, const Article& a) {
  return {{"file", file},
          {"headline", a.headline},
          {"byline", a.byline()},
          {"authors", a.authors},
          {"published", json_time(a.published)},
          {"modified", json_time(a.modified)},
          {"canonical_url", a.canonical_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.canonical_url)},
          {"language", a.language.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.language)},
          {"site_name", a.site_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.site_name)},
          {"blocks", json_blocks(a)},
          {"body", a.body()}};
}

void print_text(const std::string& file, const Article& a) {
  std::cout << "== " << file << "\n";
  std::cout << "headline:  " << a.headline << "\n";
  if (!a.authors.empty()) std::cout << "byline:    " << a.byline() << "\n";
  if (a.published) std::cout << "published: " << format_rfc3339(*a.published) << "\n";
  if (a.modified) std::cout << "modified:  " << format_rfc3339(*a.modified) << "\n";
  if (!a.canonical_url.empty()) std::cout << "canonical: " << a.canonical_url << "\n";
  if (!a.language.empty()) std::cout << "language:  " << a.language << "\n";
  std::cout << "\n";
  for (const auto& b : a.blocks) {
    if (b.kind == BlockKind::heading)
      std::cout << "## ";
    else if (b.kind == BlockKind::list_item)
      std::cout << "- ";
    else if (b.kind == BlockKind::quote)
      std::cout << "> ";
    std::cout << b.text << "\n\n";
  }
}

int run_extract(const ExtractOptions& opts, const CommandContext& ctx) {
  // Site rules apply only when a configuration is named (--config or $REDLINE_CONFIG).
  std::optional<Config> config;
  if (!ctx.config_option.empty()) {
    config = load_cli_config(ctx);
    if (!config) return k_exit_config;
  }

  int status = k_exit_ok;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& file : opts.files) {
    ExtractWarnings warnings;
    auto article = read_article(file, opts.url, config ? &*config : nullptr, warnings);
    for (const auto& w : warnings) std::cerr << "redline: " << file << ": " << w << "\n";
    nlohmann::json obj;
    if (!article) {
      std::cerr << "redline: " << article.error().message << "\n";
      status = k_exit_usage;
      obj = {{"file", file}, {"error", article.error().message}};
    } else {
      obj = to_json(file, *article);
    }
    switch (opts.format) {
      case OutputFormat::jsonl:
        std::cout << obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        break;
      case OutputFormat::json:
        all.push_back(std::move(obj));
        break;
      case OutputFormat::text:
        if (article) print_text(file, *article);
        break;
    }
  }
  if (opts.format == OutputFormat::json)
    std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::cout.flush();
  return status;
}

}  // namespace

void add_extract_command(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<ExtractOptions>();
  CLI::App* cmd =
      app.add_subcommand("extract", "extract the article from saved pages (.html, .html.gz, feed-archive .txt, -)");
  add_config_option(*cmd, ctx);
  add_format_option(*cmd, opts->format, /*allow_jsonl=*/true);
  cmd->add_option("--url", opts->url, "the pages' URL (resolves relative canonical links)");
  cmd->add_option("files", opts->files, "files to extract; - reads standard input")->required();
  cmd->callback([opts, &ctx] { ctx.run = [opts, &ctx] { return run_extract(*opts, ctx); }; });
}

}  // namespace redline::cli
