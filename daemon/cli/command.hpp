// The CLI's plumbing: each command lives in its own <name>_command.cpp and registers itself on the
// CLI11 app through add_<name>_command(). The command's callback stores the work to run in
// `ctx.run`; main() runs it after parsing and exits with the status it returns.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace redline::cli {

enum class OutputFormat { text, json, jsonl };

struct CommandContext {
  // --config, as given before or after the command; empty when not given (see config_path()).
  std::string config_option;
  // The work chosen by the parsed command; returns the process exit status.
  std::function<int()> run;

  // The config file to use: --config, else $REDLINE_CONFIG, else /etc/redline/redline.toml.
  std::string config_path() const;
};

// A transform that accepts only the names of `choices` (any case) and gives the option its value:
// `--format 3` is refused ("--format: \"3\" is not one of json, text"), where CLI11's CheckedTransformer
// would also take the enum's number.
template <typename T>
CLI::Validator one_of(std::map<std::string, T> choices) {
  std::string names;
  for (const auto& [name, value] : choices) names += (names.empty() ? "" : "|") + name;
  return CLI::Validator(
      [choices = std::move(choices)](std::string& input) -> std::string {
        std::string lower;
        for (const char c : input) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        const auto it = choices.find(lower);
        if (it == choices.end()) {
          std::string list;
          for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + choice.first;
          return "\"" + input + "\" is not one of " + list;
        }
        input = std::to_string(static_cast<int>(it->second));
        return {};
      },
      names);
}

// The first word of the command line that is meant as a command but names none ("redline bogus"), if any.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv);

// Adds --config to a (sub)command so that it is accepted after the command too.
void add_config_option(CLI::App& command, CommandContext& ctx);
// Adds --format (text|json[|jsonl]) and --json to a read command.
void add_format_option(CLI::App& command, OutputFormat& format, bool allow_jsonl = false);

// Loads the configuration; on failure prints "redline: file:line: …" and returns nullopt (exit 78).
std::optional<Config> load_cli_config(const CommandContext& ctx);
// Prints "redline: <message>" to stderr and returns `status`.
int fail(int status, const std::string& message);

void add_list_command(CLI::App& app, CommandContext& ctx);
void add_log_command(CLI::App& app, CommandContext& ctx);
void add_show_command(CLI::App& app, CommandContext& ctx);
void add_diff_command(CLI::App& app, CommandContext& ctx);
void add_extract_command(CLI::App& app, CommandContext& ctx);
void add_compare_command(CLI::App& app, CommandContext& ctx);
void add_add_command(CLI::App& app, CommandContext& ctx);
void add_remove_command(CLI::App& app, CommandContext& ctx);
void add_check_command(CLI::App& app, CommandContext& ctx);
void add_status_command(CLI::App& app, CommandContext& ctx);
void add_webhook_command(CLI::App& app, CommandContext& ctx);
void add_import_command(CLI::App& app, CommandContext& ctx);
void add_export_command(CLI::App& app, CommandContext& ctx);
void add_outbox_command(CLI::App& app, CommandContext& ctx);
void add_gc_command(CLI::App& app, CommandContext& ctx);
void add_config_command(CLI::App& app, CommandContext& ctx);
void add_serve_command(CLI::App& app, CommandContext& ctx);
void add_store_command(CLI::App& app, CommandContext& ctx);

}  // namespace redline::cli
