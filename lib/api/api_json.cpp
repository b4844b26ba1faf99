// The JSON API's read endpoints (docs/api.md).
#include <nlohmann/json.hpp>

#include <map>

#include "api/api_state.hpp"
#include "api/problem.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "monitor/site_rules.hpp"
#include "monitor/status_report.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline::api {

namespace {

using nlohmann::json;

json time_or_null(const std::optional<Timestamp>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

json summary_json(const ArticleSummary& a) {
  return {{"key", a.key},
          {"url", a.url},
          {"site", url_host(a.url)},
          {"headline", a.headline},
          {"state", a.state},
          {"versions", a.versions},
          {"first_seen", format_rfc3339(a.first_seen)},
          {"last_checked", time_or_null(a.last_checked)},
          {"last_changed", time_or_null(a.last_changed)},
          {"next_check", time_or_null(a.next_check)}};
}

// Cursors are opaque to clients: base64url of "<kind>:<numbers…>".
std::string make_cursor(const std::string& plain) {
  std::string b = base64_encode(plain);
  for (char& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b.empty() && b.back() == '=') b.pop_back();
  return b;
}

std::optional<std::vector<int64_t>> read_cursor(const std::string& cursor, char kind, size_t count) {
  if (cursor.size() > 100) return std::nullopt;
  std::string b = cursor;
  for (char& c : b) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b.size() % 4) b += '=';
  auto plain = base64_decode(b);
  if (!plain || plain->size() < 2 || (*plain)[0] != kind || (*plain)[1] != ':') return std::nullopt;
  std::vector<int64_t> out;
  size_t pos = 2;
  while (pos <= plain->size()) {
    const size_t end = std::min(plain->find(':', pos), plain->size());
    const std::string part = plain->substr(pos, end - pos);
    if (part.empty() || part.size() > 19) return std::nullopt;
    for (size_t i = 0; i < part.size(); ++i)
      if (!(part[i] >= '0' && part[i] <= '9') && !(i == 0 && part[i] == '-' && part.size() > 1)) return std::nullopt;
    out.push_back(std::stoll(part));
    pos = end + 1;
  }
  if (out.size() != count) return std::nullopt;
  return out;
}

Response bad_cursor() { return problem(400, "cursor is not one this server gave out; start again without it"); }

std::optional<Timestamp> read_time(const RouteRequest& r, std::string_view name, std::optional<Response>& error) {
  const auto value = query_value(r.query, name);
  if (!value) return std::nullopt;
  auto t = parse_rfc3339(*value);
  if (!t)
    error = problem(
        400, std::string(name) + " is \"" + *value + "\", expected an RFC 3339 time such as 2025-01-31T10:00:00Z");
  return t;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// A version number as the CLI takes it: 1-based, negative counts from the newest.
const VersionRecord* pick(const std::vector<VersionRecord>& versions, const std::string& text) {
  if (text.empty() || text.size() > 9) return nullptr;
  for (size_t i = 0; i < text.size(); ++i)
    if (!(text[i] >= '0' && text[i] <= '9') && !(i == 0 && text[i] == '-' && text.size() > 1)) return nullptr;
  const long long number = std::stoll(text);
  const auto n = static_cast<long long>(versions.size());
  const long long index = number > 0 ? number - 1 : n + number;
  if (number == 0 || index < 0 || index >= n) return nullptr;
  return &versions[static_cast<size_t>(index)];
}

Response no_version(const std::string& text, size_t count) {
  return problem(404, "version " + text + " does not exist: the article has " + std::to_string(count) + " version" +
                          (count == 1 ? "" : "s") + " (1-based; negative counts from the newest)");
}

}  // namespace

void ApiService::State::add_json_routes() {
  router.add("GET", "/api/v1/status", [this](const RouteRequest& r) { return status(r); });

  router.add("GET", "/api/v1/articles", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    ArticleQuery q;
    if (auto bad = read_limit(r, 50, 200, q.limit)) return *bad;
    q.site = query_value(r.query, "site").value_or("");
    q.state = query_value(r.query, "state").value_or("");
    q.search = query_value(r.query, "q").value_or("");
    if (!q.state.empty() && q.state != "active" && q.state != "deleted" && q.state != "redirected")
      return problem(400, "state is \"" + q.state + "\", expected active, deleted or redirected");
    if (q.search.size() > 200) return problem(400, "q is longer than 200 bytes");
    if (auto cursor = query_value(r.query, "cursor")) {
      auto parts = read_cursor(*cursor, 'a', 2);
      if (!parts) return bad_cursor();
      q.after = ArticleCursor{(*parts)[0], (*parts)[1]};
    }
    auto page = model->articles(q);
    if (!page) return store_error(page.error());
    json items = json::array();
    for (const auto& a : page->items) items.push_back(summary_json(a));
    json next = page->next ? json(make_cursor("a:" + std::to_string(page->next->last_changed_ms) + ":" +
                                              std::to_string(page->next->id)))
                           : json(nullptr);
    return conditional(r, reply(json{{"items", items}, {"next", next}}));
  });

