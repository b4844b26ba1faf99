#include "monitor/notifications.hpp"

#include <algorithm>

#include "util/url.hpp"

namespace redline {

bool classes_notify(const std::vector<std::string>& classes, const std::vector<std::string>& wanted) {
  const auto has = [](const std::vector<std::string>& v, std::string_view c) {
    return std::find(v.begin(), v.end(), c) != v.end();
  };
  if (has(classes, "minor") && !has(wanted, "minor")) return false;
  return std::any_of(classes.begin(), classes.end(), [&](const std::string& c) { return has(wanted, c); });
}

bool origin_matches(const EventOrigin& origin, const std::vector<std::string>& sites,
                    const std::vector<std::string>& feeds) {
  if (!sites.empty()) {
    const std::string host = url_host(origin.url);
    if (std::none_of(sites.begin(), sites.end(), [&](const std::string& s) { return host_matches(host, s); }))
      return false;
  }
  if (feeds.empty()) return true;
  return !origin.feed.empty() && std::find(feeds.begin(), feeds.end(), origin.feed) != feeds.end();
}

namespace {

// Rows for the webhooks and e-mails `wanted` accepts, plus the diff log, which records every event.
template <typename Wanted>
std::vector<OutboxEntry> plan_rows(const Config& config, const std::string& event_id, int64_t article_id,
                                   const std::string& payload, Timestamp now, Wanted&& wanted) {
  std::vector<OutboxEntry> rows;
  const auto add = [&](std::string notifier) {
    OutboxEntry e;
    e.event_id = event_id;
    e.article_id = article_id;
    e.notifier = std::move(notifier);
    e.payload = payload;
    e.created_at = now;
    e.next_attempt = now;
    rows.push_back(std::move(e));
  };
  for (const auto& hook : config.webhooks)
    if (wanted(hook)) add(hook.name);
  for (const auto& mail : config.emails)
    if (wanted(mail)) add(mail.name);
  add(std::string(k_difflog_notifier));
  return rows;
}

}  // namespace

std::vector<OutboxEntry> plan_outbox(const Config& config, const std::vector<std::string>& classes,
                                     const EventOrigin& origin, const std::string& event_id, int64_t article_id,
                                     const std::string& payload, Timestamp now) {
  return plan_rows(config, event_id, article_id, payload, now, [&](const auto& notifier) {
    return classes_notify(classes, notifier.classes.value_or(config.notify.classes)) &&
           origin_matches(origin, notifier.sites, notifier.feeds);
  });
}

std::vector<OutboxEntry> plan_state_outbox(const Config& config, const EventOrigin& origin, const std::string& event_id,
                                           int64_t article_id, const std::string& payload, Timestamp now) {
  return plan_rows(config, event_id, article_id, payload, now,
                   [&](const auto& notifier) { return origin_matches(origin, notifier.sites, notifier.feeds); });
}

}  // namespace redline
