#include "extract/content.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <unordered_map>

#include "extract/blocks.hpp"
#include "extract/boilerplate.hpp"
#include "extract/lead.hpp"
#include "extract/scoring.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

struct Flags {
  bool strip_unlikely = true;
  bool weight_classes = true;
  bool clean_conditionally = true;
};

constexpr size_t k_min_article_chars = 500;  // below this, retry with looser flags
constexpr size_t k_top_candidates = 5;
constexpr double k_link_block_ratio = 0.6;         // blocks this much link text …
constexpr size_t k_link_block_weight = 250;        // … and shorter than this are navigation
constexpr double k_marked_share = 0.6;             // a marked body this share of the scored one's text wins
constexpr size_t k_min_article_body = 500;         // a shorter JSON-LD articleBody is a teaser
constexpr double k_trust_article_body = 0.7;       // coverage above which articleBody filters blocks
constexpr double k_replace_by_article_body = 0.3;  // coverage below which articleBody replaces them
constexpr size_t k_failed_extraction = 250;        // … when the blocks hold less than this
constexpr size_t k_max_unconfirmed = 300;          // longer blocks stay even when articleBody lacks them
constexpr size_t k_max_entry_form = 2000;          // a form with more text than this holds the page
constexpr size_t k_min_sentence_rest = 40;         // text beside an inline element that makes it part of a sentence

bool is_heading(std::string_view tag) { return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6'; }

bool has_ancestor(const xmlNode* node, std::initializer_list<std::string_view> tags, int max_depth = 64) {
  for (const xmlNode* p = node->parent; p && dom::is_element(p) && max_depth-- > 0; p = p->parent) {
    for (auto t : tags)
      if (dom::name(p) == t) return true;
  }
  return false;
}

// Any descendant that makes a <div> more than a paragraph.
bool has_child_block_element(xmlNode* node) {
  static constexpr std::array k_tags = {"blockquote", "dl",      "div", "img", "ol", "p",  "pre", "table", "ul",
                                        "section",    "article", "h1",  "h2",  "h3", "h4", "h5",  "h6",    "figure"};
  for (xmlNode* c = node->children; c; c = c->next) {
    if (!dom::is_element(c)) continue;
    if (std::find(k_tags.begin(), k_tags.end(), dom::name(c)) != k_tags.end()) return true;
    if (has_child_block_element(c)) return true;
  }
  return false;
}

bool is_phrasing(const xmlNode* node) {
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) return true;
  if (!dom::is_element(node)) return true;
  const std::string_view tag = dom::name(node);
  if (is_block_tag(tag) || tag == "img" || tag == "br") return tag == "br";
  if (tag == "a" || tag == "span" || tag == "font" || tag == "del" || tag == "ins") {
    for (xmlNode* c = node->children; c; c = c->next)
      if (!is_phrasing(c)) return false;
  }
  return true;
}

// The edits a scoring pass makes to the tree, recorded so that they can be undone: a pass that finds
// too little text gives the tree back as it was to the next pass, which saves copying the tree for
// every pass. Removed subtrees are kept until undo() relinks them or the destructor frees them.
// Nodes are linked by hand: xmlAddChild merges adjacent text nodes, which could not be undone.
class TreeEdits {
 public:
  TreeEdits() = default;
  TreeEdits(const TreeEdits&) = delete;
  TreeEdits& operator=(const TreeEdits&) = delete;
  ~TreeEdits() {
    for (const Edit& e : m_edits)
      if (e.kind == Kind::removed) xmlFreeNode(e.node);
  }

