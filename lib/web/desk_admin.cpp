// The desk's operator pages: /watches, /status and /login. lib/api checks every POST (login cookie,
// CSRF token, Origin) before it acts; these functions only render.
#include <algorithm>
#include <array>

#include "monitor/identity.hpp"
#include "monitor/schedule.hpp"
#include "web/desk.hpp"
#include "web/desk_util.hpp"
#include "web/page.hpp"

namespace redline::web {

using namespace detail;

namespace {

constexpr size_t k_watch_rows = 50;

std::string time_or_dash(const std::optional<Timestamp>& t) {
  if (!t) return "<span class=\"muted\">—</span>";
  return "<time datetime=\"" + esc(format_rfc3339(*t)) + "\">" + esc(short_time(*t)) + "</time>";
}

// "every 30m", or the news tier the article is in now.
std::string schedule_text(const Config& config, const std::optional<Duration>& every, const ArticleTimes& times,
                          Timestamp now) {
  if (every) return "every " + format_duration(*every);
  const auto interval = tier_interval(config.schedule.news, now - age_anchor(times));
  if (!interval) return "news: past the last tier, not checked";
  return "news: every " + format_duration(*interval);
}

// The outcome of the last POST, from the redirect's query: fixed sentences, the subject escaped.
std::string flash(const Params& query) {
  const auto done = param(query, "done");
  if (!done) return "";
  const std::string what = esc(clip(param(query, "what").value_or(""), 300));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> k_messages{{
      {"added", "Now watching "},
      {"exists", "Already watched: "},
      {"config", "Listed in the configuration file (edit the file to change it): "},
      {"removed", "No longer watching "},
      {"retried", "Queued again for delivery: "},
      {"dropped", "Dropped (kept as dead; it can be retried): "},
  }};
  for (const auto& [code, sentence] : k_messages)
    if (*done == code) return "<p class=\"notice ok\" role=\"status\">" + std::string(sentence) + what + "</p>\n";
  return "";
}

// Who is logged in, and what the forms need.
std::string session_line(const WebRequest& request, std::string_view here) {
  const Session& s = request.session;
  const std::string login = "<a href=\"/login?next=" + esc(percent_encode(here)) + "\">log in</a>";
  if (s.name.empty()) return "<p class=\"notice\">Changes here need a token with scope “write”: " + login + ".</p>\n";
  if (!s.can_write)
    return "<p class=\"notice\">Logged in as “" + esc(s.name) +
           "”, a read token; changes need a token with scope “write”: " + login + " with one.</p>\n";
  return "<p class=\"muted\">Logged in as “" + esc(s.name) + "” (write). <a href=\"/login\">Session</a></p>\n";
}

std::string csrf_field(const WebRequest& request) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(request.session.csrf) + "\">";
}

std::string url_cell(const std::string& url, const std::string& key) {
  std::string out = "<a href=\"" + esc(url) + "\" rel=\"noopener noreferrer nofollow\">" + esc(clip(url, 120)) + "</a>";
  if (!key.empty()) out += " <a class=\"muted\" href=\"" + article_href(key) + "\">versions</a>";
  return out;
}

std::string error_cell(const std::string& error) {
  return error.empty() ? "" : "<span class=\"error-text\">" + esc(clip(error, 300)) + "</span>";
}

constexpr std::string_view k_watch_head =
    "<th scope=\"col\">URL</th><th scope=\"col\">State</th><th scope=\"col\">Schedule</th>"
    "<th scope=\"col\">Last check</th><th scope=\"col\">Next check</th><th scope=\"col\">Last error</th>";

}  // namespace

std::string safe_next(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 2000) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\' || c == 0x7f) return "/";
  return std::string(next);
}

