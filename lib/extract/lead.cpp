#include "extract/lead.hpp"

#include <algorithm>

#include "extract/blocks.hpp"
#include "extract/boilerplate.hpp"
#include "extract/scoring.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr size_t k_min_lead = 40;     // text weight of a lead: a kicker or a date line is shorter
constexpr size_t k_max_lead = 1500;   // … and a body longer
constexpr size_t k_body_start = 100;  // an unmarked paragraph this long starts the body
constexpr int k_max_steps = 400;      // elements looked at after the heading
constexpr size_t k_max_leads = 2;

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  const std::string lower = ascii_lower(text);
  size_t start = 0;
  while (start < lower.size()) {
    size_t end = lower.find(' ', start);
    if (end == std::string::npos) end = lower.size();
    if (end > start) words.push_back(lower.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// At least half of the <h1>'s words are words of the headline (pages reword their <title>).
bool shares_words(const std::string& h1, const std::vector<std::string>& headline_words) {
  const auto words = words_of(h1);
  if (words.empty()) return false;
  size_t shared = 0;
  for (const auto& w : words)
    shared += std::find(headline_words.begin(), headline_words.end(), w) != headline_words.end();
  return shared * 2 >= words.size();
}

// The first <h1> whose text is the headline, contains it or is contained in it; else the first
// that shares most of its words; else (pages without a headline <h1>) the first such <h2>.
xmlNode* headline_heading(xmlNode* root, const std::string& headline) {
  xmlNode* similar = nullptr;
  xmlNode* h2 = nullptr;
  const auto headline_words = words_of(headline);
  for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
    const bool is_h1 = dom::has_name(n, "h1");
    if (!is_h1 && (h2 || !dom::has_name(n, "h2"))) continue;
    const std::string text = dom::clean_text(n);
    if (text_weight(text) < 10) continue;
    const bool same = text.find(headline) != std::string::npos || headline.find(text) != std::string::npos;
    if (!is_h1) {
      if (same) h2 = n;
      continue;
    }
    if (same) return n;
    if (!similar && shares_words(text, headline_words)) similar = n;
  }
  return similar ? similar : h2;
}

// The <header> or <hgroup> around the headline's heading, or null.
xmlNode* header_of(xmlNode* heading) {
  for (xmlNode* p = heading->parent; p && dom::is_element(p); p = p->parent)
    if (dom::has_name(p, "header") || dom::has_name(p, "hgroup")) return p;
  // Else the biggest small box around the heading (a headline block with its standfirst), up to three
  // levels up.
  xmlNode* box = nullptr;
  const size_t limit = subtree_weight(heading) + k_max_lead;
  int level = 0;
  for (xmlNode* p = heading->parent;
       p && dom::is_element(p) && !dom::has_name(p, "body") && !dom::has_name(p, "html") && level < 3;
       p = p->parent, ++level) {
    if (subtree_weight(p) > limit) break;
    box = p;
  }
  return box;
}

bool is_inside(const xmlNode* node, const xmlNode* ancestor) {
  for (const xmlNode* p = node; p; p = p->parent)
    if (p == ancestor) return true;
  return false;
}

// Not a place for a lead: navigation, media and their captions, bylines and author boxes,
// disclosures, comments, forms, lists, links.
bool is_skipped(xmlNode* node, std::string_view tag) {
  if (is_non_content_tag(tag) || is_hidden(node) || tag == "nav" || tag == "aside" || tag == "footer" ||
      tag == "figure" || tag == "figcaption" || tag == "form" || tag == "a" || tag == "ul" || tag == "ol")
    return true;
  const std::string hints = dom::class_and_id(node);
  return is_caption_box(hints) || is_author_box(hints) || is_disclosure_box(hints) ||
         hints.find("comment") != std::string::npos || looks_like_byline(node, hints);
}

// A lead is one piece of text: an element with a picture in it is a media box whose text is a
// caption, one with several paragraphs is (part of) the body.
bool is_one_text(xmlNode* node) {
  int paragraphs = 0;
  for (xmlNode* n = node->children; n; n = dom::next_node(n, node)) {
    if (dom::has_name(n, "img") || dom::has_name(n, "figure") || dom::has_name(n, "picture") ||
        dom::has_name(n, "figcaption"))
      return false;
    if (dom::has_name(n, "p") && ++paragraphs > 1) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> find_leads(xmlDoc* doc, std::string_view headline) {
  std::vector<std::string> leads;
  xmlNode* root = dom::root_element(doc);
  const std::string wanted = normalize_space(headline);
  if (!root || text_weight(wanted) < 10) return leads;
  xmlNode* heading = headline_heading(root, wanted);
  if (!heading) return leads;
  const xmlNode* header = header_of(heading);
  int steps = 0;
  for (xmlNode* n = dom::next_node(heading, root, true); n && steps < k_max_steps; ++steps) {
    if (!dom::is_element(n)) {
      n = dom::next_node(n, root);
      continue;
    }
    const std::string_view tag = dom::name(n);
    if (tag == "h1") break;  // the next article
    if (is_skipped(n, tag)) {
      n = dom::next_node(n, root, true);
      continue;
    }
    const bool in_header = header && is_inside(n, header);
    const bool candidate =
        tag == "p" || tag == "div" || tag == "span" || tag == "h2" || tag == "section" || tag == "strong";
    const bool marked = candidate && has_lead_hint(n);
    if (marked || (in_header && (tag == "p" || tag == "h2"))) {
      const std::string text = dom::clean_text(n);
      const size_t weight = text_weight(text);
      if (weight >= k_min_lead && weight <= k_max_lead && link_density(n) <= 0.25 && is_one_text(n) &&
          !is_call_to_action(text)) {
        leads.push_back(text);
        if (leads.size() == k_max_leads) break;
        n = dom::next_node(n, root, true);
        continue;
      }
    }
    if (tag == "p" && !in_header && subtree_weight(n) >= k_body_start) {
      // The body has begun; its first paragraph, when the body lacks it, was cut off with the lead.
      const std::string text = dom::clean_text(n);
      if (leads.empty() && link_density(n) <= 0.25 && ends_sentence(text) && text_weight(text) <= k_max_lead &&
          !is_call_to_action(text))
        leads.push_back(text);
      break;
    }
    n = dom::next_node(n, root);
  }
  return leads;
}

}  // namespace redline
