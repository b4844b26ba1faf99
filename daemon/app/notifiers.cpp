#include "app/notifiers.hpp"

#include "monitor/notifications.hpp"

namespace redline::app {

std::vector<NotifierTarget> notifier_targets(const Config& config) {
  std::vector<NotifierTarget> targets;
  for (const auto& hook : config.webhooks) {
    WebhookTarget w{hook.url, hook.secrets, hook.timeout};
    w.preset = webhook_preset_from_string(hook.preset).value_or(WebhookPreset::standard);  // validated by config
    w.token = hook.token;
    w.room = hook.room;
    targets.push_back({hook.name, std::move(w)});
  }
  for (const auto& mail : config.emails) {
    EmailTarget e{mail.smtp_url, mail.from, mail.to};
    e.username = mail.username;
    e.password = mail.password;
    e.starttls = starttls_from_string(mail.starttls).value_or(StartTls::always);
    e.timeout = mail.timeout;
    targets.push_back({mail.name, std::move(e)});
  }
  DiffLogTarget log{config.difflog, config.difflog_files.jsonl_path,
                    Rotation{config.difflog_files.max_size, config.difflog_files.max_files}};
  targets.push_back({std::string(k_difflog_notifier), std::move(log)});
  return targets;
}

Result<std::unique_ptr<Dispatcher>> make_dispatcher(const Config& config, OutboxStore& store, HttpClient& http,
                                                    Clock& clock, boost::asio::any_io_executor executor,
                                                    MailSender* mail) {
  DispatcherOptions options;
  options.max_age = config.notify.max_age;
  if (!config.http.user_agent.empty()) options.user_agent = config.http.user_agent;
  // A store shared by several nodes: each row is claimed by one node. The lease outlives any delivery
  // attempt, so that a live node's delivery is not taken over while it is being sent.
  if (auto* claims = dynamic_cast<WorkClaims*>(&store)) {
    Duration longest{0};
    for (const auto& hook : config.webhooks) longest = std::max(longest, hook.timeout);
    for (const auto& email : config.emails) longest = std::max(longest, email.timeout);
    options.claims = claims;
    options.node = config.node.name;
    options.lease = std::max(config.node.lease, 2 * longest);
  }
  return Dispatcher::create(store, http, clock, std::move(executor), notifier_targets(config), options, mail);
}

}  // namespace redline::app
