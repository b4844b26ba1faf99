// Facets: what kind of edit a change is, on top of where it is (docs/diff-format.md, "Facets").
//   correction  a correction, clarification, editor's or update note was added or changed
//   silent      the headline or body changed beyond `minor`, no note changed, and the page's modified
//               date (metadata `modified`, or a visible "updated" line) is known on both sides and did
//               not move. Without a modified date on either side redline cannot tell: never `silent`.
//   numbers     a number of the headline or of an edited paragraph was replaced by another
//   quotes      the text inside quotation marks changed (not its marks, spacing or punctuation)
//   lede        the first paragraph of the body changed (its letters or digits)
// Each facet's evidence goes into Change::facts. Pure; thread-safe.
#pragma once

#include "core/article.hpp"
#include "diff/change.hpp"

namespace redline {

// At most this many facts of each kind are kept (the first ones in document order).
inline constexpr size_t k_max_facts = 20;

// Adds the facet classes (after the field classes and `minor`) and Change::facts to `change`, which
// compare() computed from `old_version` and `new_version`. Does nothing when nothing changed.
void add_facets(Change& change, const Article& old_version, const Article& new_version);

}  // namespace redline
