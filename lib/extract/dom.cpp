#include "extract/dom.hpp"

#include <algorithm>
#include <climits>

#include "util/text.hpp"

namespace redline::dom {

namespace {
const char* as_chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }
}  // namespace

DocPtr parse_html(std::string_view utf8) {
  if (utf8.size() > static_cast<size_t>(INT_MAX)) utf8 = utf8.substr(0, INT_MAX);
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                      HTML_PARSE_NOBLANKS | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
  // An empty buffer makes libxml2 return null; give it a minimal document instead.
  const std::string_view input = utf8.empty() ? std::string_view("<html></html>") : utf8;
  DocPtr doc(htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", options));
  if (doc && !root_element(doc.get())) doc.reset();
  return doc;
}

xmlNode* root_element(xmlDoc* doc) { return doc ? xmlDocGetRootElement(doc) : nullptr; }

std::string attr(const xmlNode* node, const char* attribute) {
  if (!is_element(node)) return {};
  for (const xmlAttr* a = node->properties; a; a = a->next) {
    if (!a->name || xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(attribute)) != 0) continue;
    std::string value;
    for (const xmlNode* c = a->children; c; c = c->next)
      if (c->content) value += as_chars(c->content);
    return value;
  }
  return {};
}

bool has_attr(const xmlNode* node, const char* attribute) {
  if (!is_element(node)) return false;
  for (const xmlAttr* a = node->properties; a; a = a->next)
    if (a->name && xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(attribute)) == 0) return true;
  return false;
}

std::string class_and_id(const xmlNode* node) { return ascii_lower(attr(node, "class") + " " + attr(node, "id")); }

std::string text_content(const xmlNode* node) {
  std::string out;
  for_each_text(node, [&](const char* text) { out += text; });
  return out;
}

bool has_text(const xmlNode* node) {
  if (!node) return false;
  auto* root = const_cast<xmlNode*>(node);
  for (xmlNode* n = root; n; n = next_node(n, root)) {
    if ((n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) || !n->content) continue;
    const std::string_view t = as_chars(n->content);
    // Any printable ASCII character is visible; only other text needs the full check.
    if (std::any_of(t.begin(), t.end(), [](char c) { return c > ' ' && c < 0x7F; }) || !is_blank(t)) return true;
  }
  return false;
}

std::string clean_text(const xmlNode* node) { return normalize_space(text_content(node)); }

void remove(xmlNode* node) {
  if (!node) return;
  xmlUnlinkNode(node);
  xmlFreeNode(node);
}

xmlNode* find_first(xmlNode* root, std::string_view tag) {
  for (xmlNode* n = root; n; n = next_node(n, root))
    if (has_name(n, tag)) return n;
  return nullptr;
}

int depth(const xmlNode* node) {
  int d = -1;
  for (; node && node->type == XML_ELEMENT_NODE; node = node->parent) ++d;
  return d;
}

}  // namespace redline::dom
