// The desk's read pages: timeline, article, diff, version.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

#include "diff/compare.hpp"
#include "monitor/site_rules.hpp"
#include "notify/event.hpp"
#include "util/url.hpp"
#include "web/desk.hpp"
#include "web/desk_util.hpp"
#include "web/diff_view.hpp"
#include "web/page.hpp"

namespace redline::web {

using namespace detail;

namespace {

constexpr size_t k_page_rows = 50;
constexpr std::array<std::string_view, 11> k_classes{"headline", "body",    "byline", "dates",  "lede", "correction",
                                                     "silent",   "numbers", "quotes", "revert", "minor"};

// The classes asked for: ?classes=a,b or ?classes=a&classes=b (the form's checkboxes).
std::vector<std::string> requested_classes(const Params& query) {
  std::vector<std::string> out;
  auto [lo, hi] = query.equal_range("classes");
  for (auto it = lo; it != hi; ++it) {
    size_t start = 0;
    const std::string& v = it->second;
    while (start <= v.size()) {
      const size_t comma = std::min(v.find(',', start), v.size());
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

// RFC 3339, or a date (YYYY-MM-DD, the date input's value) meaning its midnight UTC.
std::optional<Timestamp> read_day_or_time(const std::string& text) {
  if (text.size() == 10) return parse_rfc3339(text + "T00:00:00Z");
  return parse_rfc3339(text);
}

// The text diff's first changed line of the body (after an "@@" hunk header), with its markers as
// <del>/<ins>; "" when there is none.
std::string excerpt_html(const std::string& diff) {
  bool in_hunk = false;
  size_t start = 0;
  while (start < diff.size()) {
    const size_t end = std::min(diff.find('\n', start), diff.size());
    const std::string_view line(diff.data() + start, end - start);
    start = end + 1;
    if (line.rfind("@@ ", 0) == 0) {
      in_hunk = true;
      continue;
    }
    if (!in_hunk || (line.find("[-") == std::string_view::npos && line.find("{+") == std::string_view::npos)) continue;
    std::string out;
    const std::string clipped = clip(line, 240);
    std::string_view rest = clipped;
    while (!rest.empty()) {
      const size_t d = rest.find("[-");
      const size_t i = rest.find("{+");
      const size_t at = std::min(d, i);
      if (at == std::string_view::npos) {
        out += esc(rest);
        break;
      }
      out += esc(rest.substr(0, at));
      const bool del = at == d;
      const std::string_view close = del ? "-]" : "+}";
      size_t stop = rest.find(close, at + 2);
      if (stop == std::string_view::npos) stop = rest.size();
      out += del ? "<del>" : "<ins>";
      out += esc(rest.substr(at + 2, stop - at - 2));
      out += del ? "</del>" : "</ins>";
      rest = stop + 2 <= rest.size() ? rest.substr(stop + 2) : std::string_view();
    }
    return out;
  }
  return "";
}

std::string headline_redline(const Event& e) {
  if (!e.new_version) return e.old_version ? esc(e.old_version->headline) : "";
  if (!e.old_version || e.old_version->headline == e.new_version->headline) return esc(e.new_version->headline);
  Article a;
  Article b;
  a.headline = e.old_version->headline;
  b.headline = e.new_version->headline;
  return headline_html(compare(a, b), b);
}

std::string timeline_row(const Event& e) {
  const std::string key_href = article_href(e.article_key);
  std::string open = key_href;
  if (e.type == EventType::changed && e.old_version && e.new_version)
    open += "/diff?from=" + std::to_string(e.old_version->number) + "&amp;to=" + std::to_string(e.new_version->number);
  std::string out = "<li class=\"row\" data-event=\"" + esc(e.id) + "\">";
  out += "<div class=\"meta\"><time datetime=\"" + esc(format_rfc3339(e.occurred_at)) + "\">" +
         esc(short_time(e.occurred_at)) + "</time> · <span class=\"site\">" + esc(url_host(e.url)) + "</span> ";
  if (e.type != EventType::changed) out += "<span class=\"badge\">" + esc(to_string(e.type).substr(8)) + "</span>";
  out += badges(e.classes);
  if (e.stats.is_object() && e.stats.contains("words_added"))
    out += " <span class=\"words\">+" + std::to_string(e.stats.value("words_added", 0)) + " −" +
           std::to_string(e.stats.value("words_removed", 0)) + " words</span>";
  out += "</div>\n<div class=\"head\"><a class=\"open\" href=\"" + open + "\">" + headline_redline(e) + "</a></div>";
  const std::string excerpt = excerpt_html(e.diff);
  if (!excerpt.empty()) out += "<p class=\"excerpt\">" + excerpt + "</p>";
  out += "</li>\n";
  return out;
}

std::string checkbox(std::string_view name, std::string_view value, bool checked) {
  const std::string id = "f-" + std::string(value);
  return "<label class=\"check\" for=\"" + id + "\"><input type=\"checkbox\" id=\"" + id + "\" name=\"" +
         std::string(name) + "\" value=\"" + std::string(value) + "\"" + (checked ? " checked" : "") + "> " +
         std::string(value) + "</label>";
}

std::string text_field(std::string_view name, std::string_view label, std::string_view type,
                       const std::optional<std::string>& value) {
  const std::string id = "f-" + std::string(name);
  return "<label for=\"" + id + "\">" + std::string(label) + "<input type=\"" + std::string(type) + "\" id=\"" + id +
         "\" name=\"" + std::string(name) + "\" value=\"" + esc(value.value_or("")) + "\"></label>";
}

std::string filter_form(const Params& query, const std::vector<std::string>& classes) {
  std::string out =
      "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Filter changes\">";
  out += "<fieldset><legend>Classes (minor hidden unless chosen)</legend>";
  for (auto c : k_classes) out += checkbox("classes", c, std::find(classes.begin(), classes.end(), c) != classes.end());
  out += "</fieldset>";
  out += text_field("site", "Site", "text", param(query, "site"));
  out += text_field("feed", "Feed", "text", param(query, "feed"));
  out += text_field("since", "Since", "date", param(query, "since"));
  out += text_field("until", "Until", "date", param(query, "until"));
  out += text_field("q", "Headline contains", "search", param(query, "q"));
  out += "<button type=\"submit\">Filter</button> <a href=\"/\">Clear</a></form>\n";
  return out;
}

// The query string of the current filters, with `extra` appended (already encoded), HTML-escaped.
std::string filter_link(const Params& query, const std::string& extra) {
  std::string q;
  for (const auto& [k, v] : query) {
    if (k == "before" || k == "after") continue;
    q += (q.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  }
  q += (q.empty() ? "" : "&") + extra;
  return esc("/?" + q);
}

bool parse_number(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::stoll(text);
  return true;
}

}  // namespace

WebResponse timeline_page(WebSources& sources, const WebRequest& request) {
  const Params& query = request.query;
  EventQuery q;
  size_t page_rows = k_page_rows;
  if (const auto limit = param(query, "limit")) {
    int64_t n = 0;
    if (!parse_number(*limit, n) || n < 1 || n > 200)
      return error_page(400, "limit is \"" + *limit + "\"; expected a number from 1 to 200.");
    page_rows = static_cast<size_t>(n);
  }
  q.limit = page_rows;
  const std::vector<std::string> classes = requested_classes(query);
  if (classes.size() > 16) return error_page(400, "classes lists more than 16 classes.");
  q.classes = classes;
  q.site = param(query, "site").value_or("");
  q.feed = param(query, "feed").value_or("");
  for (auto [name, slot] : {std::pair{"since", &q.since}, std::pair{"until", &q.until}}) {
    const auto value = param(query, name);
    if (!value || value->empty()) continue;
    *slot = read_day_or_time(*value);
    if (!*slot)
      return error_page(400, std::string(name) + " is \"" + *value +
                                 "\"; expected a date (2025-01-31) or an RFC 3339 time (2025-01-31T10:00:00Z).");
  }
  if (q.until && q.until->time_since_epoch().count() > 0 && param(query, "until")->size() == 10)
    *q.until += std::chrono::hours(24);  // a date: through its end
  const std::string search = param(query, "q").value_or("");
  if (search.size() > 200) return error_page(400, "The headline search is longer than 200 bytes.");
  if (const auto before = param(query, "before")) {
    int64_t seq = 0;
    if (!parse_number(*before, seq)) return error_page(400, "before is not a position this page gave out.");
    q.before_seq = seq;
  }
  const bool hide_minor = classes.empty();

  std::vector<Event> rows;
  std::optional<std::string> older;  // the "older" link's extra parameter
  if (!search.empty()) {
    // Search: the newest matching event of each article whose headline (any version) matches.
    ArticleQuery aq;
    aq.search = search;
    aq.site = q.site;
    aq.limit = page_rows;
    if (const auto after = param(query, "after")) {
      const size_t colon = after->find('.');
      int64_t ms = 0;
      int64_t id = 0;
      if (colon == std::string::npos || !parse_number(after->substr(colon + 1), id) ||
          !(after->substr(0, colon) == "-1" || parse_number(after->substr(0, colon), ms)))
        return error_page(400, "after is not a position this page gave out.");
      aq.after = ArticleCursor{after->substr(0, colon) == "-1" ? -1 : ms, id};
    }
    auto page = sources.model.articles(aq);
    if (!page) return store_failure(page.error());
    for (const auto& a : page->items) {
      EventQuery one = q;
      one.before_seq.reset();
      one.article_id = a.id;
      one.limit = hide_minor ? 10 : 1;
      auto events = sources.model.events(one);
      if (!events) return store_failure(events.error());
      for (const auto& rec : events->items) {
        auto e = parse_event(rec.payload);
        if (!e) continue;
        if (hide_minor && std::find(e->classes.begin(), e->classes.end(), "minor") != e->classes.end()) continue;
        rows.push_back(std::move(*e));
        break;
      }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Event& x, const Event& y) { return x.occurred_at > y.occurred_at; });
    if (page->next)
      older = "after=" + std::to_string(page->next->last_changed_ms) + "." + std::to_string(page->next->id);
  } else {
    // Minor changes are dropped after the query: read on (a few pages at most) to fill the page.
    for (int round = 0; round < 5 && rows.size() < page_rows; ++round) {
      auto page = sources.model.events(q);
      if (!page) return store_failure(page.error());
      for (const auto& rec : page->items) {
        auto e = parse_event(rec.payload);
        if (!e) continue;
        if (hide_minor && std::find(e->classes.begin(), e->classes.end(), "minor") != e->classes.end()) continue;
        rows.push_back(std::move(*e));
        if (rows.size() == page_rows) {
          older = "before=" + std::to_string(rec.seq);
          break;
        }
      }
      if (rows.size() == page_rows) break;
      if (!page->next) {
        older.reset();
        break;
      }
      q.before_seq = page->next;
      older = "before=" + std::to_string(*page->next);
    }
  }

  std::string body = "<h1>Changes</h1>\n" + filter_form(query, classes);
  if (rows.empty()) {
    body += "<p class=\"notice\">No change matches. Minor changes are hidden unless their class is chosen.</p>\n";
  } else {
    body += "<h2 class=\"muted\">" + std::to_string(rows.size()) + " change" + (rows.size() == 1 ? "" : "s") +
            ", newest first</h2>\n<ol class=\"timeline\">\n";
    for (const auto& e : rows) body += timeline_row(e);
    body += "</ol>\n";
  }
  body += "<nav aria-label=\"Pages\" class=\"pager\">";
  if (param(query, "before") || param(query, "after")) body += "<a href=\"" + filter_link(query, "") + "\">Newest</a> ";
  if (older) body += "<a rel=\"next\" href=\"" + filter_link(query, *older) + "\">Older</a>";
  body += "</nav>\n";
  WebResponse r;
  r.body = document("Changes", body, "/");
  return r;
}

namespace {

std::string stats_line(const ChangeStats& s) {
  return "+" + std::to_string(s.words_added) + " −" + std::to_string(s.words_removed) + " words · " +
         std::to_string(s.paragraphs_added) + " added, " + std::to_string(s.paragraphs_removed) + " removed, " +
         std::to_string(s.paragraphs_changed) + " changed, " + std::to_string(s.paragraphs_moved) + " moved";
}

std::string diff_href(std::string_view key, int64_t from, int64_t to, DiffView view) {
  return article_href(key) + "/diff?from=" + std::to_string(from) + "&amp;to=" + std::to_string(to) +
         "&amp;view=" + std::string(to_string(view));
}

std::string version_select(std::string_view name, std::string_view label, const std::vector<VersionRecord>& versions,
                           int64_t selected) {
  const std::string id = "pick-" + std::string(name);
  std::string out = "<label for=\"" + id + "\">" + std::string(label) + " <select id=\"" + id + "\" name=\"" +
                    std::string(name) + "\">";
  for (const auto& v : versions)
    out += "<option value=\"" + std::to_string(v.number) + "\"" + (v.number == selected ? " selected" : "") + ">" +
           std::to_string(v.number) + " · " + esc(short_time(v.captured_at)) + "</option>";
  return out + "</select></label>";
}

// What the slider says of version `to` (app.js says the same as it moves).
std::string slider_text(int64_t to, size_t count, const VersionRecord& v) {
  return "version " + std::to_string(to) + " of " + std::to_string(count) + ", " + short_time(v.captured_at) +
         " (compared with version " + std::to_string(to - 1) + ")";
}

// A range over the versions that loads the change into the chosen one (from = to − 1). Hidden without
// the script, which shows it, keeps its aria-valuetext and text current and sends the form on change;
// the pickers above do the same without it. Only for three or more versions (else there is one change).
std::string version_slider(std::string_view key, const std::vector<VersionRecord>& versions, const VersionRecord& b,
                           DiffView view) {
  if (versions.size() < 3) return "";
  const int64_t to = std::max<int64_t>(2, b.number);
  const auto& shown = versions[static_cast<size_t>(to - 1)];
  std::string times;
  for (const auto& v : versions) times += (times.empty() ? "" : "|") + short_time(v.captured_at);
  const std::string text = slider_text(to, versions.size(), shown);
  std::string out = "<form class=\"slider\" method=\"get\" action=\"" + article_href(key) + "/diff#slide-to\" hidden>";
  out += "<input type=\"hidden\" name=\"from\" value=\"" + std::to_string(to - 1) +
         "\"><input type=\"hidden\" name=\"view\" value=\"" + std::string(to_string(view)) + "\">";
  out +=
      "<label for=\"slide-to\">Step through the versions</label> <input type=\"range\" id=\"slide-to\" "
      "name=\"to\" min=\"2\" max=\"" +
      std::to_string(versions.size()) + "\" step=\"1\" value=\"" + std::to_string(to) + "\" aria-valuetext=\"" +
      esc(text) + "\" data-times=\"" + esc(times) + "\"> <output for=\"slide-to\">" + esc(text) + "</output>";
  return out + "</form>\n";
}

// The header and body of the diff between `a` and `b` (both of `versions`).
std::string diff_section(const Config& config, const ArticleRecord& article, const std::vector<VersionRecord>& versions,
                         const VersionRecord& a, const VersionRecord& b, DiffView view, bool heading_is_h1) {
  const Change change = compare(a.content, b.content, compare_options_for(config, b.url));
  const std::string key = article.key;
  std::string out;
  const std::string h = heading_is_h1 ? "h1" : "h2";
  out += "<" + h + " class=\"diff-headline\">" + headline_html(change, b.content) + "</" + h + ">\n";
  out += "<p class=\"meta\">Version " + std::to_string(a.number) + " (" + esc(short_time(a.captured_at)) +
         ") → version " + std::to_string(b.number) + " (" + esc(short_time(b.captured_at)) + ") · " +
         badges(change.classes) + " <span class=\"stats\">" + esc(stats_line(change.stats)) + "</span></p>\n";
  if (!change.summary.empty()) out += "<p class=\"summary\">" + esc(change.summary) + "</p>\n";
  // Views, the next one in the cycle marked for the `s` key.
  out += "<nav class=\"views\" aria-label=\"Diff views\">";
  constexpr std::array<DiffView, 3> k_views{DiffView::inline_view, DiffView::side, DiffView::changes};
  constexpr std::array<std::string_view, 3> k_names{"Inline", "Side by side", "Changes only"};
  for (size_t i = 0; i < k_views.size(); ++i) {
    const bool current = k_views[i] == view;
    const bool next = k_views[(i + k_views.size() - 1) % k_views.size()] == view;
    out += "<a href=\"" + diff_href(key, a.number, b.number, k_views[i]) + "\"" +
           (current ? " aria-current=\"page\"" : "") + (next ? " data-next-view" : "") + ">" + std::string(k_names[i]) +
           "</a>";
  }
  out += "</nav>\n";
  // Pickers and the neighbouring changes.
  out += "<form class=\"picker\" method=\"get\" action=\"" + article_href(key) + "/diff\">";
  out += version_select("from", "From", versions, a.number);
  out += " " + version_select("to", "to", versions, b.number);
  out += "<input type=\"hidden\" name=\"view\" value=\"" + std::string(to_string(view)) + "\">";
  out += " <button type=\"submit\">Compare</button>";
  out += "</form>\n" + version_slider(key, versions, b, view);
  out += "<nav class=\"views\" aria-label=\"Neighbouring changes\">";
  if (a.number > 1)
    out += "<a rel=\"prev\" href=\"" + diff_href(key, a.number - 1, a.number, view) + "\">← previous change</a>";
  if (b.number < static_cast<int64_t>(versions.size()))
    out += "<a rel=\"next\" href=\"" + diff_href(key, b.number, b.number + 1, view) + "\">next change →</a>";
  out += "</nav>\n<section class=\"diff\" aria-label=\"Differences\">\n" +
         diff_body_html(change, a.content, b.content, view) + "</section>\n";
  return out;
}

struct Loaded {
  std::optional<ArticleRecord> article;
  std::vector<VersionRecord> versions;
  std::optional<WebResponse> error;
};

Loaded load(WebSources& sources, const WebRequest& request) {
  Loaded out;
  auto found = find_article(sources.store, request.params.at("key"));
  if (found.error) {
    out.error = std::move(found.error);
    return out;
  }
  auto versions = sources.store.versions(found.article->id);
  if (!versions) {
    out.error = store_failure(versions.error());
    return out;
  }
  out.article = std::move(found.article);
  out.versions = std::move(*versions);
  return out;
}

WebResponse no_version(std::string_view text, size_t count) {
  return error_page(404, "Version " + std::string(text) + " does not exist: the article has " + std::to_string(count) +
                             " version" + (count == 1 ? "" : "s") + " (1-based; negative counts from the newest).");
}

std::string lang_of(const VersionRecord& v) { return v.content.language; }

}  // namespace

WebResponse article_page(WebSources& sources, const WebRequest& request) {
  auto loaded = load(sources, request);
  if (loaded.error) return *loaded.error;
  const ArticleRecord& article = *loaded.article;
  const auto& versions = loaded.versions;
  auto changes = sources.store.changes(article.id);
  if (!changes) return store_failure(changes.error());
  std::map<int64_t, const ChangeRecord*> change_of;
  for (const auto& c : *changes) change_of[c.to_version] = &c;

  std::string body;
  const VersionRecord* latest = versions.empty() ? nullptr : &versions.back();
  body += "<h1>" + esc(latest ? latest->content.headline : article.key) + "</h1>\n";
  body += "<p class=\"meta\"><a href=\"" + esc(article.url) + "\" rel=\"noopener noreferrer nofollow\">" +
          esc(clip(article.url, 100)) + "</a> · " + esc(article.state) + "</p>\n";
  if (latest) {
    if (!latest->content.byline().empty()) body += "<p class=\"byline\">By " + esc(latest->content.byline()) + "</p>\n";
    body += "<p class=\"meta\">";
    if (latest->content.published) body += "Published " + esc(short_time(*latest->content.published)) + " · ";
    if (latest->content.modified) body += "modified " + esc(short_time(*latest->content.modified)) + " · ";
    body += "first seen " + esc(short_time(article.first_seen)) + "</p>\n";
  }
  // Headline history.
  body += "<h2>Headline history</h2>\n<ol class=\"headlines\">";
  std::string previous;
  for (const auto& v : versions) {
    if (&v != &versions.front() && v.content.headline == previous) continue;
    previous = v.content.headline;
    body += "<li><a href=\"" + article_href(article.key) + "/v/" + std::to_string(v.number) + "\">" +
            esc(v.content.headline) + "</a> <span class=\"muted\">" + esc(short_time(v.captured_at)) + "</span></li>";
  }
  body += "</ol>\n";
  // Versions.
  body +=
      "<h2>Versions</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">#</th>"
      "<th scope=\"col\">Captured</th><th scope=\"col\">Headline</th><th scope=\"col\">Classes</th>"
      "<th scope=\"col\">Change</th></tr></thead>\n<tbody>\n";
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const auto& v = *it;
    body += "<tr class=\"row\"><td><a class=\"open\" href=\"" + article_href(article.key) + "/v/" +
            std::to_string(v.number) + "\">" + std::to_string(v.number) + "</a></td><td>" +
            esc(short_time(v.captured_at)) + "</td><td>" + esc(v.content.headline) + "</td><td>";
    const auto c = change_of.find(v.id);
    if (c != change_of.end()) {
      body += badges(c->second->classes) + "</td><td>";
      const auto stats = nlohmann::json::parse(c->second->stats_json, nullptr, false);
      if (stats.is_object())
        body += "+" + std::to_string(stats.value("words_added", 0)) + " −" +
                std::to_string(stats.value("words_removed", 0)) + " words ";
      if (v.number > 1)
        body += "<a href=\"" + diff_href(article.key, v.number - 1, v.number, DiffView::inline_view) + "\">diff</a>";
    } else {
      body += "</td><td>" + std::string(v.number == 1 ? "first version" : "");
    }
    body += "</td></tr>\n";
  }
  body += "</tbody></table></div>\n";
  std::string lang;
  if (versions.size() >= 2) {
    body += "<h2>Latest change</h2>\n<div class=\"latest\" lang=\"" + esc(lang_of(versions.back())) + "\" dir=\"" +
            std::string(direction_of(lang_of(versions.back()))) + "\">" +
            diff_section(sources.config, article, versions, versions[versions.size() - 2], versions.back(),
                         DiffView::inline_view, false) +
            "</div>\n";
  }
  if (latest) lang = lang_of(*latest);
  WebResponse r;
  r.body =
      document(latest ? latest->content.headline : article.key, body, "", lang, lang.empty() ? "" : direction_of(lang));
  return r;
}

WebResponse diff_page(WebSources& sources, const WebRequest& request) {
  const std::string view_name = param(request.query, "view").value_or("inline");
  const auto view = diff_view_from_string(view_name);
  if (!view) return error_page(400, "view is \"" + view_name + "\"; expected inline, side or changes.");
  auto loaded = load(sources, request);
  if (loaded.error) return *loaded.error;
  const auto& versions = loaded.versions;
  const auto from = param(request.query, "from");
  const auto to = param(request.query, "to");
  if (versions.size() < 2 && !from && !to)
    return error_page(
        409, "The article has only " + std::to_string(versions.size()) + " version; there is nothing to compare yet.");
  const VersionRecord* a = pick_version(versions, from.value_or("-2"));
  if (!a) return no_version(from.value_or("-2"), versions.size());
  const VersionRecord* b = pick_version(versions, to.value_or("-1"));
  if (!b) return no_version(to.value_or("-1"), versions.size());
  const std::string lang = lang_of(*b);
  std::string body =
      "<p class=\"meta\"><a href=\"" + article_href(loaded.article->key) + "\">Article and versions</a></p>\n";
  body += diff_section(sources.config, *loaded.article, versions, *a, *b, *view, true);
  WebResponse r;
  r.body = document("Diff: " + b->content.headline, body, "", lang, lang.empty() ? "" : direction_of(lang));
  return r;
}

WebResponse version_page(WebSources& sources, const WebRequest& request) {
  auto loaded = load(sources, request);
  if (loaded.error) return *loaded.error;
  const auto& versions = loaded.versions;
  const std::string& n = request.params.at("n");
  const VersionRecord* v = pick_version(versions, n);
  if (!v) return no_version(n, versions.size());
  const std::string key_href = article_href(loaded.article->key);
  std::string body = "<p class=\"meta\"><a href=\"" + key_href + "\">Article and versions</a> · version " +
                     std::to_string(v->number) + " of " + std::to_string(versions.size()) + ", captured " +
                     esc(short_time(v->captured_at)) + "</p>\n<article>\n<h1>" + esc(v->content.headline) + "</h1>\n";
  if (!v->content.byline().empty()) body += "<p class=\"byline\">By " + esc(v->content.byline()) + "</p>\n";
  if (v->content.published || v->content.modified) {
    body += "<p class=\"meta\">";
    if (v->content.published) body += "Published " + esc(short_time(*v->content.published)) + " ";
    if (v->content.modified) body += "· modified " + esc(short_time(*v->content.modified));
    body += "</p>\n";
  }
  for (const auto& b : v->content.blocks) {
    switch (b.kind) {
      case BlockKind::heading:
        body += "<h2>" + esc(b.text) + "</h2>\n";
        break;
      case BlockKind::quote:
        body += "<blockquote><p>" + esc(b.text) + "</p></blockquote>\n";
        break;
      default:
        body += "<p>" + esc(b.text) + "</p>\n";
    }
  }
  body += "</article>\n<nav class=\"views\" aria-label=\"Versions\">";
  if (v->number > 1) {
    body += "<a rel=\"prev\" href=\"" + key_href + "/v/" + std::to_string(v->number - 1) + "\">← version " +
            std::to_string(v->number - 1) + "</a>";
    body += "<a href=\"" + diff_href(loaded.article->key, v->number - 1, v->number, DiffView::inline_view) +
            "\">what changed</a>";
  }
  if (v->number < static_cast<int64_t>(versions.size()))
    body += "<a rel=\"next\" href=\"" + key_href + "/v/" + std::to_string(v->number + 1) + "\">version " +
            std::to_string(v->number + 1) + " →</a>";
  body += "</nav>\n";
  const std::string lang = lang_of(*v);
  WebResponse r;
  r.body = document(v->content.headline, body, "", lang, lang.empty() ? "" : direction_of(lang));
  return r;
}

}  // namespace redline::web
