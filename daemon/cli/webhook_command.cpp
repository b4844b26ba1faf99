// `redline webhook test NAME`: sends a sample article.changed event through the notifier NAME (a
// [[webhook]] of any preset, an [[email]], or "difflog") right now, bypassing the store and its
// outbox, and prints what happened. Exit 0 when delivered, 69 when not, 78 for an unknown name or a
// bad configuration.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "app/http_options.hpp"
#include "app/notifiers.hpp"
#include "cli/command.hpp"
#include "core/exit_code.hpp"
#include "notify/delivery.hpp"
#include "notify/event.hpp"

namespace redline::cli {

namespace {

Event sample_event(const Clock& clock) {
  Event e;
  e.id = make_event_id();
  e.type = EventType::changed;
  e.occurred_at = clock.now();
  e.article_key = "redline:test";
  e.url = "https://news.example/redline-webhook-test";
  e.old_version = EventVersion{1, clock.now() - std::chrono::hours(1), "Sample headline"};
  e.new_version = EventVersion{2, clock.now(), "Sample headline, updated"};
  e.classes = {"headline", "body"};
  e.stats = {{"words_added", 3}, {"words_removed", 1}, {"paragraphs_changed", 1}};
  e.diff =
      "Sample headline{+, updated+}\n\n"
      "This is a test notification from redline: the [-old-]{+new+} text of a paragraph {+that changed+}.\n";
  return e;
}

std::string describe(const NotifierTarget& t) {
  if (const auto* w = std::get_if<WebhookTarget>(&t.sink))
    return "webhook " + t.name + " (preset " + std::string(to_string(w->preset)) + ", " + w->url + ")";
  if (const auto* m = std::get_if<EmailTarget>(&t.sink)) return "email " + t.name + " (" + m->smtp_url + ")";
  return "diff log (" + std::get<DiffLogTarget>(t.sink).path.string() + ")";
}

int test_notifier(const Config& config, const std::string& name) {
  std::vector<NotifierTarget> targets = app::notifier_targets(config);
  std::string known;
  const NotifierTarget* target = nullptr;
  for (const auto& t : targets) {
    known += (known.empty() ? "" : ", ") + t.name;
    if (t.name == name) target = &t;
  }
  if (target == nullptr) return fail(k_exit_config, "no notifier named \"" + name + "\"; configured: " + known);
  const std::string what = describe(*target);

  boost::asio::io_context io;
  SystemClock clock;
  CurlClient http(io, app::webhook_curl_options(config));
  CurlMailSender mail(io.get_executor());
  DeliveryOptions options;
  if (!config.http.user_agent.empty()) options.user_agent = config.http.user_agent;
  auto delivery = Delivery::create({*target}, http, &mail, clock, io.get_executor(), options);
  if (!delivery) return fail(k_exit_config, delivery.error().message);

  const Event event = sample_event(clock);
  const std::string payload = render_event(event);
  std::optional<AttemptOutcome> outcome;
  if ((*delivery)->is_local(name)) {
    outcome = (*delivery)->deliver_now(name, payload);
  } else {
    // E-mail completes on the mail sender's thread: keep the loop alive until the outcome is in.
    auto guard = boost::asio::make_work_guard(io);
    (*delivery)->deliver(name, event.id, payload, [&](AttemptOutcome o) {
      outcome = std::move(o);
      guard.reset();
    });
    io.run();
  }
  if (!outcome) return fail(k_exit_unavailable, what + ": no outcome");
  if (outcome->verdict == Verdict::delivered) {
    std::cout << what << ": delivered sample event " << event.id << "\n";
    return k_exit_ok;
  }
  const char* kind = outcome->verdict == Verdict::retry ? "failed (would be retried)" : "failed (would be dead)";
  return fail(k_exit_unavailable, what + ": " + kind + ": " + outcome->reason);
}

}  // namespace

void add_webhook_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("webhook", "work with the configured notifiers");
  cmd->require_subcommand(1);
  auto* test = cmd->add_subcommand("test", "send a sample event through a notifier now and print the outcome");
  add_config_option(*test, ctx);
  auto name = std::make_shared<std::string>();
  test->add_option("NAME", *name, "a [[webhook]] or [[email]] name, or difflog")->required();
  test->callback([&ctx, name] {
    ctx.run = [&ctx, name]() -> int {
      const auto config = load_cli_config(ctx);
      if (!config) return k_exit_config;
      return test_notifier(*config, *name);
    };
  });
}

}  // namespace redline::cli
