// The web desk's operator routes (docs/web.md): /status, the login, and the forms that add and
// remove watches and retry or drop deliveries. Every POST passes check_form() (api_session.cpp):
// same Origin, a login cookie with a write token, the session's CSRF token. Success answers
// 303 See Other back to the page with what was done in the query (?done=…&what=…), so the forms
// work without JavaScript and a reload does not send them again.
#include "api/api_state.hpp"
#include "monitor/watch_edit.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace redline::api {

namespace {

// Back to `page`, saying what was done.
Response done(std::string_view page, std::string_view what_done, std::string_view what) {
  return ApiService::State::see_other(std::string(page) + "?done=" + std::string(what_done) +
                                      "&what=" + percent_encode(what));
}

}  // namespace

void ApiService::State::add_desk_routes() {
  // A page for a refused or failed form, in the desk's frame.
  auto failure = [this](const RouteRequest& r, int status, std::string_view message) {
    const web::WebRequest request = desk_request(r, {});
    return from_page(web::finish(web::error_page(status, message), request));
  };
  auto store_failure = [failure](const RouteRequest& r, const Error& e) {
    if (e.code == Errc::io) return failure(r, 503, "The store cannot be written just now: " + e.message);
    return failure(r, 500, e.message);
  };

  auto writer_failure = [this, failure](const RouteRequest& r, const Response& failed) {
    return failure(r, failed.status,
                   options.read_only ? "This server serves the store read-only (redline serve); write through redlined."
                                     : "The store cannot be opened for writing just now; try again.");
  };

  router.add("GET", "/status", [this](const RouteRequest& r) {
    web::Session session;
    if (auto denied = authorize_page(r, session)) return *denied;
    const web::WebRequest request = desk_request(r, std::move(session));
    if (auto failed = open_readers()) return *failed;
    web::DeskStatus status;
    auto report = status_snapshot();
    if (!report) return from_page(web::finish(web::error_page(503, report.error().message), request));
    status.report = std::move(*report);
    if (!options.read_only) status.rounds_running = !options.rounds_running || options.rounds_running();
    const Metrics::Rounds rounds = metrics->rounds();
    status.rounds = rounds.count;
    status.last_round_seconds = rounds.last_seconds;
    status.mean_round_seconds = rounds.count ? rounds.total_seconds / static_cast<double>(rounds.count) : 0;
    status.max_round_seconds = rounds.max_seconds;
    status.origins_backing_off = rounds.origins_backing_off;
    for (const auto state : {OutboxState::pending, OutboxState::dead}) {
      auto rows = reader->list_outbox(state);
      if (!rows) return from_page(web::finish(web::error_page(503, rows.error().message), request));
      if (rows->size() > web::k_outbox_rows) rows->resize(web::k_outbox_rows);
      for (auto& e : *rows) {
        e.payload.clear();
        if (!status.url_of.count(e.article_id)) {
          auto a = model->article(e.article_id);
          status.url_of[e.article_id] = a && *a ? (*a)->url : "";
        }
      }
      (state == OutboxState::pending ? status.pending : status.dead) = std::move(*rows);
    }
    return from_page(web::finish(web::status_page(request, status), request));
  });

  router.add("POST", "/watches", [this, failure, store_failure, writer_failure](const RouteRequest& r) {
    Query fields;
    if (auto refused = check_form(r, "/watches", fields)) return *refused;
    WatchRequest request;
    request.url = std::string(trim(query_value(fields, "url").value_or("")));
    request.every = std::string(trim(query_value(fields, "every").value_or("")));
    if (request.url.empty()) return failure(r, 400, "Give the URL of an article to watch.");
    if (auto valid = validate_watch_request(request); !valid) return failure(r, 400, valid.error().message);
    if (auto failed = open_writer()) return writer_failure(r, *failed);
    auto edit = add_watch(*config, *writer, request, clock->now());
    if (!edit) return store_failure(r, edit.error());
    switch (edit->outcome) {
      case WatchEdit::Outcome::added:
        return done("/watches", "added", request.url);
      case WatchEdit::Outcome::in_config:
        return done("/watches", "config", request.url);
      default:
        return done("/watches", "exists", request.url);
    }
  });

  router.add("POST", "/watches/remove", [this, failure, store_failure, writer_failure](const RouteRequest& r) {
    Query fields;
    if (auto refused = check_form(r, "/watches", fields)) return *refused;
    const std::string url = query_value(fields, "remove").value_or("");
    if (url.empty()) return failure(r, 400, "Say which watch to remove (the form's remove button).");
    if (auto failed = open_writer()) return writer_failure(r, *failed);
    auto edit = remove_watch(*config, *writer, url);
    if (!edit && edit.error().code == Errc::not_found)
      return failure(r, 404, url + " is not a run-time watch (it may have been removed already).");
    if (!edit) return store_failure(r, edit.error());
    if (edit->outcome == WatchEdit::Outcome::in_config)
      return failure(r, 409,
                     url + " is listed in the configuration (line " + std::to_string(edit->config_line) +
                         "); remove that [[watch]] table there and reload the daemon.");
    return done("/watches", "removed", url);
  });

  router.add("POST", "/status/outbox", [this, failure, store_failure, writer_failure](const RouteRequest& r) {
    Query fields;
    if (auto refused = check_form(r, "/status", fields)) return *refused;
    const auto retry = query_value(fields, "retry");
    const auto drop = query_value(fields, "drop");
    if (!retry == !drop || (retry ? *retry : *drop).empty())
      return failure(r, 400, "Say which event to retry or drop (one of the form's buttons).");
    const std::string& event_id = retry ? *retry : *drop;
    if (auto failed = open_writer()) return writer_failure(r, *failed);
    auto changed =
        retry ? writer->retry_outbox(event_id, "", clock->now()) : writer->drop_outbox(event_id, "", clock->now());
    if (!changed && changed.error().code == Errc::not_found)
      return failure(r, 404, "The outbox has no delivery of the event " + event_id + ".");
    if (!changed && changed.error().code == Errc::invalid_input) return failure(r, 409, changed.error().message);
    if (!changed) return store_failure(r, changed.error());
    return done("/status", retry ? "retried" : "dropped", event_id);
  });

  router.add("GET", "/login", [this](const RouteRequest& r) {
    const web::WebRequest request = desk_request(r, session_of(r));
    // A form sent without a login comes here with need=write: say why nothing was changed.
    const bool need_write = query_value(r.query, "need") == "write";
    return from_page(web::finish(
        web::login_page(
            request, 200,
            need_write ? "Nothing was changed: that needs a token with scope \"write\". Log in with one." : "",
            query_value(r.query, "next").value_or("/")),
        request));
  });

  router.add("POST", "/login", [this, failure](const RouteRequest& r) {
    if (!same_origin(r.request))
      return failure(r, 403,
                     "The login form must be sent from this site's own page (the request's Origin header "
                     "is missing or names another site).");
    if (ascii_lower(r.request.header("content-type")).rfind("application/x-www-form-urlencoded", 0) != 0)
      return failure(r, 415, "Send the form as application/x-www-form-urlencoded.");
    if (r.request.body.size() > 16 * 1024) return failure(r, 413, "The form is larger than 16 KiB.");
    auto fields = parse_query(r.request.body);
    if (!fields) return failure(r, 400, fields.error().message);
    const std::string token = query_value(*fields, "token").value_or("");
    const std::string next = web::safe_next(query_value(*fields, "next").value_or("/"));
    const ApiToken* match = token_of(token);
    if (!match) {
      const web::WebRequest request = desk_request(r, {});
      return from_page(web::finish(
          web::login_page(request, 401, "That is not one of the configured tokens; nothing was stored.", next),
          request));
    }
    return see_other(next, login_cookie(token));
  });

  router.add("POST", "/logout", [this, failure](const RouteRequest& r) {
    Query fields;
    if (!same_origin(r.request)) return failure(r, 403, "The logout form must be sent from this site's own page.");
    auto parsed = parse_query(r.request.body.size() <= 16 * 1024 ? std::string_view(r.request.body) : "");
    const std::string cookie = cookie_token(r.request);
    if (!cookie.empty() && token_of(cookie)) {
      const std::string given = parsed ? query_value(*parsed, "csrf").value_or("") : "";
      if (!equal_constant_time(given, csrf_for(cookie)))
        return failure(r, 403, "The form's token is missing or stale: reload the page and send the form again.");
    }
    return see_other("/login", logout_cookie());
  });
}

}  // namespace redline::api