  // A new empty element, inserted before `next` among the children of `parent` (last when null).
  xmlNode* insert_new(const char* tag, xmlNode* parent, xmlNode* next) {
    xmlNode* node = xmlNewDocNode(parent->doc, nullptr, reinterpret_cast<const xmlChar*>(tag), nullptr);
    if (!node) return nullptr;
    link_before(node, parent, next);
    m_edits.push_back({Kind::created, node, nullptr, nullptr});
    return node;
  }
  // Moves `node` (with its subtree) to the end of `parent`'s children.
  void move_to_end(xmlNode* node, xmlNode* parent) {
    m_edits.push_back({Kind::moved, node, node->parent, node->next});
    xmlUnlinkNode(node);
    link_before(node, parent, nullptr);
  }
  // Takes `node` (with its subtree) out of the tree.
  void remove(xmlNode* node) {
    m_edits.push_back({Kind::removed, node, node->parent, node->next});
    xmlUnlinkNode(node);
  }
  // Undoes every edit, the latest first.
  void undo() {
    for (auto it = m_edits.rbegin(); it != m_edits.rend(); ++it) {
      switch (it->kind) {
        case Kind::created:  // empty again: what was moved into it has moved back
          dom::remove(it->node);
          break;
        case Kind::moved:
          xmlUnlinkNode(it->node);
          link_before(it->node, it->parent, it->next);
          break;
        case Kind::removed:
          link_before(it->node, it->parent, it->next);
          break;
      }
    }
    m_edits.clear();
  }

 private:
  enum class Kind { created, moved, removed };
  struct Edit {
    Kind kind;
    xmlNode* node;
    xmlNode* parent;  // where it was before (moved, removed)
    xmlNode* next;
  };

  // Links the unlinked `node` before `next` among the children of `parent` (last when null).
  static void link_before(xmlNode* node, xmlNode* parent, xmlNode* next) {
    node->parent = parent;
    node->next = next;
    node->prev = next ? next->prev : parent->last;
    if (next)
      next->prev = node;
    else
      parent->last = node;
    if (node->prev)
      node->prev->next = node;
    else
      parent->children = node;
  }

  std::vector<Edit> m_edits;
};

// Wraps each run of inline children of `div` that holds text into a new <p>.
void wrap_inline_runs(xmlNode* div, TreeEdits& edits) {
  xmlNode* child = div->children;
  while (child) {
    if (!is_phrasing(child)) {
      child = child->next;
      continue;
    }
    xmlNode* end = child;
    bool has_text = false;
    while (end && is_phrasing(end)) {
      if (dom::has_text(end)) has_text = true;
      end = end->next;
    }
    if (!has_text) {
      child = end;
      continue;
    }
    xmlNode* p = edits.insert_new("p", div, child);
    if (!p) return;
    while (child != end) {
      xmlNode* next = child->next;
      edits.move_to_end(child, p);
      child = next;
    }
  }
}

// A paragraph next to the article that reads like its lead (long prose with few links, or a
// class/id such as intro, lead, teaser, standfirst, summary).
bool is_lead_sibling(xmlNode* node) {
  const std::string_view tag = dom::name(node);
  if (tag != "p" && tag != "div" && tag != "h2") return false;
  const bool lead_hint = has_lead_hint(node);
  if (!lead_hint && tag != "p") return false;
  const std::string text = dom::clean_text(node);
  const size_t len = text_weight(text);
  if (len == 0 || link_density(node) > 0.25) return false;
  if (lead_hint && len >= 40 && len <= 1500) return true;
  return tag == "p" && len > 80 && ends_sentence(text);
}

// A lead nested in a sibling of the article (<header><div class="entry-excerpt">), or null. In the
// article's own <header>, a long prose paragraph is the lead even without a class saying so.
bool in_header(const xmlNode* node, const xmlNode* stop) {
  for (const xmlNode* p = node->parent; p && dom::is_element(p); p = p->parent) {
    if (dom::has_name(p, "header") || dom::class_and_id(p).find("head") != std::string::npos) return true;
    if (p == stop) break;
  }
  return false;
}

xmlNode* find_nested_lead(xmlNode* sibling) {
  for (xmlNode* n = sibling->children; n; n = dom::next_node(n, sibling)) {
    if (!dom::is_element(n)) continue;
    if ((has_lead_hint(n) || (dom::has_name(n, "p") && in_header(n, sibling))) && is_lead_sibling(n)) return n;
  }
  return nullptr;
}

