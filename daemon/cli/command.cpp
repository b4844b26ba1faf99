#include "cli/command.hpp"

#include <cstdlib>

namespace redline::cli {

std::string CommandContext::config_path() const {
  if (!config_option.empty()) return config_option;
  if (const char* env = std::getenv("REDLINE_CONFIG"); env && *env) return env;
  return "/etc/redline/redline.toml";
}

void add_config_option(CLI::App& command, CommandContext& ctx) {
  command.add_option("--config", ctx.config_option, "configuration file (default $REDLINE_CONFIG, else /etc/redline/redline.toml)");
}

void add_format_option(CLI::App& command, OutputFormat& format, bool allow_jsonl) {
  std::map<std::string, OutputFormat> names{{"text", OutputFormat::text}, {"json", OutputFormat::json}};
  if (allow_jsonl) names.emplace("jsonl", OutputFormat::jsonl);
  command.add_option("--format", format, "output format")->transform(CLI::CheckedTransformer(names, CLI::ignore_case));
  command.add_flag_callback("--json", [&format] { format = OutputFormat::json; }, "same as --format json");
}

}  // namespace redline::cli
