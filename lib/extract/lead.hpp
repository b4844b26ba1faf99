// The lead (standfirst, teaser, subtitle) that a page shows between its headline and its body.
// Pages often put it in the article's header, outside the container that holds the body, or under
// a class (teaser, intro) that reads like boilerplate elsewhere on the page. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/dom.hpp"

namespace redline {

// The texts of the lead elements after the heading that shows `headline` and before the body's
// first long unmarked paragraph, in document order (at most two): an element with a lead class/id
// (has_lead_hint), or a paragraph or subtitle in the heading's <header>/<hgroup> or, without one,
// in the biggest box around the heading (up to three levels) that holds at most 1500 characters
// more than it. The heading is the first <h1> that contains the headline or is contained in it,
// else the first <h1> with at least half of its words in the headline, else the first such <h2>.
// Each lead has 40–1500 characters of text with few links, is one text (no picture, at most one
// <p>), not a call to action, and not in navigation, a figure, a caption, a byline, an author box,
// a disclosure, comments or a form. When there is none, the body's first long paragraph (ending a
// sentence, few links) is returned instead: the caller adds it only when the body lacks it, i.e.
// when it was cut off with the header. Empty when there is no such heading or no lead. Reads the
// tree without changing it.
std::vector<std::string> find_leads(xmlDoc* doc, std::string_view headline);

}  // namespace redline