bool is_without_content(xmlNode* node) {
  if (dom::has_text(node)) return false;
  for (xmlNode* n = node->children; n; n = dom::next_node(n, node)) {
    const std::string_view tag = dom::name(n);
    if (tag == "img" || tag == "picture" || tag == "video" || tag == "iframe" || tag == "table") return false;
  }
  return true;
}

// A form the reader fills in (login, registration, comment, search, newsletter): it has a text
// entry field and is not big (ASP.NET pages wrap the whole page, article included, in a <form>).
bool is_entry_form(xmlNode* node) {
  if (!dom::has_name(node, "form") || subtree_weight(node) >= k_max_entry_form) return false;
  for (xmlNode* n = node->children; n; n = dom::next_node(n, node)) {
    if (dom::has_name(n, "textarea")) return true;
    if (!dom::has_name(n, "input")) continue;
    const std::string type = ascii_lower(dom::attr(n, "type"));
    if (type.empty() || type == "text" || type == "email" || type == "password" || type == "search" || type == "tel" ||
        type == "url" || type == "number")
      return true;
  }
  return false;
}

// An inline element inside a paragraph that has more text: part of a sentence ("<p><span
// class="dateline">KOBE – </span>A total of …"), whatever its class says.
bool is_inline_in_sentence(xmlNode* node) {
  if (!dom::has_name(node->parent, "p") || is_block_tag(dom::name(node))) return false;
  return subtree_weight(node->parent) >= subtree_weight(node) + k_min_sentence_rest;
}

class Grabber {
 public:
  // Every edit of the tree is recorded in `edits`.
  Grabber(xmlDoc* doc, Flags flags, TreeEdits& edits) : m_doc(doc), m_flags(flags), m_edits(edits) {}

  // Removes from the tree what cannot be content (hidden, non-content and, with strip_unlikely,
  // unlikely elements) and wraps inline runs into paragraphs. Runs first, once; false when the
  // document has no root element.
  bool prepare();
  // The article container (a new <div> owned by the document's tree under <body>), or null.
  xmlNode* grab();
  // A copy of the element the page marks as the article body (itemprop=articleBody, class/id such
  // as entry-content or article-body) with the lead next to it, cleaned like a grabbed article, in
  // a new <div> inserted before it; null when there is none. Only the copy is changed: after the
  // caller removes the <div>, the tree is as prepare() left it, ready for grab().
  xmlNode* grab_marked_copy();

 private:
  double& score(xmlNode* n) { return m_scores[n]; }
  bool scored(xmlNode* n) const { return m_scores.count(n) != 0; }
  double class_weight(const xmlNode* n) const { return m_flags.weight_classes ? class_hint_weight(n) : 0.0; }
  void initialize(xmlNode* n);
  xmlNode* pick_top(xmlNode* body);
  void prep_article(xmlNode* article, TreeEdits& edits);
  void clean_conditionally(xmlNode* article, std::string_view tag, TreeEdits& edits);
  bool should_remove(xmlNode* node, std::string_view tag);

  xmlDoc* m_doc;
  Flags m_flags;
  TreeEdits& m_edits;
  std::unordered_map<xmlNode*, double> m_scores;
  std::vector<xmlNode*> m_to_score;  // paragraph-like elements found by prepare(), in document order
};

void Grabber::initialize(xmlNode* n) {
  const std::string_view tag = dom::name(n);
  double s = 0;
  if (tag == "div" || tag == "article" || tag == "main")
    s = 5;
  else if (tag == "pre" || tag == "td" || tag == "blockquote")
    s = 3;
  else if (tag == "address" || tag == "ol" || tag == "ul" || tag == "dl" || tag == "dd" || tag == "dt" || tag == "li" ||
           tag == "form")
    s = -3;
  else if (is_heading(tag) || tag == "th")
    s = -5;
  m_scores[n] = s + class_weight(n);
}

