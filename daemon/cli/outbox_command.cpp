// `redline outbox list|retry|drop`: the notification outbox, as the operator sees and steers it.
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

#include "cli/json_output.hpp"
#include "cli/store_access.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"

namespace redline::cli {

namespace {

int list_outbox(const CommandContext& ctx, const std::string& state_name, OutputFormat format) {
  const auto config = load_cli_config(ctx);
  if (!config) return k_exit_config;
  std::optional<OutboxState> state;
  if (!state_name.empty()) state = outbox_state_from_string(state_name);
  int status = k_exit_ok;
  auto store = open_store_for_reading(*config, status);
  if (!store) return status;
  auto rows = store->list_outbox(state);
  if (!rows) return fail(exit_code_for(rows.error().code), rows.error().message);
  auto articles = store->list_articles();
  if (!articles) return fail(exit_code_for(articles.error().code), articles.error().message);
  std::map<int64_t, std::string> url_of;
  for (const auto& a : *articles) url_of[a.id] = a.url;

  if (format == OutputFormat::json) {
    auto out = nlohmann::json::array();
    for (const auto& e : *rows)
      out.push_back({{"id", e.id},
                     {"event_id", e.event_id},
                     {"notifier", e.notifier},
                     {"state", std::string(to_string(e.state))},
                     {"attempts", e.attempts},
                     {"url", url_of[e.article_id]},
                     {"created_at", format_rfc3339(e.created_at)},
                     {"next_attempt", format_rfc3339(e.next_attempt)},
                     {"delivered_at", json_time(e.delivered_at)},
                     {"last_error", e.last_error}});
    std::cout << out.dump(2) << "\n";
    return k_exit_ok;
  }
  for (const auto& e : *rows) {
    std::cout << e.event_id << "  " << e.notifier << "  " << to_string(e.state) << "  attempts " << e.attempts;
    if (e.state == OutboxState::pending) std::cout << "  next " << format_rfc3339(e.next_attempt);
    if (e.delivered_at) std::cout << "  delivered " << format_rfc3339(*e.delivered_at);
    std::cout << "  " << url_of[e.article_id];
    if (!e.last_error.empty()) std::cout << "  error: " << e.last_error;
    std::cout << "\n";
  }
  if (rows->empty()) std::cout << "no outbox rows" << (state_name.empty() ? "" : " in state " + state_name) << "\n";
  return k_exit_ok;
}

enum class Action { retry, drop };

int change_outbox(const CommandContext& ctx, Action action, const std::string& event_id, const std::string& notifier) {
  const auto config = load_cli_config(ctx);
  if (!config) return k_exit_config;
  int status = k_exit_ok;
  auto store = open_store_for_writing(*config, status);
  if (!store) return status;
  const SystemClock clock;
  auto changed = action == Action::retry ? store->retry_outbox(event_id, notifier, clock.now())
                                         : store->drop_outbox(event_id, notifier, clock.now());
  if (!changed) return fail(exit_code_for(changed.error().code), changed.error().message);
  std::cout << (action == Action::retry ? "queued again: " : "dropped: ") << *changed << " row"
            << (*changed == 1 ? "" : "s") << " of event " << event_id << "\n";
  return k_exit_ok;
}

}  // namespace

void add_outbox_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("outbox", "list, retry or drop queued notifications");
  add_config_option(*cmd, ctx);
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand("list", "list outbox rows, oldest first");
  add_config_option(*list, ctx);
  auto state = std::make_shared<std::string>();
  auto format = std::make_shared<OutputFormat>(OutputFormat::text);
  list->add_option("--state", *state, "only rows in this state")
      ->check(CLI::IsMember({"pending", "delivered", "dead"}));
  add_format_option(*list, *format);
  list->callback(
      [&ctx, state, format] { ctx.run = [&ctx, state, format] { return list_outbox(ctx, *state, *format); }; });

  for (const Action action : {Action::retry, Action::drop}) {
    auto* sub =
        action == Action::retry
            ? cmd->add_subcommand("retry", "deliver an event again: dead or pending rows become due now")
            : cmd->add_subcommand("drop", "give up on an event: pending rows become dead (listable, retryable)");
    add_config_option(*sub, ctx);
    auto event = std::make_shared<std::string>();
    auto notifier = std::make_shared<std::string>();
    sub->add_option("EVENT_ID", *event, "the event id (webhook-id), as `outbox list` shows it")->required();
    sub->add_option("--notifier", *notifier, "only this webhook name (or difflog); default all of the event's");
    sub->callback([&ctx, action, event, notifier] {
      ctx.run = [&ctx, action, event, notifier] { return change_outbox(ctx, action, *event, *notifier); };
    });
  }
}

}  // namespace redline::cli
