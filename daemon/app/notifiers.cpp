#include "app/notifiers.hpp"

#include "monitor/notifications.hpp"

namespace redline::app {

std::vector<NotifierTarget> notifier_targets(const Config& config) {
  std::vector<NotifierTarget> targets;
  for (const auto& hook : config.webhooks)
    targets.push_back({hook.name, WebhookTarget{hook.url, hook.secrets, hook.timeout}});
  targets.push_back({std::string(k_difflog_notifier), DiffLogTarget{config.difflog}});
  return targets;
}

Result<std::unique_ptr<Dispatcher>> make_dispatcher(const Config& config, Store& store, HttpClient& http, Clock& clock,
                                                    boost::asio::any_io_executor executor) {
  DispatcherOptions options;
  options.max_age = config.notify.max_age;
  if (!config.http.user_agent.empty()) options.user_agent = config.http.user_agent;
  return Dispatcher::create(store, http, clock, std::move(executor), notifier_targets(config), options);
}

}  // namespace redline::app
