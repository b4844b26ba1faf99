// The lead (standfirst, teaser, subtitle) that a page shows between its headline and its body.
// Pages often put it in the article's header, outside the container that holds the body, or under
// a class (teaser, intro) that reads like boilerplate elsewhere on the page. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/dom.hpp"

namespace redline {

// The texts of the lead elements after the <h1> that shows `headline` and before the body's first
// long unmarked paragraph, in document order (at most two): an element with a lead class/id
// (has_lead_hint), or a paragraph or subtitle in the <header>/<hgroup> that holds the <h1>. Each
// has 40–1500 characters of text with few links and is not navigation, a figure or a form. Empty
// when the page has no such <h1> or no lead. Reads the tree without changing it.
std::vector<std::string> find_leads(xmlDoc* doc, std::string_view headline);

}  // namespace redline
