#include "notify/event.hpp"

#include <array>

#include "util/crypto.hpp"

namespace redline {

namespace {

constexpr std::array<std::string_view, 6> k_type_names = {"article.changed",       "article.deleted",
                                                          "article.redirected",    "article.restored",
                                                          "article.headline_test", "article.headline_test_ended"};

nlohmann::json version_json(const std::optional<EventVersion>& v) {
  if (!v) return nullptr;
  return nlohmann::json{
      {"version", v->number}, {"captured_at", format_rfc3339(v->captured_at)}, {"headline", v->headline}};
}

// Throws nlohmann::json::exception on a shape mismatch; parse_event() catches it.
std::optional<EventVersion> version_from_json(const nlohmann::json& j, const char* name) {
  if (j.is_null()) return std::nullopt;
  EventVersion v;
  v.number = j.at("version").get<int64_t>();
  auto captured = parse_rfc3339(j.at("captured_at").get<std::string>());
  if (!captured) throw std::invalid_argument(std::string(name) + ".captured_at is not an RFC 3339 time");
  v.captured_at = *captured;
  v.headline = j.at("headline").get<std::string>();
  return v;
}

}  // namespace

std::string_view to_string(EventType type) { return k_type_names.at(static_cast<size_t>(type)); }

std::optional<EventType> event_type_from_string(std::string_view name) {
  for (size_t i = 0; i < k_type_names.size(); ++i)
    if (k_type_names[i] == name) return static_cast<EventType>(i);
  return std::nullopt;
}

std::string make_event_id() {
  static constexpr std::string_view k_alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  // 24 characters of 5 bits each = 120 bits = 15 bytes.
  const std::string bytes = random_bytes(15);
  std::string id = "evt_";
  unsigned buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += k_alphabet[(buffer >> bits) & 31u];
    }
  }
  return id;
}

std::string render_event(const Event& event) {
  nlohmann::json data = {
      {"event_id", event.id},
      {"article_id", event.article_key},
      {"url", event.url},
      {"old", version_json(event.old_version)},
      {"new", version_json(event.new_version)},
      {"classes", event.classes},
      {"stats", event.stats.is_null() ? nlohmann::json::object() : event.stats},
      {"diff", event.diff},
  };
  if (event.type == EventType::changed) {
    data["summary"] = event.summary;
    data["facts"] = event.facts.is_object() ? event.facts : nlohmann::json::object();
  }
  if (event.type == EventType::headline_test || event.type == EventType::headline_test_ended) {
    data["summary"] = event.summary;
    data["variants"] = event.variants.is_array() ? event.variants : nlohmann::json::array();
    if (event.type == EventType::headline_test_ended) data["winner"] = event.winner;
  }
  const nlohmann::json envelope = {
      {"type", to_string(event.type)},
      {"timestamp", format_rfc3339(event.occurred_at)},
      {"data", std::move(data)},
  };
  return envelope.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Event> parse_event(std::string_view payload) {
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(Errc::invalid_input, "event payload is not a JSON object");
  try {
    Event event;
    const auto type = event_type_from_string(j.at("type").get<std::string>());
    if (!type) return make_error(Errc::invalid_input, "unknown event type " + j.at("type").dump());
    event.type = *type;
    const auto occurred = parse_rfc3339(j.at("timestamp").get<std::string>());
    if (!occurred) return make_error(Errc::invalid_input, "event timestamp is not an RFC 3339 time");
    event.occurred_at = *occurred;
    const auto& data = j.at("data");
    event.id = data.at("event_id").get<std::string>();
    event.article_key = data.at("article_id").get<std::string>();
    event.url = data.at("url").get<std::string>();
    event.old_version = version_from_json(data.value("old", nlohmann::json()), "old");
    event.new_version = version_from_json(data.value("new", nlohmann::json()), "new");
    event.classes = data.value("classes", std::vector<std::string>{});
    event.stats = data.value("stats", nlohmann::json::object());
    event.diff = data.value("diff", std::string());
    event.summary = data.value("summary", std::string());
    if (data.contains("facts")) event.facts = data["facts"];
    if (data.contains("variants")) event.variants = data["variants"];
    event.winner = data.value("winner", std::string());
    return event;
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("event payload: ") + e.what());
  }
}

}  // namespace redline