WebResponse watches_page(WebSources& sources, const WebRequest& request) {
  const Config& config = sources.config;
  const auto after = param(request.query, "after");
  if (after && after->size() > k_max_url_length) return error_page(400, "after is not a position this page gave out.");
  std::string body = "<h1>Watches</h1>\n" + flash(request.query) + session_line(request, "/watches");

  body +=
      "<h2 id=\"add-heading\">Add a watch</h2>\n<form id=\"add-watch\" class=\"filters\" method=\"post\" "
      "action=\"/watches\" aria-labelledby=\"add-heading\">" +
      csrf_field(request) +
      "<label for=\"add-url\">Article URL<input type=\"url\" name=\"url\" id=\"add-url\" required "
      "maxlength=\"4096\" placeholder=\"https://\"></label>"
      "<label for=\"add-every\">Check every (empty: the news schedule)<input type=\"text\" name=\"every\" "
      "id=\"add-every\" maxlength=\"20\" placeholder=\"30m\"></label>"
      "<button type=\"submit\">Add</button></form>\n";

  // The configuration's watches (the first page only: they are few, and edited in the file).
  if (!after && !config.watches.empty()) {
    body += "<h2>In the configuration</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>" +
            std::string(k_watch_head) + "</tr></thead>\n<tbody>\n";
    for (const auto& w : config.watches) {
      auto found = sources.store.find_article(article_key(config, w.url));
      if (!found) return store_failure(found.error());
      const std::optional<Duration> every = w.news ? std::nullopt : std::optional<Duration>(w.every);
      body += "<tr><td>" + url_cell(w.url, *found ? (*found)->key : "") + "</td>";
      if (!*found) {
        body += "<td>not checked yet</td><td>" + esc(schedule_text(config, every, ArticleTimes{}, request.now)) +
                "</td><td></td><td></td><td></td></tr>\n";
        continue;
      }
      const ArticleRecord& a = **found;
      body += "<td>" + esc(a.state) + "</td><td>" + esc(schedule_text(config, every, times_of(a), request.now)) +
              "</td><td>" + time_or_dash(a.last_checked) + "</td><td>" + time_or_dash(a.next_check) + "</td><td>" +
              error_cell(a.last_error) + "</td></tr>\n";
    }
    body += "</tbody></table></div>\n";
  }

  // Run-time watches, by URL, keyset-paged.
  WatchQuery q;
  q.limit = k_watch_rows;
  q.after = after;
  auto page = sources.model.watches(q);
  if (!page) return store_failure(page.error());
  body += "<h2 id=\"runtime-heading\">Added at run time</h2>\n";
  if (page->items.empty()) {
    body += "<p class=\"notice\">" +
            std::string(after ? "No more watches." : "None: add one above, with `redline add` or the API.") + "</p>\n";
  } else {
    body += "<form id=\"remove-watches\" method=\"post\" action=\"/watches/remove\">" + csrf_field(request) +
            "<div class=\"table-wrap\"><table aria-labelledby=\"runtime-heading\">\n<thead><tr>" +
            std::string(k_watch_head) +
            "<th scope=\"col\">Source</th><th scope=\"col\">Remove</th></tr></thead>\n<tbody>\n";
    for (const auto& w : page->items) {
      const ArticleTimes times{w.first_seen, w.published, w.last_change, w.next_check};
      body += "<tr><td>" + url_cell(w.url, w.key) + "</td><td>" + esc(w.state) + "</td><td>" +
              esc(schedule_text(config, w.every, times, request.now)) + "</td><td>" + time_or_dash(w.last_checked) +
              "</td><td>" + time_or_dash(w.next_check) + "</td><td>" + error_cell(w.last_error) + "</td><td>" +
              esc(w.source) + "</td><td><button type=\"submit\" name=\"remove\" value=\"" + esc(w.url) +
              "\">Remove<span class=\"vh\"> " + esc(clip(w.url, 120)) + "</span></button></td></tr>\n";
    }
    body += "</tbody></table></div></form>\n";
  }
  body += "<nav aria-label=\"Watch pages\" class=\"pager\">";
  if (after) body += "<a href=\"/watches\">First</a> ";
  if (page->next) body += "<a rel=\"next\" href=\"/watches?after=" + esc(percent_encode(*page->next)) + "\">Next</a>";
  body += "</nav>\n";

  // Feeds: the configuration, and the daemon's polls (they are not recorded in the store: from its
  // memory, since it started; `redline serve` has none).
  if (!after && !config.feeds.empty()) {
    body +=
        "<h2>Feeds</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">Name</th>"
        "<th scope=\"col\">URL</th><th scope=\"col\">Mode</th><th scope=\"col\">Polled</th>"
        "<th scope=\"col\">Schedule of its watches</th><th scope=\"col\">State</th>"
        "<th scope=\"col\">Last poll</th><th scope=\"col\">Next poll</th><th scope=\"col\">Last error</th>"
        "</tr></thead>\n<tbody>\n";
    for (const auto& f : config.feeds) {
      const FeedState* state = nullptr;
      if (sources.feeds)
        for (const auto& s : *sources.feeds)
          if (s.url == f.url) state = &s;
      const std::string dash = "<td>" + time_or_dash(std::nullopt) + "</td>";
      std::string polls = "<td>not polled by this process</td>" + dash + dash + dash;
      if (state) {
        const std::string health = !state->last_poll ? "not polled yet" : state->ok ? "ok" : "failing";
        polls = "<td>" + esc(health) + " (" + std::to_string(state->polls) + " polls, " +
                std::to_string(state->failed_polls) + " failed)</td><td>" + time_or_dash(state->last_poll) +
                "</td><td>" + time_or_dash(state->next_poll) + "</td><td>" + error_cell(state->last_error) + "</td>";
      }
      body += "<tr><td>" + esc(f.name) + "</td><td>" + url_cell(f.url, "") + "</td><td>" + esc(f.mode) +
              "</td><td>every " + esc(format_duration(f.every)) + "</td><td>" + esc(f.schedule) + "</td>" + polls +
              "</tr>\n";
    }
    body += "</tbody></table></div>\n";
  }
  WebResponse r;
  r.body = document("Watches", body, "/watches");
  return r;
}