bool Grabber::prepare() {
  xmlNode* root = dom::root_element(m_doc);
  if (!root) return false;
  std::vector<xmlNode*>& to_score = m_to_score;
  xmlNode* node = root;
  while (node) {
    if (!dom::is_element(node)) {
      node = dom::next_node(node, root);
      continue;
    }
    const std::string_view tag = dom::name(node);
    auto drop = [&] {
      xmlNode* next = dom::next_node(node, root, true);
      m_edits.remove(node);
      node = next;
    };
    if (tag != "html" && tag != "body" && (is_hidden(node) || is_non_content_tag(tag) || is_junk_wrapper(node))) {
      drop();
      continue;
    }
    if (tag == "html" || tag == "body") {
      node = dom::next_node(node, root);
      continue;
    }
    const std::string hints = dom::class_and_id(node);
    if (is_consent_banner(hints) && subtree_weight(node) < 2000) {
      drop();
      continue;
    }
    if (is_entry_form(node)) {
      drop();
      continue;
    }
    if (looks_like_byline(node, hints) && subtree_weight(node) < 100 && !is_inline_in_sentence(node)) {
      drop();
      continue;
    }
    if (m_flags.strip_unlikely) {
      if (is_unlikely_candidate(hints) && !has_ancestor(node, {"table", "code"}) && tag != "a" && tag != "article" &&
          tag != "main") {
        drop();
        continue;
      }
      if (has_unlikely_role(node)) {
        drop();
        continue;
      }
    }
    if ((tag == "div" || tag == "section" || tag == "header" || is_heading(tag)) && is_without_content(node)) {
      drop();
      continue;
    }
    if (tag == "section" || (is_heading(tag) && tag != "h1") || tag == "p" || tag == "td" || tag == "pre")
      to_score.push_back(node);
    if (tag == "div") {
      if (has_child_block_element(node)) {
        wrap_inline_runs(node, m_edits);
      } else {
        to_score.push_back(node);
      }
    }
    node = dom::next_node(node, root);
  }
  return true;
}

xmlNode* Grabber::pick_top(xmlNode* body) {
  std::vector<xmlNode*> candidates;
  candidates.reserve(m_scores.size());
  const LinkDensities link_densities(dom::root_element(m_doc));
  for (auto& [n, s] : m_scores) {
    s *= 1.0 - link_densities.of(n);
    candidates.push_back(n);
  }
  std::sort(candidates.begin(), candidates.end(), [&](xmlNode* a, xmlNode* b) {
    if (m_scores[a] != m_scores[b]) return m_scores[a] > m_scores[b];
    return dom::depth(a) < dom::depth(b);
  });
  if (candidates.empty() || candidates.front() == body) return nullptr;
  xmlNode* top = candidates.front();
  const double top_score = m_scores[top];

  // When several near-best candidates share an ancestor, that ancestor holds the article.
  std::vector<std::vector<xmlNode*>> alternatives;
  for (size_t i = 1; i < std::min(candidates.size(), k_top_candidates); ++i) {
    if (m_scores[candidates[i]] / top_score < 0.75) continue;
    std::vector<xmlNode*> anc;
    for (xmlNode* p = candidates[i]->parent; p && dom::is_element(p); p = p->parent) anc.push_back(p);
    alternatives.push_back(std::move(anc));
  }
  if (alternatives.size() >= 3) {
    for (xmlNode* p = top->parent; p && dom::is_element(p) && p != body; p = p->parent) {
      int lists = 0;
      for (const auto& anc : alternatives)
        if (std::find(anc.begin(), anc.end(), p) != anc.end()) ++lists;
      if (lists >= 3) {
        top = p;
        break;
      }
    }
  }
  if (!scored(top)) initialize(top);

  // Climb while the parent scores higher than the candidate (the article was split).
  double last = m_scores[top];
  const double threshold = last / 3;
  for (xmlNode* p = top->parent; p && dom::is_element(p) && p != body && !dom::has_name(p, "html"); p = p->parent) {
    if (!scored(p)) continue;
    const double ps = m_scores[p];
    if (ps < threshold) break;
    if (ps > last) {
      top = p;
      break;
    }
    last = ps;
  }
  // An only child says nothing about boundaries: use the parent.
  while (top->parent && dom::is_element(top->parent) && top->parent != body) {
    int elements = 0;
    for (xmlNode* c = top->parent->children; c; c = c->next) elements += dom::is_element(c);
    if (elements != 1) break;
    top = top->parent;
  }
  return top;
}

