// Atom 1.0 feeds (RFC 4287) of change events: /feed.atom, /sites/{host}.atom, /feeds/{name}.atom,
// /articles/{key}.atom. One entry per event, its id derived from the event id (stable forever), its
// content the diff/ HTML fragment of the change, escaped as XML text.
#include <map>
#include <unordered_map>

#include "api/api_state.hpp"
#include "api/problem.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "monitor/site_rules.hpp"
#include "notify/event.hpp"
#include "util/html.hpp"
#include "util/http_date.hpp"
#include "util/text.hpp"

namespace redline::api {

namespace {

// XML character data: valid UTF-8, no characters XML 1.0 forbids, markup escaped.
std::string xml_text(std::string_view text) {
  const std::string valid = make_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  size_t pos = 0;
  while (pos < valid.size()) {
    const size_t start = pos;
    const char32_t c = next_code_point(valid, pos);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) continue;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.append(valid, start, pos - start);
    }
  }
  return out;
}

std::string state_sentence(EventType type) {
  switch (type) {
    case EventType::deleted:
      return "The article was deleted (404 or 410 twice in a row).";
    case EventType::redirected:
      return "The article now redirects to another page.";
    case EventType::restored:
      return "The article is back.";
    case EventType::headline_test:
      return "The publisher is testing several headlines at this URL (an A/B test); flips among them are not reported.";
    case EventType::headline_test_ended:
      return "The headline test is over: one headline alone is served now.";
    default:
      return "";
  }
}

// One <entry> of a feed, rendered once per event: events never change, so feeds serve it from
// AtomEntryCache instead of comparing the two versions again (the compare is most of a feed's cost).
struct AtomEntry {
  std::string xml;
  Timestamp updated{};
};

std::string entry_title(const Event& event) {
  const std::string headline = event.new_version   ? event.new_version->headline
                               : event.old_version ? event.old_version->headline
                                                   : event.url;
  if (!event.summary.empty()) return headline + " \u2014 " + event.summary;  // the summary next to the headline
  std::string classes;
  for (const auto& c : event.classes) classes += (classes.empty() ? "" : ", ") + c;
  return event.type == EventType::changed ? "[" + classes + "] " + headline
                                          : "[" + std::string(to_string(event.type)).substr(8) + "] " + headline;
}

// The variants of a headline test as an HTML list (when each was first and last seen).
std::string variants_html(const Event& event) {
  if (!event.variants.is_array() || event.variants.empty()) return "";
  std::string out = "<ul>";
  for (const auto& v : event.variants) {
    if (!v.is_object()) continue;
    out += "<li>\u201c" + escape_html(v.value("headline", std::string())) + "\u201d (" +
           escape_html(v.value("first_seen", std::string())) + " \u2013 " +
           escape_html(v.value("last_seen", std::string())) + ")</li>";
  }
  return out + "</ul>";
}

AtomEntry render_entry(const Event& event, const std::vector<VersionRecord>& versions, const Config& config,
                       const std::string& base_url) {
  const auto by_number = [&](const std::optional<EventVersion>& v) -> const VersionRecord* {
    if (!v || v->number < 1 || static_cast<size_t>(v->number) > versions.size()) return nullptr;
    return &versions[static_cast<size_t>(v->number - 1)];
  };
  const VersionRecord* old_v = by_number(event.old_version);
  const VersionRecord* new_v = by_number(event.new_version);
  const Timestamp updated =
      event.type == EventType::changed && event.new_version ? event.new_version->captured_at : event.occurred_at;
  std::string content;
  if (event.type == EventType::changed && old_v && new_v) {
    const Change change = compare(old_v->content, new_v->content, compare_options_for(config, new_v->url));
    content = render_html_fragment(change, old_v->content, new_v->content);
  } else {
    content = "<p>" + escape_html(state_sentence(event.type)) + "</p>" + variants_html(event);
  }
  if (!event.summary.empty()) content = "<p><strong>" + escape_html(event.summary) + "</strong></p>" + content;
  const VersionRecord* byline_of = new_v ? new_v : old_v;
  const std::string author =
      byline_of && !byline_of->content.byline().empty() ? byline_of->content.byline() : "unknown";
  const std::string key = percent_encode(event.article_key);
  std::string alternate = base_url + "/api/v1/articles/" + key + "/diff?format=html";
  if (old_v && new_v) alternate += "&from=" + std::to_string(old_v->number) + "&to=" + std::to_string(new_v->number);
  std::string xml = "<entry>\n<id>urn:redline:event:" + xml_text(event.id) + "</id>\n";
  xml += "<title type=\"text\">" + xml_text(entry_title(event)) + "</title>\n";
  xml += "<updated>" + format_rfc3339(updated) + "</updated>\n";
  xml += "<published>" + format_rfc3339(event.occurred_at) + "</published>\n";
  xml += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_text(alternate) + "\"/>\n";
  xml += "<link rel=\"related\" href=\"" + xml_text(event.url) + "\"/>\n";
  xml += "<author><name>" + xml_text(author) + "</name></author>\n";
  for (const auto& c : event.classes) xml += "<category term=\"" + xml_text(c) + "\"/>\n";
  xml += "<content type=\"html\">" + xml_text(content) + "</content>\n</entry>\n";
  return {std::move(xml), updated};
}

}  // namespace

