#include "extract/lead.hpp"

#include "extract/blocks.hpp"
#include "extract/scoring.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr size_t k_min_lead = 40;     // text weight of a lead: a kicker or a date line is shorter
constexpr size_t k_max_lead = 1500;   // … and a body longer
constexpr size_t k_body_start = 100;  // an unmarked paragraph this long starts the body
constexpr int k_max_steps = 400;      // elements looked at after the <h1>
constexpr size_t k_max_leads = 2;

// The first <h1> whose text is the headline, contains it or is contained in it.
xmlNode* headline_h1(xmlNode* root, const std::string& headline) {
  for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
    if (!dom::has_name(n, "h1")) continue;
    const std::string text = dom::clean_text(n);
    if (text_weight(text) < 10) continue;
    if (text.find(headline) != std::string::npos || headline.find(text) != std::string::npos) return n;
  }
  return nullptr;
}

// The <header> or <hgroup> around the <h1>, or null.
xmlNode* header_of(xmlNode* h1) {
  for (xmlNode* p = h1->parent; p && dom::is_element(p); p = p->parent)
    if (dom::has_name(p, "header") || dom::has_name(p, "hgroup")) return p;
  return nullptr;
}

bool is_inside(const xmlNode* node, const xmlNode* ancestor) {
  for (const xmlNode* p = node; p; p = p->parent)
    if (p == ancestor) return true;
  return false;
}

// Not a place for a lead: navigation, media and their captions, forms, lists, links.
bool is_skipped(xmlNode* node, std::string_view tag) {
  if (is_non_content_tag(tag) || is_hidden(node) || tag == "nav" || tag == "aside" || tag == "footer" ||
      tag == "figure" || tag == "figcaption" || tag == "form" || tag == "a" || tag == "ul" || tag == "ol")
    return true;
  const std::string hints = dom::class_and_id(node);
  return hints.find("caption") != std::string::npos || hints.find("credit") != std::string::npos;
}

// A lead is text: an element with a picture in it is a media box whose text is a caption.
bool has_media(xmlNode* node) {
  for (xmlNode* n = node->children; n; n = dom::next_node(n, node))
    if (dom::has_name(n, "img") || dom::has_name(n, "figure") || dom::has_name(n, "picture") ||
        dom::has_name(n, "figcaption"))
      return true;
  return false;
}

}  // namespace

std::vector<std::string> find_leads(xmlDoc* doc, std::string_view headline) {
  std::vector<std::string> leads;
  xmlNode* root = dom::root_element(doc);
  const std::string wanted = normalize_space(headline);
  if (!root || text_weight(wanted) < 10) return leads;
  xmlNode* h1 = headline_h1(root, wanted);
  if (!h1) return leads;
  const xmlNode* header = header_of(h1);
  int steps = 0;
  for (xmlNode* n = dom::next_node(h1, root, true); n && steps < k_max_steps; ++steps) {
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
      if (weight >= k_min_lead && weight <= k_max_lead && link_density(n) <= 0.25 && !has_media(n)) {
        leads.push_back(text);
        if (leads.size() == k_max_leads) break;
        n = dom::next_node(n, root, true);
        continue;
      }
    }
    if (tag == "p" && !in_header && subtree_weight(n) >= k_body_start) break;  // the body has begun
    n = dom::next_node(n, root);
  }
  return leads;
}

}  // namespace redline
