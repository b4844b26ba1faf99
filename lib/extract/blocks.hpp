// Turns a content subtree into Article blocks: paragraphs, headings, list items, quotes, captions
// and table rows, each with normalized text. Pure; thread-safe per tree.
#pragma once

#include <string>
#include <vector>

#include "core/article.hpp"
#include "extract/dom.hpp"

namespace redline {

// Tags whose subtree never holds article text (scripts, forms, media, navigation …).
bool is_non_content_tag(std::string_view tag);
// True when the element is hidden (hidden attribute, aria-hidden, display:none, visibility:hidden).
bool is_hidden(const xmlNode* node);
// <noscript> normally holds a tracking pixel or "enable JavaScript", <nav> a menu; a big one with
// few links is a parse accident (an unclosed element inside it swallowed the page) and is content.
bool is_junk_wrapper(const xmlNode* node);
// Block-level tags: an inline run ends where one of these starts.
bool is_block_tag(std::string_view tag);

// `text` in Unicode's composed form (NFC); unchanged when it is already (the usual case, checked
// without ICU when no code point is U+0300 or above).
std::string to_nfc(std::string text);

// Collects the blocks below `container` in document order. Inline text directly inside a <div>
// (or similar) becomes a paragraph; two <br> in a row split a paragraph. A <table> whose cells hold
// no block elements yields one table block per row (cells joined by " | "); a layout table is
// walked like a <div>. Empty blocks are dropped. `link_ratios`, when given, receives for each block
// the share of its text inside links.
std::vector<Block> collect_blocks(xmlNode* container, std::vector<double>* link_ratios = nullptr);

}  // namespace redline