// Bounded: when full it starts again empty (feeds ask for the newest events, which come back at once).
struct AtomEntryCache {
  static constexpr size_t k_max_entries = 4096;
  std::unordered_map<std::string, AtomEntry> entries;

  const AtomEntry* find(const std::string& event_id) const {
    auto it = entries.find(event_id);
    return it == entries.end() ? nullptr : &it->second;
  }
  const AtomEntry& add(const std::string& event_id, AtomEntry entry) {
    if (entries.size() >= k_max_entries) entries.clear();
    return entries.insert_or_assign(event_id, std::move(entry)).first->second;
  }
};

void ApiService::State::add_feed_routes() {
  struct FeedSpec {
    std::string title;
    std::string path;
    EventQuery query;
  };
  const auto serve = [this](const RouteRequest& r, FeedSpec spec) -> Response {
    if (auto bad = read_limit(r, 50, 200, spec.query.limit)) return *bad;
    if (auto classes = query_value(r.query, "classes")) {
      size_t start = 0;
      while (start <= classes->size()) {
        const size_t comma = std::min(classes->find(',', start), classes->size());
        if (comma > start) spec.query.classes.push_back(classes->substr(start, comma - start));
        start = comma + 1;
      }
      if (spec.query.classes.size() > 16) return problem(400, "classes lists more than 16 classes");
    }
    auto page = model->events(spec.query);
    if (!page) return store_error(page.error());

    if (!atom_cache) atom_cache = std::make_shared<AtomEntryCache>();
    std::map<int64_t, std::vector<VersionRecord>> versions_of;
    std::string entries;
    std::optional<Timestamp> newest;
    for (const EventRecord& record : page->items) {
      const AtomEntry* entry = atom_cache->find(record.event_id);
      if (!entry) {
        auto event = parse_event(record.payload);
        if (!event) continue;  // not an envelope this version reads: skipped rather than fail the feed
        if (!versions_of.count(record.article_id)) {
          auto versions = reader->versions(record.article_id);
          if (!versions) return store_error(versions.error());
          versions_of[record.article_id] = std::move(*versions);
        }
        entry =
            &atom_cache->add(record.event_id, render_entry(*event, versions_of[record.article_id], *config, base_url));
      }
      if (!newest || entry->updated > *newest) newest = entry->updated;
      entries += entry->xml;
    }

    std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
    body += "<id>" + xml_text(base_url + spec.path) + "</id>\n";
    body += "<title type=\"text\">" + xml_text(spec.title) + "</title>\n";
    body += "<updated>" + format_rfc3339(newest.value_or(Timestamp{})) + "</updated>\n";
    body += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + xml_text(base_url + spec.path) + "\"/>\n";
    body += "<author><name>redline</name></author>\n<generator>redline</generator>\n";
    body += entries + "</feed>\n";

    Response out;
    out.content_type = "application/atom+xml; charset=utf-8";
    out.body = std::move(body);
    const Timestamp last_modified = newest.value_or(Timestamp{});
    out.with_header("Last-Modified", format_http_date(last_modified));
    // If-Modified-Since counts only when the client sent no ETag (RFC 9110 13.1.3).
    if (r.request.header("if-none-match").empty()) {
      if (auto since = parse_http_date(r.request.header("if-modified-since"));
          since && std::chrono::floor<std::chrono::seconds>(last_modified) <= *since) {
        out = conditional(r, std::move(out));
        out.status = 304;
        out.body.clear();
        return out;
      }
    }
    return conditional(r, std::move(out));
  };

  router.add("GET", "/feed.atom", [this, serve](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::feed)) return *denied;
    if (auto failed = open_readers()) return *failed;
    return serve(r, {"redline: every change", "/feed.atom", {}});
  });
  router.add("GET", "/sites/{host}.atom", [this, serve](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::feed)) return *denied;
    if (auto failed = open_readers()) return *failed;
    FeedSpec spec{
        "redline: changes on " + r.params.at("host"), "/sites/" + percent_encode(r.params.at("host")) + ".atom", {}};
    spec.query.site = r.params.at("host");
    return serve(r, std::move(spec));
  });
  router.add("GET", "/feeds/{name}.atom", [this, serve](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::feed)) return *denied;
    if (auto failed = open_readers()) return *failed;
    FeedSpec spec{"redline: changes of the feed " + r.params.at("name"),
                  "/feeds/" + percent_encode(r.params.at("name")) + ".atom",
                  {}};
    spec.query.feed = r.params.at("name");
    return serve(r, std::move(spec));
  });
  router.add("GET", "/articles/{key}.atom", [this, serve](const RouteRequest& r) {
    if (auto denied = authorize(r, Access::feed)) return *denied;
    if (auto failed = open_readers()) return *failed;
    auto article = find_article(r.params.at("key"));
    if (!article) return store_error(article.error());
    if (!*article) return problem(404, "no article has the key or URL \"" + r.params.at("key") + "\"");
    FeedSpec spec{
        "redline: changes of " + (*article)->url, "/articles/" + percent_encode((*article)->key) + ".atom", {}};
    spec.query.article_id = (*article)->id;
    return serve(r, std::move(spec));
  });
}

}  // namespace redline::api
