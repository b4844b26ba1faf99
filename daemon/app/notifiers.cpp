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
  return Dispatcher::create(store, http, clock, std::move(executor), notifier_targets(config), options, mail);
}

}  // namespace redline::app