namespace {

std::string seconds_text(double s) {
  char buf[32];
  if (s < 1)
    std::snprintf(buf, sizeof buf, "%.1f ms", s * 1000);
  else
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// The outbox rows of one state, one table row per event (its notifiers listed), with its buttons.
std::string outbox_table(const DeskStatus& status, const std::vector<OutboxEntry>& rows, bool pending,
                         std::string_view heading_id) {
  std::vector<std::pair<std::string, std::vector<const OutboxEntry*>>> events;
  for (const auto& e : rows) {
    auto it = std::find_if(events.begin(), events.end(), [&](const auto& p) { return p.first == e.event_id; });
    if (it == events.end()) {
      events.push_back({e.event_id, {}});
      it = events.end() - 1;
    }
    it->second.push_back(&e);
  }
  std::string out = "<div class=\"table-wrap\"><table aria-labelledby=\"" + std::string(heading_id) +
                    "\">\n<thead><tr><th scope=\"col\">Event</th><th scope=\"col\">Article</th>"
                    "<th scope=\"col\">Deliveries</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n";
  for (const auto& [event_id, entries] : events) {
    const OutboxEntry& first = *entries.front();
    const auto url = status.url_of.find(first.article_id);
    out += "<tr><td><code>" + esc(event_id) + "</code><br>" + time_or_dash(first.created_at) + "</td><td>";
    if (url != status.url_of.end()) out += url_cell(url->second, "");
    out += "</td><td><ul class=\"plain\">";
    for (const auto* e : entries) {
      out +=
          "<li>" + esc(e->notifier) + ": " + std::to_string(e->attempts) + " attempt" + (e->attempts == 1 ? "" : "s");
      if (pending) out += ", next " + time_or_dash(e->next_attempt);
      if (!e->last_error.empty()) out += " — " + error_cell(e->last_error);
      out += "</li>";
    }
    out += "</ul></td><td>";
    const std::string id = esc(event_id);
    out += "<button type=\"submit\" name=\"retry\" value=\"" + id + "\">" + (pending ? "Retry now" : "Retry") +
           "<span class=\"vh\"> " + id + "</span></button>";
    if (pending)
      out += " <button type=\"submit\" name=\"drop\" value=\"" + id + "\">Drop<span class=\"vh\"> " + id +
             "</span></button>";
    out += "</td></tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

}  // namespace

WebResponse status_page(const WebRequest& request, const DeskStatus& status) {
  const StatusReport& report = status.report;
  std::string body = "<h1>Status</h1>\n" + flash(request.query);

  body += "<h2>Rounds</h2>\n<p>";
  if (!status.rounds_running)
    body += "This server only reads the store (redline serve); the daemon's rounds are not seen here.";
  else if (!*status.rounds_running)
    body += "The daemon's rounds have not started yet.";
  else
    body += std::to_string(status.rounds) + " rounds since the start; the last took " +
            seconds_text(status.last_round_seconds) + ", on average " + seconds_text(status.mean_round_seconds) +
            ", the slowest " + seconds_text(status.max_round_seconds) +
            ". Origins backing off after failures: " + std::to_string(status.origins_backing_off) + ".";
  body += "</p>\n<ul class=\"plain\">";
  for (const auto& [source, n] : report.watches)
    body += "<li>" + std::to_string(n) + " watches from " + esc(source) + "</li>";
  for (const auto& [state, n] : report.articles)
    body += "<li>" + std::to_string(n) + " " + esc(state) + " articles</li>";
  body += "<li>" + std::to_string(report.versions) + " versions</li></ul>\n";
  if (!report.next_checks.empty()) {
    body += "<h3>Next checks</h3>\n<ul class=\"plain\">";
    for (const auto& [url, at] : report.next_checks)
      body += "<li>" + time_or_dash(at) + " " + url_cell(url, "") + "</li>";
    body += "</ul>\n";
  }

  body += "<h2 id=\"failing-heading\">Failing origins</h2>\n";
  if (report.failing_origins.empty()) {
    body += "<p>No article's last check failed.</p>\n";
  } else {
    body +=
        "<div class=\"table-wrap\"><table aria-labelledby=\"failing-heading\">\n<thead><tr><th scope=\"col\">Origin"
        "</th><th scope=\"col\">Articles</th><th scope=\"col\">Error classes</th><th scope=\"col\">For example"
        "</th></tr></thead>\n<tbody>\n";
    for (const auto& [host, o] : report.failing_origins) {
      body += "<tr><td>" + esc(host) + "</td><td>" + std::to_string(o.articles) + "</td><td>";
      for (const auto& [cls, n] : o.classes)
        body += "<span class=\"badge\">" + esc(cls) + " × " + std::to_string(n) + "</span>";
      body += "</td><td>" + url_cell(o.example_url, "") + "<br>" + error_cell(o.example_error) + "</td></tr>\n";
    }
    body += "</tbody></table></div>\n";
  }

  body += "<h2>Outbox</h2>\n<p>" + std::to_string(report.outbox_pending) + " deliveries pending, " +
          std::to_string(report.outbox_dead) + " dead.</p>\n" + session_line(request, "/status");
  body += "<form id=\"outbox-actions\" method=\"post\" action=\"/status/outbox\">" + csrf_field(request);
  for (const bool pending : {false, true}) {
    const auto& rows = pending ? status.pending : status.dead;
    const std::string id = pending ? "pending-heading" : "dead-heading";
    body += "<h3 id=\"" + id + "\">" + (pending ? "Pending" : "Dead") + "</h3>\n";
    const size_t total = pending ? report.outbox_pending : report.outbox_dead;
    if (rows.empty()) {
      body += "<p>None.</p>\n";
      continue;
    }
    if (total > rows.size())
      body += "<p class=\"muted\">The oldest " + std::to_string(rows.size()) + " of " + std::to_string(total) +
              "; <code>redline outbox list</code> shows all.</p>\n";
    body += outbox_table(status, rows, pending, id);
  }
  body += "</form>\n";
  WebResponse r;
  r.body = document("Status", body, "/status");
  return r;
}

WebResponse login_page(const WebRequest& request, int status, std::string_view message, std::string_view next) {
  std::string body = "<h1>Log in</h1>\n";
  if (!message.empty())
    body += "<p class=\"notice" + std::string(status >= 400 ? " error" : "") + "\" role=\"" +
            (status >= 400 ? "alert" : "status") + "\">" + esc(message) + "</p>\n";
  const Session& s = request.session;
  if (!s.name.empty())
    body += "<p>Logged in as “" + esc(s.name) + "” (" + (s.can_write ? "write" : "read") +
            ").</p>\n<form id=\"logout\" method=\"post\" action=\"/logout\">" + csrf_field(request) +
            "<button type=\"submit\">Log out</button></form>\n<h2>Another token</h2>\n";
  body +=
      "<p>Paste one of the <code>[[api.token]]</code> tokens of the configuration. It is kept in a cookie that "
      "only this site's pages send (HttpOnly, SameSite=Strict), never shown again.</p>\n"
      "<form id=\"login\" method=\"post\" action=\"/login\">"
      "<input type=\"hidden\" name=\"next\" value=\"" +
      esc(safe_next(next)) +
      "\"><label for=\"token\">Token<input type=\"password\" name=\"token\" id=\"token\" required "
      "autocomplete=\"current-password\" maxlength=\"1024\"></label> <button type=\"submit\">Log in</button>"
      "</form>\n";
  WebResponse r;
  r.status = status;
  r.body = document("Log in", body, "/login");
  return r;
}

}  // namespace redline::web
