#include "monitor/watch_edit.hpp"

#include "monitor/identity.hpp"
#include "util/url.hpp"

namespace redline {

const WatchConfig* config_watch(const Config& config, std::string_view url) {
  for (const auto& w : config.watches)
    if (w.url == url) return &w;
  return nullptr;
}

Result<std::optional<Duration>> validate_watch_request(const WatchRequest& request) {
  if (auto checked = check_http_url(request.url); !checked) return checked.error();
  std::optional<Duration> every;
  if (!request.every.empty()) {
    every = parse_duration(request.every);
    if (!every || *every < std::chrono::seconds(1))
      return make_error(Errc::invalid_input,
                        "every \"" + request.every + "\" is not a duration of at least 1s, such as 30m");
  }
  if (!request.schedule.empty() && request.schedule != "news")
    return make_error(Errc::invalid_input, "schedule \"" + request.schedule + "\" is unknown; expected \"news\"");
  if (!request.every.empty() && !request.schedule.empty())
    return make_error(Errc::invalid_input, "give either every or schedule, not both");
  return every;
}

Result<WatchEdit> add_watch(const Config& config, Store& store, const WatchRequest& given, Timestamp now) {
  auto every = validate_watch_request(given);
  if (!every) return every.error();
  WatchRequest request = given;
  request.url = *check_http_url(given.url);  // the form to fetch: an IDN host as punycode, no fragment
  WatchEdit edit;
  edit.every = *every;
  if (const auto* w = config_watch(config, request.url)) {
    edit.outcome = WatchEdit::Outcome::in_config;
    edit.config_line = w->line;
    return edit;
  }
  auto article = store.ensure_article(article_key(config, request.url), request.url, now);
  if (!article) return article.error();
  edit.key = article->key;
  auto added = store.add_watch({request.url, article->id, edit.every, "cli", now, {}, {}});
  if (!added) return added.error();
  edit.outcome = *added ? WatchEdit::Outcome::added : WatchEdit::Outcome::already_watched;
  return edit;
}

Result<WatchEdit> remove_watch(const Config& config, Store& store, std::string_view url) {
  WatchEdit edit;
  if (const auto* w = config_watch(config, url)) {
    edit.outcome = WatchEdit::Outcome::in_config;
    edit.config_line = w->line;
    return edit;
  }
  auto removed = store.remove_watch(url);
  if (!removed) return removed.error();
  if (!*removed) return make_error(Errc::not_found, std::string(url) + " is not watched");
  edit.outcome = WatchEdit::Outcome::removed;
  return edit;
}

}  // namespace redline