xmlNode* Grabber::grab() {
  xmlNode* root = dom::root_element(m_doc);
  if (!root) return nullptr;
  // Looked up after prepare(): libxml2 can put the first <body> inside an element that prepare()
  // removes (a hidden or unlikely wrapper), which would leave a dangling pointer.
  xmlNode* body = dom::find_first(root, "body");
  if (!body) body = root;

  for (xmlNode* e : m_to_score) {
    xmlNode* parent = e->parent;
    if (!parent || !dom::is_element(parent)) continue;
    const size_t len = subtree_clean_weight(e);
    if (len < 25) continue;
    const double content_score = 1.0 + static_cast<double>(subtree_commas(e)) + std::min(std::floor(len / 100.0), 3.0);
    int level = 0;
    for (xmlNode* anc = parent; anc && dom::is_element(anc) && level < 5; anc = anc->parent, ++level) {
      if (!anc->parent || !dom::is_element(anc->parent)) break;  // never score <html>
      if (!scored(anc)) initialize(anc);
      const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
      m_scores[anc] += content_score / divider;
    }
  }

  xmlNode* top = pick_top(body);
  xmlNode* article = nullptr;
  if (!top) {
    // No candidate: the whole body is the article.
    article = m_edits.insert_new("div", body, nullptr);
    if (!article) return nullptr;
    while (body->children != article) m_edits.move_to_end(body->children, article);
  } else {
    const double top_score = m_scores[top];
    const double threshold = std::max(10.0, top_score * 0.2);
    const std::string top_class = dom::attr(top, "class");
    xmlNode* parent = top->parent;
    std::vector<xmlNode*> keep;
    for (xmlNode* s = parent ? parent->children : top; s; s = s->next) {
      if (!parent && s != top) break;
      bool append = s == top;
      if (!append && dom::is_element(s)) {
        double bonus = 0;
        if (!top_class.empty() && dom::attr(s, "class") == top_class) bonus += top_score * 0.2;
        if (scored(s) && m_scores[s] + bonus >= threshold) {
          append = true;
        } else if (dom::has_name(s, "p")) {
          const std::string text = dom::clean_text(s);
          const size_t len = text_weight(text);
          const double ld = link_density(s);
          if (len > 80 && ld < 0.25)
            append = true;
          else if (len > 0 && len <= 80 && ld == 0 && ends_sentence(text))
            append = true;
        } else if (is_lead_sibling(s)) {
          append = true;
        }
      }
      if (append) {
        keep.push_back(s);
      } else if (dom::is_element(s)) {
        if (xmlNode* lead = find_nested_lead(s)) keep.push_back(lead);
      }
      if (!parent) break;
    }
    xmlNode* anchor = keep.front();
    if (!anchor->parent) return nullptr;
    article = m_edits.insert_new("div", anchor->parent, anchor);
    if (!article) return nullptr;
    for (xmlNode* n : keep) m_edits.move_to_end(n, article);
  }
  prep_article(article, m_edits);
  return article;
}

