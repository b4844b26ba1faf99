// The CLI's plumbing: each command lives in its own <name>_command.cpp and registers itself on the
// CLI11 app through add_<name>_command(). The command's callback stores the work to run in
// `ctx.run`; main() runs it after parsing and exits with the status it returns.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
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
void add_serve_command(CLI::App& app, CommandContext& ctx);

}  // namespace redline::cli
