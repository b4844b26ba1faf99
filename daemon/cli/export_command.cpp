// `redline export [--format archive|jsonl] [--output DIR|FILE|-] [URL…]`: versions written back out.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "core/exit_code.hpp"
#include "extract/archive_writer.hpp"
#include "util/file.hpp"

namespace redline::cli {

namespace {

enum class ExportFormat { archive, jsonl };

nlohmann::json version_json(const ArticleRecord& article, const VersionRecord& v) {
  return {{"key", article.key},
          {"version", v.number},
          {"captured_at", format_rfc3339(v.captured_at)},
          {"url", v.url},
          {"headline", v.content.headline},
          {"authors", v.content.authors},
          {"published", json_time(v.content.published)},
          {"modified", json_time(v.content.modified)},
          {"canonical_url", v.content.canonical_url},
          {"language", v.content.language},
          {"site_name", v.content.site_name},
          {"blocks", json_blocks(v.content)},
          {"fingerprint", v.fingerprint}};
}

// Writes `text` to `path`, creating its folder. Returns an error message, empty on success.
std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return "cannot create " + path.parent_path().string() + ": " + ec.message();
  if (auto s = redline::write_file(path, text); !s) return s.error().message;
  return "";
}

}  // namespace

void add_export_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("export", "write stored versions as feed-archive captures or JSON lines");
  add_config_option(*cmd, ctx);
  auto format = std::make_shared<ExportFormat>(ExportFormat::archive);
  auto output = std::make_shared<std::string>("-");
  auto urls = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--format", *format, "archive (default) or jsonl")
      ->transform(one_of(
          std::map<std::string, ExportFormat>{{"archive", ExportFormat::archive}, {"jsonl", ExportFormat::jsonl}}));
  cmd->add_option("--output", *output,
                  "archive: a directory (one KEY/EPOCH_MS.txt per version); jsonl: a file; - (default): stdout");
  cmd->add_option("URL", *urls, "articles to export (any URL ever seen, or the key); default all");
  cmd->callback([&ctx, format, output, urls] {
    ctx.run = [&ctx, format, output, urls]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      int status = k_exit_ok;
      auto store = open_store_for_reading(*config, status);
      if (!store) return status;

      std::vector<ArticleHistory> histories;
      if (urls->empty()) {
        auto articles = store->list_articles();
        if (!articles) return fail(exit_code_for(articles.error().code), articles.error().message);
        for (const auto& a : *articles) {
          auto versions = store->versions(a.id);
          if (!versions) return fail(exit_code_for(versions.error().code), versions.error().message);
          histories.push_back({a, std::move(*versions)});
        }
      } else {
        for (const auto& url : *urls) {
          auto history = find_history(*config, *store, url, status);
          if (!history) return status;
          histories.push_back(std::move(*history));
        }
      }

      const bool to_stdout = *output == "-";
      std::string jsonl;
      size_t written = 0;
      for (const auto& h : histories) {
        for (const auto& v : h.versions) {
          ++written;
          if (*format == ExportFormat::jsonl) {
            const std::string line = version_json(h.article, v).dump() + "\n";
            if (to_stdout)
              std::cout << line;
            else
              jsonl += line;
            continue;
          }
          const std::string text = format_archive(v.captured_at, v.url, v.content);
          if (to_stdout) {
            std::cout << text;
          } else if (auto err = write_file(
                         std::filesystem::path(*output) / archive_file_name(h.article.key, v.captured_at), text);
                     !err.empty()) {
            return fail(k_exit_io, err);
          }
        }
      }
      if (*format == ExportFormat::jsonl && !to_stdout)
        if (auto err = write_file(*output, jsonl); !err.empty()) return fail(k_exit_io, err);
      if (!to_stdout)
        std::cerr << "redline: exported " << written << " versions of " << histories.size() << " articles to "
                  << *output << "\n";
      return k_exit_ok;
    };
  });
}

}  // namespace redline::cli