xmlNode* Grabber::grab_marked_copy() {
  xmlNode* root = dom::root_element(m_doc);
  if (!root) return nullptr;
  xmlNode* best = nullptr;
  size_t best_weight = 0;
  xmlNode* n = root;
  while (n) {
    if (dom::is_element(n) && is_body_marker(n)) {
      const size_t w = subtree_weight(n);
      if (w > best_weight) {
        best = n;
        best_weight = w;
      }
      n = dom::next_node(n, root, true);  // nested markers are part of this one
      continue;
    }
    n = dom::next_node(n, root);
  }
  if (!best || !best->parent) return nullptr;
  // A lead/standfirst often sits next to the marked body, not inside it.
  std::vector<xmlNode*> keep;
  for (xmlNode* s = best->parent->children; s; s = s->next) {
    if (s == best || (dom::is_element(s) && is_lead_sibling(s))) {
      keep.push_back(s);
    } else if (dom::is_element(s)) {
      if (xmlNode* lead = find_nested_lead(s)) keep.push_back(lead);
    }
  }
  // The copy sits where the body is, so that cleaning it sees the same ancestors (<figure>, <pre>).
  xmlNode* article = xmlNewDocNode(m_doc, nullptr, reinterpret_cast<const xmlChar*>("div"), nullptr);
  if (!article) return nullptr;
  xmlAddPrevSibling(best, article);
  for (xmlNode* k : keep)
    if (xmlNode* copy = xmlDocCopyNode(k, m_doc, 1)) xmlAddChild(article, copy);
  TreeEdits edits_of_copy;  // nothing to undo: the copy goes
  prep_article(article, edits_of_copy);
  return article;
}

bool Grabber::should_remove(xmlNode* node, std::string_view tag) {
  const double weight = class_weight(node);
  if (weight < 0) return true;
  if (subtree_commas(node) >= 10) return false;
  const bool is_list = tag == "ul" || tag == "ol";
  size_t p = 0, img = 0, li = 0, input = 0, embed = 0, headings = 0;
  size_t li_text = 0;
  for (xmlNode* n = node->children; n; n = dom::next_node(n, node)) {
    const std::string_view t = dom::name(n);
    if (t == "p")
      ++p;
    else if (t == "img")
      ++img;
    else if (t == "li") {
      ++li;
      li_text += subtree_weight(n);
    } else if (t == "input")
      ++input;
    else if (t == "embed" || t == "object" || t == "iframe")
      ++embed;
    else if (is_heading(t))
      headings += subtree_weight(n);
  }
  const size_t length = subtree_weight(node);
  const bool list_like = is_list || (length > 0 && static_cast<double>(li_text) / static_cast<double>(length) > 0.9);
  const double ld = link_density(node);
  const double heading_density = length ? static_cast<double>(headings) / static_cast<double>(length) : 0;
  const bool in_figure = has_ancestor(node, {"figure"});
  if (img > 1 && static_cast<double>(p) / static_cast<double>(img) < 0.5 && !in_figure) return true;
  if (!list_like && li > p + 100) return true;
  if (input > p / 3) return true;
  if (!list_like && heading_density < 0.9 && length < 25 && (img == 0 || img > 2) && !in_figure) return true;
  if (!list_like && weight < 25 && ld > 0.2) return true;
  if (weight >= 25 && ld > 0.5) return true;
  if ((embed == 1 && length < 75) || embed > 1) return true;
  if (list_like && ld > 0.5) return true;
  return false;
}

void Grabber::clean_conditionally(xmlNode* article, std::string_view tag, TreeEdits& edits) {
  if (!m_flags.clean_conditionally) return;
  // Collect first, deepest last, then test from the inside out so that nested boxes go first.
  std::vector<xmlNode*> nodes;
  for (xmlNode* n = article->children; n; n = dom::next_node(n, article))
    if (dom::has_name(n, tag)) nodes.push_back(n);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    xmlNode* n = *it;
    if (tag == "table" && is_data_table(n)) continue;
    if (has_ancestor(n, {"code", "pre"})) continue;
    if (should_remove(n, tag)) edits.remove(n);
  }
}

void Grabber::prep_article(xmlNode* article, TreeEdits& edits) {
  clean_conditionally(article, "form", edits);
  clean_conditionally(article, "fieldset", edits);
  for (xmlNode* n = article->children; n;) {
    if (!dom::is_element(n)) {
      n = dom::next_node(n, article);
      continue;
    }
    const std::string_view tag = dom::name(n);
    bool junk = tag == "footer" || tag == "aside" || tag == "figcaption" || is_junk_wrapper(n) ||
                is_non_content_tag(tag) || ((tag == "h1" || tag == "h2") && class_weight(n) < 0);
    if (!junk && (dom::has_attr(n, "class") || dom::has_attr(n, "id"))) {
      const std::string hints = dom::class_and_id(n);
      junk = (is_share_box(hints) && subtree_weight(n) < 500) || (is_author_box(hints) && subtree_weight(n) < 1500) ||
             (is_caption_box(hints) && subtree_weight(n) < 300) ||
             (is_disclosure_box(hints) && subtree_weight(n) < 1500);
    }
    if (junk) {
      xmlNode* next = dom::next_node(n, article, true);
      edits.remove(n);
      n = next;
    } else {
      n = dom::next_node(n, article);
    }
  }
  clean_conditionally(article, "table", edits);
  clean_conditionally(article, "ul", edits);
  clean_conditionally(article, "div", edits);
}

