// Thin helpers over libxml2's HTML tree: parsing into an owning pointer, names, attributes and
// text. Trees may be arbitrarily deep (the parser accepts 100 000 nested elements), so every helper
// here walks iteratively. Thread-safe as long as each tree is used by one thread.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace redline::dom {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Parses UTF-8 HTML (recovering from every error, no network). Null only when libxml2 finds no
// element at all.
DocPtr parse_html(std::string_view utf8);

// The root <html> element, or null.
xmlNode* root_element(xmlDoc* doc);

// (Inline: every walk over a tree asks these of each node.)
inline bool is_element(const xmlNode* node) { return node && node->type == XML_ELEMENT_NODE; }
// The element's lower-case tag name ("" for non-elements).
inline std::string_view name(const xmlNode* node) {
  if (!is_element(node) || !node->name) return {};
  return reinterpret_cast<const char*>(node->name);
}
// name(node) == tag, without measuring the name first.
inline bool has_name(const xmlNode* node, std::string_view tag) {
  if (!is_element(node) || !node->name) return tag.empty();
  const auto* n = reinterpret_cast<const char*>(node->name);
  return std::strncmp(n, tag.data(), tag.size()) == 0 && n[tag.size()] == '\0';
}
// Attribute value ("" when absent).
std::string attr(const xmlNode* node, const char* attribute);
bool has_attr(const xmlNode* node, const char* attribute);
// class + " " + id, lower-case: what class/id hints match against.
std::string class_and_id(const xmlNode* node);

// All text below `node` (text and CDATA nodes, in document order), not normalized.
std::string text_content(const xmlNode* node);
// True when some text below `node` is visible (not only whitespace and invisible characters); stops
// at the first such text node, without building the text.
bool has_text(const xmlNode* node);
// Normalized text (normalize_space of text_content).
std::string clean_text(const xmlNode* node);

// Next node in document order below `root` (pre-order), skipping the children of `node` when
// `skip_children`. Null at the end.
inline xmlNode* next_node(xmlNode* node, const xmlNode* root, bool skip_children = false) {
  if (!node) return nullptr;
  if (!skip_children && node->type == XML_ELEMENT_NODE && node->children) return node->children;
  while (node && node != root) {
    if (node->next) return node->next;
    node = node->parent;
  }
  return nullptr;
}

// Calls f(const char* text) with the content of each text and CDATA node below `node` (or `node`
// itself), in document order.
template <class F>
void for_each_text(const xmlNode* node, F&& f) {
  auto* root = const_cast<xmlNode*>(node);
  for (xmlNode* n = root; n; n = next_node(n, root))
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
      f(reinterpret_cast<const char*>(n->content));
}

// Unlinks and frees a node with its subtree.
void remove(xmlNode* node);

// First descendant element of `root` (or `root` itself) with the tag, or null.
xmlNode* find_first(xmlNode* root, std::string_view tag);

// Number of elements from `node` up to the document (0 for the root element).
int depth(const xmlNode* node);

}  // namespace redline::dom
