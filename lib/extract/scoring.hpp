// Signals for main-content scoring: text weight, commas, link density and class/id hints (English
// plus German, French, Spanish, Portuguese, Italian, Dutch and Chinese words). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/dom.hpp"

namespace redline {

// Text length in "Latin characters": code points, with CJK ideographs/kana/hangul counted twice
// (one of them carries about as much text as two letters). Whitespace is not counted.
size_t text_weight(std::string_view utf8);

// text_weight(dom::text_content(node)), without building the text.
size_t subtree_weight(const xmlNode* node);

// text_weight(dom::clean_text(node)) (what normalize_space keeps: no invisible characters), without
// building the text.
size_t subtree_clean_weight(const xmlNode* node);

// Commas, including the ideographic and full-width ones (、，) and Arabic comma.
size_t count_commas(std::string_view utf8);
// count_commas(dom::text_content(node)), without building the text.
size_t subtree_commas(const xmlNode* node);

// Share of the text below `node` that sits inside links (fragment links count 30 %).
double link_density(xmlNode* node);

// link_density() of many elements of one tree (nested candidates for the article), from one walk
// that weighs every element below `root` instead of a walk per element. Keeps an index in each
// element's `_private`; valid while the tree below `root` does not change.
class LinkDensities {
 public:
  explicit LinkDensities(xmlNode* root);
  // Equal to link_density(node) for an element below `root`.
  double of(xmlNode* node) const;

 private:
  struct Weights {
    size_t text = 0;        // subtree_weight()
    size_t links = 0;       // subtree_weight() of the outermost links below (the element excluded)
    bool fragment = false;  // one of those links is a fragment link: its share is not a whole number
  };
  std::vector<Weights> m_weights;
};

// ±25 for each of class and id that reads like content / boilerplate.
double class_hint_weight(const xmlNode* node);

// class/id that marks navigation, comments, sidebars, ads, … and nothing that reads like content.
bool is_unlikely_candidate(const std::string& class_and_id);
// Cookie/consent banners and "your browser is outdated" notices: never content, whatever the pass's
// flags (a short article must not lose to the banner in a looser pass).
bool is_consent_banner(const std::string& class_and_id);
// role=navigation|menu|complementary|dialog|alert…
bool has_unlikely_role(const xmlNode* node);
// rel=author, itemprop=author or class/id byline|author|dateline.
bool looks_like_byline(const xmlNode* node, const std::string& class_and_id);
// The box tests below take an element's dom::class_and_id() (lower-case "class id"), which the
// caller computes once for all of them.
// An "about the author" box (author-bio, author-box, about-author, post-author, …): the byline's
// long form, not article text.
bool is_author_box(const std::string& class_and_id);
// An image caption or credit outside <figcaption> (class wp-caption-text, media__caption, credits,
// imagedescription, copyright; the class only): like a figcaption, not body text.
bool is_caption_box(const std::string& class_and_id);
// An advertising/affiliate disclosure or a disclaimer (class/id disclosure, disclaimer, …): about
// the page, not the article.
bool is_disclosure_box(const std::string& class_and_id);
// Share/social bars.
bool is_share_box(const std::string& class_and_id);

// itemprop=articleBody or a class/id that CMSs use for the article text (entry-content,
// article-body, post-content, story-body, …).
bool is_body_marker(const xmlNode* node);

// class/id of a lead or standfirst: intro, lead, teaser, standfirst, summary, excerpt, subtitle,
// abstract, chapo, perex, bajada, description, …
bool has_lead_hint(const xmlNode* node);

// Ends with sentence punctuation (. ! ? 。！？ and closing quotes after them).
bool ends_sentence(std::string_view text);

// A <table> with data (no nested tables or block content) rather than layout.
bool is_data_table(xmlNode* table);

}  // namespace redline
