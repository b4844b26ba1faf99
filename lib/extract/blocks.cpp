#include "extract/blocks.hpp"

#include <algorithm>
#include <array>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "extract/scoring.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr std::array k_non_content = {"script",  "style",  "template", "svg",    "canvas",   "iframe", "object",
                                      "embed",   "button", "input",    "select", "textarea", "head",   "title",
                                      "meta",    "link",   "video",    "audio",  "map",      "dialog", "menu",
                                      "picture", "source", "math",     "rt",     "rp"};
constexpr std::array k_block = {
    "p",       "div",    "section", "article", "main",     "header", "footer", "aside",   "h1",     "h2",         "h3",
    "h4",      "h5",     "h6",      "ul",      "ol",       "li",     "dl",     "dt",      "dd",     "blockquote", "pre",
    "table",   "tr",     "td",      "th",      "tbody",    "thead",  "tfoot",  "caption", "figure", "figcaption", "hr",
    "address", "center", "details", "summary", "fieldset", "body",   "html",   "nav",     "form"};

bool contains(const auto& list, std::string_view tag) { return std::find(list.begin(), list.end(), tag) != list.end(); }

class Collector {
 public:
  std::vector<Block> take(std::vector<double>* link_ratios) {
    flush();
    if (link_ratios) *link_ratios = std::move(m_ratios);
    return std::move(m_blocks);
  }

  void walk(xmlNode* container) {
    // Iterative pre-order walk; `m_stack` holds the open block-level elements so that leaving one
    // flushes the text run it owns.
    xmlNode* node = container;
    while (node) {
      bool skip = false;
      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
        if (node->content) {
          const std::string_view t = reinterpret_cast<const char*>(node->content);
          m_text += t;
          if (m_link_depth > 0) m_link_chars += text_weight(t);
        }
      } else if (dom::is_element(node)) {
        skip = enter(node);
      }
      // Advance, closing elements on the way up.
      if (!skip && dom::is_element(node) && node->children) {
        node = node->children;
        continue;
      }
      if (dom::is_element(node) && !skip) leave(node);
      while (node && node != container && !node->next) {
        node = node->parent;
        if (node) leave(node);
      }
      if (!node || node == container) break;
      node = node->next;
    }
  }

 private:
  // Returns true when the subtree must be skipped (handled or not content).
  bool enter(xmlNode* node) {
    const std::string_view tag = dom::name(node);
    if (is_non_content_tag(tag) || is_hidden(node) || is_junk_wrapper(node)) return true;
    if (tag == "br") {
      if (m_last_was_br) {
        flush();
      } else {
        m_text += '\n';
      }
      m_last_was_br = true;
      return true;
    }
    m_last_was_br = false;
    if (tag == "a") ++m_link_depth;
    if (tag == "table" && is_data_table(node)) {
      flush();
      emit_table(node);
      return true;
    }
    if (is_block_tag(tag)) {
      flush();
      m_kinds.push_back(is_small_caption(node) ? BlockKind::caption : kind_for(tag));
    }
    return false;
  }

  void leave(xmlNode* node) {
    const std::string_view tag = dom::name(node);
    if (tag == "a" && m_link_depth > 0) --m_link_depth;
    if (!is_block_tag(tag) || is_non_content_tag(tag)) return;
    flush();
    if (!m_kinds.empty()) m_kinds.pop_back();
  }

  // <div><small>text</small></div>: the caption convention of feed items (a credit line under an image).
  static bool is_small_caption(xmlNode* node) {
    if (!dom::has_name(node, "div") && !dom::has_name(node, "p")) return false;
    xmlNode* only = nullptr;
    for (xmlNode* c = node->children; c; c = c->next) {
      if (dom::is_element(c)) {
        if (only) return false;
        only = c;
      } else if (dom::has_text(c)) {
        return false;
      }
    }
    return dom::has_name(only, "small");
  }

  BlockKind kind_for(std::string_view tag) const {
    const BlockKind outer = m_kinds.empty() ? BlockKind::paragraph : m_kinds.back();
    if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6') return BlockKind::heading;
    if (tag == "li" || tag == "dd" || tag == "dt")
      return outer == BlockKind::quote ? BlockKind::quote : BlockKind::list_item;
    if (tag == "blockquote") return BlockKind::quote;
    if (tag == "figcaption" || tag == "caption") return BlockKind::caption;
    // Paragraphs inside a quote or a list item keep the outer kind.
    if (outer == BlockKind::quote || outer == BlockKind::list_item || outer == BlockKind::caption) return outer;
    return BlockKind::paragraph;
  }

  void flush() {
    std::string text = to_nfc(normalize_space(m_text));
    const size_t links = m_link_chars;
    m_text.clear();
    m_link_chars = 0;
    if (text.empty()) return;
    const BlockKind kind = m_kinds.empty() ? BlockKind::paragraph : m_kinds.back();
    const size_t weight = text_weight(text);
    m_ratios.push_back(weight ? std::min(1.0, static_cast<double>(links) / static_cast<double>(weight)) : 0.0);
    m_blocks.push_back(Block{kind, std::move(text)});
  }

  void emit_table(xmlNode* table) {
    for (xmlNode* n = table; n; n = dom::next_node(n, table)) {
      if (dom::has_name(n, "caption")) {
        if (std::string t = to_nfc(dom::clean_text(n)); !t.empty()) {
          m_ratios.push_back(0);
          m_blocks.push_back(Block{BlockKind::caption, t});
        }
        n = dom::next_node(n, table, true);
        if (!n) break;
      }
      if (!dom::has_name(n, "tr")) continue;
      std::string row;
      for (xmlNode* cell = n->children; cell; cell = cell->next) {
        if (!dom::has_name(cell, "td") && !dom::has_name(cell, "th")) continue;
        std::string t = to_nfc(dom::clean_text(cell));
        if (t.empty()) continue;
        if (!row.empty()) row += " | ";
        row += t;
      }
      if (!row.empty()) {
        m_ratios.push_back(0);
        m_blocks.push_back(Block{BlockKind::table, row});
      }
    }
  }

  std::vector<Block> m_blocks;
  std::vector<double> m_ratios;  // link share of each block's text
  size_t m_link_chars = 0;
  int m_link_depth = 0;
  std::vector<BlockKind> m_kinds;
  std::string m_text;
  bool m_last_was_br = false;
};

}  // namespace

