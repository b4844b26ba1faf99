#include "cli/command.hpp"

#include <iostream>

namespace redline::cli {

std::string CommandContext::config_path() const {
  return config_option.empty() ? k_default_config_path : config_option;
}

std::optional<Config> load_cli_config(const CommandContext& ctx) {
  try {
    return load_config(ctx.config_path(), ConfigEnvironment::from_process());
  } catch (const ConfigError& e) {
    std::cerr << "redline: " << e.what() << "\n";
    return std::nullopt;
  }
}

int fail(int status, const std::string& message) {
  std::cerr << "redline: " << message << "\n";
  return status;
}

void add_config_option(CLI::App& command, CommandContext& ctx) {
  command
      .add_option("--config", ctx.config_option,
                  "configuration file (default $REDLINE_CONFIG, else /etc/redline/redline.toml)")
      ->envname("REDLINE_CONFIG");
}

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--config") {
      ++i;  // its value
      continue;
    }
    if (arg.starts_with("-")) continue;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->check_name(std::string(arg))) return std::nullopt;
    return std::string(arg);
  }
  return std::nullopt;
}

void add_format_option(CLI::App& command, OutputFormat& format, bool allow_jsonl) {
  std::map<std::string, OutputFormat> names{{"text", OutputFormat::text}, {"json", OutputFormat::json}};
  if (allow_jsonl) names.emplace("jsonl", OutputFormat::jsonl);
  command.add_option("--format", format, "output format")->transform(one_of(names));
  command.add_flag_callback(
      "--json", [&format] { format = OutputFormat::json; }, "same as --format json");
}

}  // namespace redline::cli