// A short block that is (nearly) all link text is navigation: "Read also: …", related items, tags.
void drop_link_blocks(std::vector<Block>& blocks, const std::vector<double>& ratios) {
  std::vector<Block> kept;
  kept.reserve(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool linky = i < ratios.size() && ratios[i] >= k_link_block_ratio && blocks[i].kind != BlockKind::table &&
                       text_weight(blocks[i].text) < k_link_block_weight;
    if (!linky) kept.push_back(std::move(blocks[i]));
  }
  blocks = std::move(kept);
}

size_t blocks_weight(const std::vector<Block>& blocks) {
  size_t n = 0;
  for (const auto& b : blocks) n += text_weight(b.text);
  return n;
}

std::vector<Block> blocks_of_fragment(xmlDoc* doc) {
  xmlNode* root = dom::root_element(doc);
  xmlNode* body = dom::find_first(root, "body");
  return collect_blocks(body ? body : root);
}

// Squashed text: normalized, then without any spaces (the JSON-LD copy is spaced differently).
std::string squash(std::string_view text) {
  std::string s = normalize_space(text);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// The first or the last ~40 bytes of a squashed block (cut at UTF-8 boundaries) occur in `body`.
bool occurs_in(const std::string& block, const std::string& body) {
  if (block.size() <= 80) return body.find(block) != std::string::npos;
  size_t head = 40;
  while (head < block.size() && (static_cast<unsigned char>(block[head]) & 0xC0) == 0x80) ++head;
  size_t tail = block.size() - 40;
  while (tail > 0 && (static_cast<unsigned char>(block[tail]) & 0xC0) == 0x80) --tail;
  return body.find(std::string_view(block).substr(0, head)) != std::string::npos ||
         body.find(std::string_view(block).substr(tail)) != std::string::npos;
}

// JSON-LD articleBody is the publisher's own plain-text copy of the body. When the extracted
// blocks cover most of it, short blocks it does not contain are boilerplate (headings excepted: the
// copy often leaves them out). When extraction found next to nothing and none of it is in a long
// copy, the DOM text was not found (or not rendered) and the copy's paragraphs are used instead.
void reconcile_with_article_body(std::vector<Block>& blocks, const std::string& article_body) {
  std::string plain;
  bool in_tag = false;
  for (char c : article_body) {  // some publishers put markup in it
    if (c == '<') in_tag = true;
    if (!in_tag) plain += c;
    if (c == '>') in_tag = false;
  }
  const size_t body_weight = text_weight(plain);
  if (body_weight < k_min_article_body) return;
  const std::string body = squash(plain);
  size_t covered = 0;
  std::vector<bool> found(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    found[i] = occurs_in(squash(blocks[i].text), body);
    if (found[i]) covered += text_weight(blocks[i].text);
  }
  const double coverage = static_cast<double>(covered) / static_cast<double>(body_weight);
  if (coverage >= k_trust_article_body) {
    std::vector<Block> kept;
    for (size_t i = 0; i < blocks.size(); ++i)
      if (found[i] || blocks[i].kind == BlockKind::heading || text_weight(blocks[i].text) > k_max_unconfirmed)
        kept.push_back(std::move(blocks[i]));
    blocks = std::move(kept);
  } else if (coverage < k_replace_by_article_body && blocks_weight(blocks) < k_failed_extraction) {
    blocks.clear();
    size_t start = 0;
    while (start <= plain.size()) {
      size_t end = plain.find('\n', start);
      if (end == std::string::npos) end = plain.size();
      if (std::string text = normalize_space(std::string_view(plain).substr(start, end - start)); !text.empty())
        blocks.push_back(Block{BlockKind::paragraph, std::move(text)});
      start = end + 1;
    }
  }
}

// Puts the page's lead before the body when the body does not hold it already.
void add_leads(std::vector<Block>& blocks, const std::vector<std::string>& leads) {
  if (leads.empty() || blocks.empty()) return;
  std::string body;
  for (const auto& b : blocks) body += squash(b.text);
  std::vector<Block> missing;
  for (const auto& lead : leads)
    if (body.find(squash(lead)) == std::string::npos) missing.push_back(Block{BlockKind::paragraph, to_nfc(lead)});
  blocks.insert(blocks.begin(), missing.begin(), missing.end());
}

}  // namespace

