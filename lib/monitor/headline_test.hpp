// Headline A/B tests: a publisher serves headline A to some readers and B to others at the same URL,
// so a monitor sees the headline flip back and forth while the body stays the same. This file holds
// the decision logic only, pure functions of the sightings and the time (no store, no clock): when a
// test starts, which sightings are quiet flips among known variants, when a test ends. The check
// pipeline (monitor/check_pipeline_ab.cpp) feeds it and writes what it decides; the running test's
// state lives in the store's headline_test table as the JSON of HeadlineTestState.
//
// Rules (docs/architecture.md, "Headline A/B tests"):
// - start: a headline-only change (the body, i.e. everything but the headline, is the same) back to a
//   headline that a stored version of the article had, captured within `window`, with every version
//   since having the same body (A → B → A). The variants are the distinct headlines of those versions.
// - while it runs: a known variant with the same body is quiet (no version, no change event); anything
//   else (a body change, a new headline) is reported as usual, and the test goes on with the new body
//   (a new headline joins the variants).
// - end: one variant alone has been served for `settle` (from its first sighting after another
//   variant); it is the winner.
//
// Thread safety: none needed (values and pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline {

struct HeadlineVariant {
  std::string headline;
  Timestamp first_seen{};
  Timestamp last_seen{};
  int64_t sightings = 0;  // checks that served it while the test was known (and the versions before)
};

struct HeadlineTestState {
  std::vector<HeadlineVariant> variants;  // in order of first sighting
  std::string body;                       // the body fingerprint the variants share
  Timestamp started_at{};
  std::string current;        // the headline of the newest sighting
  Timestamp current_since{};  // first sighting of `current` since another variant was served

  const HeadlineVariant* find(std::string_view headline) const;
};

std::string to_json(const HeadlineTestState& state);
// Errc::invalid_input when `json` is not what to_json() writes.
Result<HeadlineTestState> headline_test_from_json(std::string_view json);

// A stored version as the start rule sees it: its headline and the fingerprint of everything else.
struct HeadlineSighting {
  std::string headline;
  std::string body;
  Timestamp at{};
};

// The test that starts with `now_seen`, given the article's versions (oldest first; the newest is the
// version `now_seen` was compared with), or nullopt when this sighting does not start one.
std::optional<HeadlineTestState> detect_headline_test(std::span<const HeadlineSighting> versions,
                                                      const HeadlineSighting& now_seen, Duration window);

struct HeadlineTestStep {
  bool quiet = false;          // a known variant with the same body: no version, no change event
  bool known_variant = false;  // the headline was a variant before this sighting
  bool ended = false;          // `current` has been served alone for `settle`: the test is over
};

// Applies a sighting to a running test (updating last_seen, sightings, current, body, variants).
HeadlineTestStep observe_headline_test(HeadlineTestState& state, const HeadlineSighting& seen, Duration settle);

}  // namespace redline
