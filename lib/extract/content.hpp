// Main-content detection: finds the article body in a full page with readability-style scoring
// (paragraph text length and commas, link density, class/id hints in several languages, tag
// priors), removes the boilerplate left inside it (share bars, related links, newsletter boxes,
// bylines, …) and returns its blocks. Mutates the tree it is given. Thread-safe per tree.
#pragma once

#include <string>
#include <vector>

#include "core/article.hpp"
#include "extract/dom.hpp"

namespace redline {

struct ContentHints {
  std::string headline;      // a block repeating it is dropped
  std::string article_body;  // JSON-LD articleBody, when the page has one (plain text)
  bool fragment = false;     // the input is a body fragment (feed item): keep everything but junk
};

std::vector<Block> extract_content(xmlDoc* doc, const ContentHints& hints);

}  // namespace redline
