// docs/webhook-payload.schema.json against real rendered events, with a small validator for the
// subset of JSON Schema (2020-12) the file uses: type, enum, required, properties,
// additionalProperties, items, pattern, minimum, minLength and local $ref. A keyword the validator does
// not know fails the test, so the schema cannot silently outgrow it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "notify/event.hpp"
#include "sample_event.hpp"

namespace redline {
namespace {

using nlohmann::json;

class SchemaValidator {
 public:
  explicit SchemaValidator(json root) : m_root(std::move(root)) {}

  // Problems found, one per line ("" when valid).
  std::string validate(const json& value) {
    m_errors.clear();
    check(value, m_root, "$");
    return m_errors;
  }

 private:
  static bool has_type(const json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    return false;
  }

  void fail(const std::string& where, const std::string& what) { m_errors += where + ": " + what + "\n"; }

  void check(const json& v, const json& schema, const std::string& where) {
    static const std::set<std::string> k_known = {
        "$schema",  "$id",      "title",      "description",          "$defs", "$ref",    "type",
        "enum",     "required", "properties", "additionalProperties", "items", "pattern", "minimum",
        "minLength"};
    for (const auto& [key, _] : schema.items())
      if (!k_known.count(key)) fail(where, "schema keyword \"" + key + "\" is not supported by this validator");
    if (schema.contains("$ref")) {
      const std::string ref = schema["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0) return fail(where, "unsupported $ref " + ref);
      check(v, m_root["$defs"][ref.substr(prefix.size())], where);
    }
    if (schema.contains("type")) {
      const json& t = schema["type"];
      bool ok = false;
      if (t.is_string()) ok = has_type(v, t);
      for (const auto& alt : t.is_array() ? t : json::array()) ok = ok || has_type(v, alt);
      if (!ok) return fail(where, "expected type " + t.dump() + ", got " + v.dump().substr(0, 60));
    }
    if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
      fail(where, v.dump() + " is not one of " + schema["enum"].dump());
    if (v.is_string()) {
      if (schema.contains("pattern") &&
          !std::regex_search(v.get<std::string>(), std::regex(schema["pattern"].get<std::string>())))
        fail(where, v.dump() + " does not match " + schema["pattern"].get<std::string>());
      if (schema.contains("minLength") && v.get<std::string>().size() < schema["minLength"].get<size_t>())
        fail(where, "too short");
    }
    if (v.is_number() && schema.contains("minimum") && v.get<double>() < schema["minimum"].get<double>())
      fail(where, "below the minimum");
    if (v.is_array() && schema.contains("items"))
      for (size_t i = 0; i < v.size(); ++i) check(v[i], schema["items"], where + "[" + std::to_string(i) + "]");
    if (v.is_object()) {
      for (const auto& key : schema.value("required", json::array()))
        if (!v.contains(key.get<std::string>())) fail(where, "missing required key " + key.dump());
      const json properties = schema.value("properties", json::object());
      for (const auto& [key, item] : v.items()) {
        if (properties.contains(key)) {
          check(item, properties[key], where + "." + key);
        } else if (schema.contains("additionalProperties")) {
          const json& extra = schema["additionalProperties"];
          if (extra.is_boolean() && !extra.get<bool>()) fail(where, "unexpected key \"" + key + "\"");
          if (extra.is_object()) check(item, extra, where + "." + key);
        }
      }
    }
  }

  json m_root;
  std::string m_errors;
};

json load_schema() {
  std::ifstream in(std::string(REDLINE_SOURCE_DIR) + "/docs/webhook-payload.schema.json");
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

TEST(PayloadSchema, RenderedEventsAreValid) {
  SchemaValidator validator(load_schema());
  Event changed = testing::sample_event();
  changed.id = make_event_id();
  Event first = changed;
  first.id = make_event_id();
  first.old_version.reset();
  Event deleted = changed;
  deleted.id = make_event_id();
  deleted.type = EventType::deleted;
  deleted.new_version.reset();
  deleted.classes.clear();
  deleted.stats = nlohmann::json::object();
  deleted.diff.clear();
  // A headline A/B test's two events (notify/event.hpp: variants, winner).
  Event test = changed;
  test.id = make_event_id();
  test.type = EventType::headline_test;
  test.new_version = test.old_version;
  test.classes = {"headline"};
  test.stats = nlohmann::json::object();
  test.diff.clear();
  test.summary = "Headline test: 2 variants (\u201cA\u201d / \u201cB\u201d)";
  test.variants = nlohmann::json::array({{{"headline", "A"},
                                          {"first_seen", "2024-06-01T09:00:00.000Z"},
                                          {"last_seen", "2024-06-01T12:00:00.000Z"},
                                          {"sightings", 3}},
                                         {{"headline", "B"},
                                          {"first_seen", "2024-06-01T10:00:00.000Z"},
                                          {"last_seen", "2024-06-01T11:00:00.000Z"},
                                          {"sightings", 2}}});
  Event ended = test;
  ended.id = make_event_id();
  ended.type = EventType::headline_test_ended;
  ended.winner = "A";
  ended.summary = "Headline test ended: \u201cA\u201d won (2 variants)";
  for (const Event& e : {changed, first, deleted, test, ended}) {
    const std::string payload = render_event(e);
    EXPECT_EQ(validator.validate(json::parse(payload)), "") << payload;
  }
}

TEST(PayloadSchema, RejectsWhatItShould) {
  SchemaValidator validator(load_schema());
  Event e = testing::sample_event();
  e.id = make_event_id();
  json j = json::parse(render_event(e));
  json bad_type = j;
  bad_type["type"] = "article.exploded";
  EXPECT_NE(validator.validate(bad_type), "");
  json missing = j;
  missing["data"].erase("url");
  EXPECT_NE(validator.validate(missing), "");
  json bad_version = j;
  bad_version["data"]["new"]["version"] = 0;
  EXPECT_NE(validator.validate(bad_version), "");
  json bad_id = j;
  bad_id["data"]["event_id"] = "evt_UPPER";
  EXPECT_NE(validator.validate(bad_id), "");
  json bad_time = j;
  bad_time["timestamp"] = "yesterday";
  EXPECT_NE(validator.validate(bad_time), "");
}

}  // namespace
}  // namespace redline
