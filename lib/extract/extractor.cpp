#include "extract/extractor.hpp"

#include <libxml/xpath.h>

#include <algorithm>
#include <memory>

#include "extract/blocks.hpp"
#include "extract/charset.hpp"
#include "extract/content.hpp"
#include "extract/document.hpp"
#include "extract/metadata.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

void ignore_xml_error(void*, xmlError*) {}

struct XPathResult {
  std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> object{nullptr, &xmlXPathFreeObject};
  bool valid = false;
};

// Evaluates `expr` on `doc` with libxml2's error output silenced.
XPathResult evaluate(xmlDoc* doc, const std::string& expr) {
  XPathResult r;
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(xmlXPathNewContext(doc), &xmlXPathFreeContext);
  if (!ctx) return r;
  ctx->error = &ignore_xml_error;
  r.object.reset(xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr.c_str()), ctx.get()));
  r.valid = r.object != nullptr;
  return r;
}

std::vector<xmlNode*> nodes_of(const XPathResult& r) {
  std::vector<xmlNode*> out;
  if (!r.object || r.object->type != XPATH_NODESET || !r.object->nodesetval) return out;
  for (int i = 0; i < r.object->nodesetval->nodeNr; ++i) out.push_back(r.object->nodesetval->nodeTab[i]);
  return out;
}

// The text an xpath selects: the string value of a string result, else of the matched nodes.
std::optional<std::string> xpath_text(xmlDoc* doc, const std::string& expr, const char* rule,
                                      ExtractWarnings& warnings) {
  const auto r = evaluate(doc, expr);
  if (!r.valid) {
    warnings.push_back(std::string(rule) + " is not a valid XPath: " + expr);
    return std::nullopt;
  }
  std::string text;
  if (r.object->type == XPATH_STRING && r.object->stringval) {
    text = normalize_space(reinterpret_cast<const char*>(r.object->stringval));
  } else {
    for (xmlNode* n : nodes_of(r)) {
      const std::string t = n->type == XML_ATTRIBUTE_NODE ? dom::clean_text(n->children) : dom::clean_text(n);
      if (t.empty()) continue;
      if (!text.empty()) text += ' ';
      text += t;
    }
  }
  if (text.empty()) {
    warnings.push_back(std::string(rule) + " matched nothing: " + expr);
    return std::nullopt;
  }
  return text;
}

void apply_drop_xpaths(xmlDoc* doc, const std::vector<std::string>& exprs, ExtractWarnings& warnings) {
  for (const auto& expr : exprs) {
    const auto r = evaluate(doc, expr);
    if (!r.valid) {
      warnings.push_back("drop_xpath is not a valid XPath: " + expr);
      continue;
    }
    std::vector<xmlNode*> nodes;
    for (xmlNode* n : nodes_of(r)) {
      if (n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE) nodes.push_back(n);
    }
    if (nodes.empty()) {
      warnings.push_back("drop_xpath matched nothing: " + expr);
      continue;
    }
    // Unlink all first (a match may sit inside another match), then free each detached tree.
    for (xmlNode* n : nodes) xmlUnlinkNode(n);
    for (xmlNode* n : nodes) xmlFreeNode(n);
  }
}

void apply_drop_text(std::vector<Block>& blocks, const std::vector<Pattern>& patterns, ExtractWarnings& warnings) {
  // A drop_text rule that matches nothing is normal (the boilerplate may be absent): no warning.
  for (const auto& pattern : patterns) {
    if (!pattern.ok()) {
      warnings.push_back("drop_text is not a valid regex: " + pattern.source());
      continue;
    }
    std::erase_if(blocks,
                  [&](const Block& b) { return b.text.size() <= k_max_drop_text_block && pattern.search(b.text); });
  }
}

bool looks_like_fragment(std::string_view utf8) {
  const std::string head = ascii_lower(utf8.substr(0, 64 * 1024));
  return head.find("<html") == std::string::npos && head.find("<body") == std::string::npos &&
         head.find("<head") == std::string::npos;
}

}  // namespace

Result<Article> extract_document(std::string_view utf8, const std::string& url, const ExtractRules& rules,
                                 ExtractWarnings& warnings, const DocumentOptions& options) {
  // (The first 4 KiB decide for almost every page; normalizing a whole page just to test it is slow.)
  if (is_blank(utf8.substr(0, 4096)) && is_blank(utf8)) return make_error(Errc::invalid_input, "empty document");
  dom::DocPtr doc = dom::parse_html(utf8);
  if (!doc) return make_error(Errc::invalid_input, "no parsable HTML");

  apply_drop_xpaths(doc.get(), rules.drop_xpaths, warnings);

  Article article;
  const auto jsonld = find_jsonld_article(doc.get());
  extract_metadata(doc.get(), url, jsonld, article);
  if (!rules.headline_xpath.empty()) {
    if (auto h = xpath_text(doc.get(), rules.headline_xpath, "headline_xpath", warnings)) article.headline = *h;
  }
  if (!rules.byline_xpath.empty()) {
    if (auto b = xpath_text(doc.get(), rules.byline_xpath, "byline_xpath", warnings)) {
      std::string author = clean_author(*b);
      article.authors.clear();
      if (!author.empty()) article.authors.push_back(std::move(author));
    }
  }
  if (options.before_body) options.before_body(doc.get(), article);

  bool body_done = false;
  if (!rules.body_xpath.empty()) {
    const auto r = evaluate(doc.get(), rules.body_xpath);
    if (!r.valid) {
      warnings.push_back("body_xpath is not a valid XPath: " + rules.body_xpath);
    } else if (auto nodes = nodes_of(r); nodes.empty()) {
      warnings.push_back("body_xpath matched nothing: " + rules.body_xpath);
    } else {
      for (xmlNode* n : nodes) {
        if (n->type != XML_ELEMENT_NODE) continue;
        auto blocks = collect_blocks(n);
        article.blocks.insert(article.blocks.end(), blocks.begin(), blocks.end());
      }
      body_done = true;
    }
  }
  if (!body_done) {
    ContentHints hints;
    hints.headline = article.headline;
    hints.fragment = options.fragment;
    if (jsonld) hints.article_body = jsonld->article_body;
    article.blocks = extract_content(doc.get(), hints);
  }
  apply_drop_text(article.blocks, rules.drop_text, warnings);
  return article;
}

Result<Article> extract_page(const PageInput& page, const ExtractRules& rules, ExtractWarnings& warnings) {
  const std::string_view bytes = page.bytes.substr(0, k_max_page_bytes);
  if (bytes.size() < page.bytes.size())
    warnings.push_back("page cut at " + std::to_string(k_max_page_bytes) + " of " + std::to_string(page.bytes.size()) +
                       " bytes");
  const std::string utf8 = decode_to_utf8(bytes, page.content_type);
  DocumentOptions options;
  options.fragment = looks_like_fragment(utf8);
  return extract_document(utf8, page.url, rules, warnings, options);
}

Result<Article> extract_page(const PageInput& page, const ExtractRules& rules) {
  ExtractWarnings ignored;
  return extract_page(page, rules, ignored);
}

}  // namespace redline
