#include "monitor/headline_test.hpp"

#include <nlohmann/json.hpp>

namespace redline {

const HeadlineVariant* HeadlineTestState::find(std::string_view headline) const {
  for (const auto& v : variants)
    if (v.headline == headline) return &v;
  return nullptr;
}

std::string to_json(const HeadlineTestState& state) {
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& v : state.variants)
    variants.push_back({{"headline", v.headline},
                        {"first_seen", to_epoch_ms(v.first_seen)},
                        {"last_seen", to_epoch_ms(v.last_seen)},
                        {"sightings", v.sightings}});
  const nlohmann::json j = {{"variants", std::move(variants)},
                            {"body", state.body},
                            {"started_at", to_epoch_ms(state.started_at)},
                            {"current", state.current},
                            {"current_since", to_epoch_ms(state.current_since)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<HeadlineTestState> headline_test_from_json(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(Errc::invalid_input, "headline test state is not JSON");
  try {
    const auto time = [](const nlohmann::json& v) { return from_epoch_ms(v.get<int64_t>()); };
    HeadlineTestState state;
    for (const auto& v : j.at("variants"))
      state.variants.push_back({v.at("headline").get<std::string>(), time(v.at("first_seen")), time(v.at("last_seen")),
                                v.at("sightings").get<int64_t>()});
    state.body = j.at("body").get<std::string>();
    state.started_at = time(j.at("started_at"));
    state.current = j.at("current").get<std::string>();
    state.current_since = time(j.at("current_since"));
    return state;
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("headline test state: ") + e.what());
  }
}

std::optional<HeadlineTestState> detect_headline_test(std::span<const HeadlineSighting> versions,
                                                      const HeadlineSighting& now_seen, Duration window) {
  if (versions.empty()) return std::nullopt;
  const HeadlineSighting& latest = versions.back();
  if (latest.body != now_seen.body || latest.headline == now_seen.headline) return std::nullopt;
  // Walk back through the versions with the same body, inside the window, to the same headline.
  size_t first = versions.size();
  for (size_t i = versions.size(); i-- > 0;) {
    const HeadlineSighting& v = versions[i];
    if (v.body != now_seen.body || v.at < now_seen.at - window) break;
    if (v.headline == now_seen.headline) {
      first = i;
      break;
    }
  }
  if (first == versions.size()) return std::nullopt;

  HeadlineTestState state;
  state.body = now_seen.body;
  state.started_at = now_seen.at;
  const auto see = [&](const HeadlineSighting& s) {
    for (auto& v : state.variants)
      if (v.headline == s.headline) {
        v.last_seen = s.at;
        ++v.sightings;
        return;
      }
    state.variants.push_back({s.headline, s.at, s.at, 1});
  };
  for (size_t i = first; i < versions.size(); ++i) see(versions[i]);
  see(now_seen);
  state.current = now_seen.headline;
  state.current_since = now_seen.at;
  return state;
}

HeadlineTestStep observe_headline_test(HeadlineTestState& state, const HeadlineSighting& seen, Duration settle) {
  HeadlineTestStep step;
  HeadlineVariant* variant = nullptr;
  for (auto& v : state.variants)
    if (v.headline == seen.headline) variant = &v;
  step.known_variant = variant != nullptr;
  step.quiet = variant && seen.body == state.body;
  if (!variant) {
    state.variants.push_back({seen.headline, seen.at, seen.at, 0});
    variant = &state.variants.back();
  }
  variant->last_seen = seen.at;
  ++variant->sightings;
  state.body = seen.body;  // a body change is reported; the test goes on over the new body
  if (state.current != seen.headline) {
    state.current = seen.headline;
    state.current_since = seen.at;
  }
  step.ended = seen.at - state.current_since >= settle;
  return step;
}

}  // namespace redline