std::vector<Block> extract_content(xmlDoc* doc, const ContentHints& hints) {
  std::vector<Block> best;
  // Read before the passes change the tree.
  const std::vector<std::string> leads = hints.fragment ? std::vector<std::string>{} : find_leads(doc, hints.headline);
  if (hints.fragment) {
    best = blocks_of_fragment(doc);
  } else {
    size_t best_weight = 0;
    // Each pass starts from the tree as it was given: a pass that finds too little undoes its edits.
    TreeEdits edits;
    constexpr std::array k_passes = {Flags{true, true, true}, Flags{false, true, true}, Flags{false, false, true},
                                     Flags{false, false, false}};
    for (size_t pass = 0; pass < k_passes.size(); ++pass) {
      const Flags flags = k_passes[pass];
      edits.undo();
      Grabber grabber(doc, flags, edits);
      if (!grabber.prepare()) continue;
      // A body the page marks itself beats the scored guess unless it is a small part of it.
      std::vector<Block> marked_blocks;
      bool marked = false;
      if (flags.strip_unlikely) {
        if (xmlNode* article = grabber.grab_marked_copy()) {
          std::vector<double> ratios;
          marked_blocks = collect_blocks(article, &ratios);
          drop_link_blocks(marked_blocks, ratios);
          dom::remove(article);
          marked = true;
        }
      }
      xmlNode* article = grabber.grab();
      if (!article) continue;
      std::vector<double> ratios;
      auto blocks = collect_blocks(article, &ratios);
      drop_link_blocks(blocks, ratios);
      size_t weight = blocks_weight(blocks);
      if (marked) {
        const size_t marked_weight = blocks_weight(marked_blocks);
        if (marked_weight >= 100 &&
            static_cast<double>(marked_weight) >= k_marked_share * static_cast<double>(weight)) {
          blocks = std::move(marked_blocks);
          weight = marked_weight;
        }
      }
      // A looser pass sees more of the page's chrome: its result must be clearly longer to win.
      if (weight > 3 * best_weight) {
        best_weight = weight;
        best = std::move(blocks);
      }
      if (weight >= k_min_article_chars) break;
    }
  }
  if (!hints.fragment) {
    drop_boilerplate_blocks(best);
    if (!hints.article_body.empty()) reconcile_with_article_body(best, hints.article_body);
    add_leads(best, leads);
  }
  // The headline is metadata, not body.
  if (!hints.headline.empty()) {
    const std::string headline = to_nfc(normalize_space(hints.headline));
    std::erase_if(best, [&](const Block& b) { return b.text == headline; });
    // A leading heading that is the headline with a kicker or site name around it (or the other
    // way round) is the headline too.
    for (size_t i = 0; i < std::min<size_t>(best.size(), 3); ++i) {
      const std::string& t = best[i].text;
      if (best[i].kind == BlockKind::heading && text_weight(t) >= 10 && text_weight(headline) >= 10 &&
          (headline.find(t) != std::string::npos || t.find(headline) != std::string::npos)) {
        best.erase(best.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  return best;
}

}  // namespace redline
