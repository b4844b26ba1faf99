// Watches and the outbox: what `redline add/remove` and `redline outbox` do, over HTTP.
#include <nlohmann/json.hpp>

#include <map>

#include "api/api_state.hpp"
#include "api/problem.hpp"
#include "monitor/watch_edit.hpp"

namespace redline::api {

namespace {

using nlohmann::json;

json time_or_null(const std::optional<Timestamp>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

void ApiService::State::add_write_routes() {
  router.add("GET", "/api/v1/watches", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    auto watches = reader->list_watches();
    if (!watches) return store_error(watches.error());
    json items = json::array();
    for (const auto& w : config->watches)
      items.push_back({{"url", w.url},
                       {"every", w.news ? json(nullptr) : json(format_duration(w.every))},
                       {"schedule", w.news ? "news" : "every"},
                       {"source", "config"},
                       {"added_at", nullptr}});
    for (const auto& w : *watches)
      items.push_back({{"url", w.url},
                       {"every", w.every ? json(format_duration(*w.every)) : json(nullptr)},
                       {"schedule", w.every ? "every" : "news"},
                       {"source", w.source},
                       {"added_at", format_rfc3339(w.added_at)}});
    return conditional(r, reply(json{{"items", items}}));
  });

  router.add("POST", "/api/v1/watches", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::write)) return *denied;
    const std::string type = r.request.header("content-type");
    if (type.rfind("application/json", 0) != 0)
      return problem(415, "send the watch as application/json: {\"url\": \"https://…\", \"every\": \"30m\"}");
    const json body = json::parse(r.request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string())
      return problem(400,
                     "the body must be a JSON object with a string \"url\" (and optional \"every\" or \"schedule\")");
    WatchRequest request;
    request.url = body["url"].get<std::string>();
    for (const auto& [name, value] : body.items()) {
      if (name == "url") continue;
      if ((name != "every" && name != "schedule") || !value.is_string())
        return problem(400, "unknown or non-string member \"" + name + "\"; expected url, every, schedule");
      (name == "every" ? request.every : request.schedule) = value.get<std::string>();
    }
    if (auto valid = validate_watch_request(request); !valid) return problem(400, valid.error().message);
    if (auto failed = open_writer()) return *failed;
    auto edit = add_watch(*config, *writer, request, clock->now());
    if (!edit) return store_error(edit.error());
    if (edit->outcome == WatchEdit::Outcome::in_config)
      return reply(json{{"url", request.url}, {"source", "config"}, {"created", false}});
    const bool created = edit->outcome == WatchEdit::Outcome::added;
    return reply(json{{"url", request.url},
                      {"key", edit->key},
                      {"every", edit->every ? json(format_duration(*edit->every)) : json(nullptr)},
                      {"schedule", edit->every ? "every" : "news"},
                      {"source", "cli"},
                      {"created", created}},
                 created ? 201 : 200);
  });

  router.add("DELETE", "/api/v1/watches", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::write)) return *denied;
    const auto url = query_value(r.query, "url");
    if (!url || url->empty()) return problem(400, "say which watch: DELETE /api/v1/watches?url=<the URL>");
    if (auto failed = open_writer()) return *failed;
    auto edit = remove_watch(*config, *writer, *url);
    if (!edit && edit.error().code == Errc::not_found) return problem(404, *url + " is not a run-time watch");
    if (!edit) return store_error(edit.error());
    if (edit->outcome == WatchEdit::Outcome::in_config)
      return problem(409, *url + " is listed in the configuration (line " + std::to_string(edit->config_line) +
                              "); remove that [[watch]] table there and reload the daemon");
    Response gone;
    gone.status = 204;
    return gone;
  });

  router.add("GET", "/api/v1/outbox", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    const std::string state_name = query_value(r.query, "state").value_or("pending");
    const auto state = outbox_state_from_string(state_name);
    if (!state) return problem(400, "state is \"" + state_name + "\", expected pending, dead or delivered");
    auto rows = reader->list_outbox(*state);
    if (!rows) return store_error(rows.error());
    std::map<int64_t, std::string> url_of;
    json items = json::array();
    for (const auto& e : *rows) {
      if (!url_of.count(e.article_id)) {
        auto a = model->article(e.article_id);
        url_of[e.article_id] = a && *a ? (*a)->url : "";
      }
      items.push_back({{"id", e.id},
                       {"event_id", e.event_id},
                       {"notifier", e.notifier},
                       {"state", std::string(to_string(e.state))},
                       {"attempts", e.attempts},
                       {"url", url_of[e.article_id]},
                       {"created_at", format_rfc3339(e.created_at)},
                       {"next_attempt", format_rfc3339(e.next_attempt)},
                       {"delivered_at", time_or_null(e.delivered_at)},
                       {"last_error", e.last_error}});
    }
    return conditional(r, reply(json{{"items", items}}));
  });

  const auto outbox_action = [this](bool retry) {
    return [this, retry](const RouteRequest& r) {
      if (auto denied = authorize(r, Access::write)) return *denied;
      if (auto failed = open_writer()) return *failed;
      const std::string& event_id = r.params.at("id");
      const std::string notifier = query_value(r.query, "notifier").value_or("");
      auto changed = retry ? writer->retry_outbox(event_id, notifier, clock->now())
                           : writer->drop_outbox(event_id, notifier, clock->now());
      if (!changed) return store_error(changed.error());
      return reply(json{{"event_id", event_id}, {"changed", *changed}});
    };
  };
  router.add("POST", "/api/v1/outbox/{id}/retry", outbox_action(true));
  router.add("DELETE", "/api/v1/outbox/{id}", outbox_action(false));
}

}  // namespace redline::api
