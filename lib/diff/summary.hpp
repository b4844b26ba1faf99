// summary(): one deterministic English sentence that tells a human what kind of edit a change is,
// built from its classes, stats and facts, e.g.
//   "Headline reworded; 1 paragraph added (+62/−0 words); number changed: 12 → 15; correction note added"
// Parts, in this order, joined by "; ": the fields (headline, body with paragraph counts and words,
// byline, publication date; or "Typography fixed in …" for a `minor` change), then the facets
// (numbers, quotes, correction, lede, silent) and `revert`. "No change" when there is none.
// Used as the e-mail subject, the first line of chat messages and the diff log entry's title.
// Pure; thread-safe.
#pragma once

#include <string>

#include "diff/change.hpp"

namespace redline {

std::string summarize(const Change& change);

}  // namespace redline