  router.add("GET", "/api/v1/articles/{key}", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    auto article = find_article(r.params.at("key"));
    if (!article) return store_error(article.error());
    if (!*article) return problem(404, "no article has the key or URL \"" + r.params.at("key") + "\"");
    auto summary = model->article((*article)->id);
    if (!summary) return store_error(summary.error());
    auto versions = reader->versions((*article)->id);
    if (!versions) return store_error(versions.error());
    auto changes = reader->changes((*article)->id);
    if (!changes) return store_error(changes.error());
    std::map<int64_t, std::vector<std::string>> classes_of;
    for (const auto& c : *changes) classes_of[c.to_version] = c.classes;
    json history = json::array();
    for (const auto& v : *versions)
      history.push_back({{"version", v.number},
                         {"captured_at", format_rfc3339(v.captured_at)},
                         {"headline", v.content.headline},
                         {"classes", classes_of[v.id]}});
    json out = summary_json(**summary);
    out["history"] = history;
    return conditional(r, reply(out));
  });

  router.add("GET", "/api/v1/articles/{key}/versions/{n}", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    auto article = find_article(r.params.at("key"));
    if (!article) return store_error(article.error());
    if (!*article) return problem(404, "no article has the key or URL \"" + r.params.at("key") + "\"");
    auto versions = reader->versions((*article)->id);
    if (!versions) return store_error(versions.error());
    const VersionRecord* v = pick(*versions, r.params.at("n"));
    if (!v) return no_version(r.params.at("n"), versions->size());
    json blocks = json::array();
    for (const auto& b : v->content.blocks)
      blocks.push_back({{"kind", std::string(to_string(b.kind))}, {"text", b.text}});
    return conditional(r, reply(json{{"version", v->number},
                                     {"captured_at", format_rfc3339(v->captured_at)},
                                     {"url", v->url},
                                     {"headline", v->content.headline},
                                     {"byline", v->content.byline()},
                                     {"authors", v->content.authors},
                                     {"published", time_or_null(v->content.published)},
                                     {"modified", time_or_null(v->content.modified)},
                                     {"blocks", blocks},
                                     {"body", v->content.body()}}));
  });

  router.add("GET", "/api/v1/articles/{key}/diff", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    const std::string format_name = query_value(r.query, "format").value_or("json");
    const auto format = diff_format_from_string(format_name);
    if (!format || *format == DiffFormat::ansi)
      return problem(400, "format is \"" + format_name + "\", expected json, html or text");
    auto article = find_article(r.params.at("key"));
    if (!article) return store_error(article.error());
    if (!*article) return problem(404, "no article has the key or URL \"" + r.params.at("key") + "\"");
    auto versions = reader->versions((*article)->id);
    if (!versions) return store_error(versions.error());
    const std::string from = query_value(r.query, "from").value_or("-2");
    const std::string to = query_value(r.query, "to").value_or("-1");
    if (versions->size() < 2 && !query_value(r.query, "from") && !query_value(r.query, "to"))
      return problem(409,
                     "the article has only " + std::to_string(versions->size()) + " version; nothing to compare yet");
    const VersionRecord* a = pick(*versions, from);
    if (!a) return no_version(from, versions->size());
    const VersionRecord* b = pick(*versions, to);
    if (!b) return no_version(to, versions->size());
    const Change change = compare(a->content, b->content, compare_options_for(*config, b->url));
    Response out;
    out.body = make_valid_utf8(render(change, a->content, b->content, *format));  // a store may hold any bytes
    if (*format == DiffFormat::json) out.body = inert_json(out.body);
    if (*format == DiffFormat::html) {
      out.content_type = "text/html; charset=utf-8";
      out.with_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    } else if (*format == DiffFormat::text) {
      out.content_type = "text/plain; charset=utf-8";
      out.body = "version " + std::to_string(a->number) + " (" + format_rfc3339(a->captured_at) + ") → version " +
                 std::to_string(b->number) + " (" + format_rfc3339(b->captured_at) + ")\n" + out.body;
    }
    return conditional(r, std::move(out));
  });

  router.add("GET", "/api/v1/changes", [this](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::read)) return *denied;
    if (auto failed = open_readers()) return *failed;
    EventQuery q;
    if (auto bad = read_limit(r, 50, 200, q.limit)) return *bad;
    std::optional<Response> error;
    q.since = read_time(r, "since", error);
    q.until = read_time(r, "until", error);
    if (error) return *error;
    q.classes = split_list(query_value(r.query, "classes").value_or(""));
    q.site = query_value(r.query, "site").value_or("");
    q.feed = query_value(r.query, "feed").value_or("");
    if (q.classes.size() > 16) return problem(400, "classes lists more than 16 classes");
    if (auto cursor = query_value(r.query, "cursor")) {
      auto parts = read_cursor(*cursor, 'e', 1);
      if (!parts) return bad_cursor();
      q.before_seq = (*parts)[0];
    }
    auto page = model->events(q);
    if (!page) return store_error(page.error());
    // The payloads are the webhook envelopes, byte for byte.
    std::string body = "{\"items\":[";
    for (size_t i = 0; i < page->items.size(); ++i) body += (i ? "," : "") + page->items[i].payload;
    body += "],\"next\":";
    body += page->next ? "\"" + make_cursor("e:" + std::to_string(*page->next)) + "\"" : std::string("null");
    body += "}\n";
    Response out;
    out.body = inert_json(body);
    return conditional(r, std::move(out));
  });
}

}  // namespace redline::api