// NFC is the form text is exchanged in: a page may spell "য়" as U+09DF or as U+09AF U+09BC, which
// read the same (canonically equivalent). Code points below U+0300 are composed already.
std::string to_nfc(std::string text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0xCC; })) return text;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || !nfc) return text;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  if (nfc->isNormalized(u, status) || U_FAILURE(status)) return text;
  status = U_ZERO_ERROR;
  const icu::UnicodeString composed = nfc->normalize(u, status);
  if (U_FAILURE(status)) return text;
  std::string out;
  composed.toUTF8String(out);
  return out;
}

bool is_non_content_tag(std::string_view tag) { return contains(k_non_content, tag); }
bool is_block_tag(std::string_view tag) { return contains(k_block, tag); }

bool is_junk_wrapper(const xmlNode* node) {
  const bool noscript = dom::has_name(node, "noscript");
  if (!noscript && !dom::has_name(node, "nav")) return false;
  if (subtree_weight(node) < 2000) return true;
  return !noscript && link_density(const_cast<xmlNode*>(node)) > 0.5;
}

bool is_hidden(const xmlNode* node) {
  if (!dom::is_element(node)) return false;
  if (dom::has_attr(node, "hidden")) return true;
  if (ascii_lower(dom::attr(node, "aria-hidden")) == "true") return true;
  std::string style = ascii_lower(dom::attr(node, "style"));
  if (style.empty()) return false;
  style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
  return style.find("display:none") != std::string::npos || style.find("visibility:hidden") != std::string::npos;
}

std::vector<Block> collect_blocks(xmlNode* container, std::vector<double>* link_ratios) {
  Collector c;
  if (container) c.walk(container);
  return c.take(link_ratios);
}

}  // namespace redline
