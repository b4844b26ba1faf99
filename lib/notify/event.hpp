// Event payloads: the JSON body of a notification, rendered once when the outbox row is written
// (by monitor/) and sent unchanged on every attempt, so its signature covers exactly these bytes.
//
// Envelope as Standard Webhooks recommends:
//   {"type": "article.changed", "timestamp": "<RFC 3339 ms>",
//    "data": {"event_id", "article_id", "url", "old": {"version","captured_at","headline"} | null,
//             "new": {…} | null, "classes": [...], "stats": {...}, "diff": "<text word diff>",
//             "summary": "<one sentence>", "facts": {...}}}   (summary and facts: article.changed only)
//   article.headline_test(_ended): "summary", "variants": [...], and "winner" (ended) instead of "facts".
// Inputs are plain values so that notify does not depend on diff/.
//
// Pure functions; thread-safe (make_event_id draws from OpenSSL's CSPRNG).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline {

enum class EventType { changed, deleted, redirected, restored, headline_test, headline_test_ended };

// "article.changed", "article.deleted", "article.redirected", "article.restored", "article.headline_test",
// "article.headline_test_ended".
std::string_view to_string(EventType type);
std::optional<EventType> event_type_from_string(std::string_view name);

// One side of a change: which version, when it was captured, and its headline.
struct EventVersion {
  int64_t number = 0;  // 1-based version number of the article
  Timestamp captured_at{};
  std::string headline;
};

struct Event {
  std::string id;  // "evt_…", see make_event_id(); also the webhook-id of every delivery
  EventType type = EventType::changed;
  Timestamp occurred_at{};  // when redline noticed (the envelope's "timestamp")
  std::string article_key;  // ArticleRecord::key
  std::string url;
  std::optional<EventVersion> old_version;  // null for a first sighting
  std::optional<EventVersion> new_version;  // null for article.deleted
  std::vector<std::string> classes;         // change classes, e.g. "headline", "body", "minor"
  nlohmann::json stats = nlohmann::json::object();
  std::string diff;  // the text word diff, as rendered by diff/
  // article.changed: the one-line English summary and the facets' evidence (diff/summary.hpp,
  // diff/facets.hpp): {"numbers": [...], "quotes": [...], "corrections": [...]}. Empty/null otherwise.
  std::string summary;
  nlohmann::json facts;
  // article.headline_test and article.headline_test_ended (monitor/headline_test.hpp): the variants,
  // [{"headline", "first_seen", "last_seen", "sightings"}], and (ended) the winning headline. The summary
  // is set for these too.
  nlohmann::json variants;
  std::string winner;
};

// "evt_" followed by 24 random characters of the lower-case base32 alphabet (a-z, 2-7): 120 bits.
std::string make_event_id();

// The JSON text of the event, compact (no insignificant whitespace), UTF-8. Invalid UTF-8 in any
// string is replaced with U+FFFD rather than failing.
std::string render_event(const Event& event);

// Reads a payload produced by render_event() back. Errc::invalid_input when it is not one
// (unknown type, missing fields, bad timestamps).
Result<Event> parse_event(std::string_view payload);

}  // namespace redline
