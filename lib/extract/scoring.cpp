#include "extract/scoring.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "util/text.hpp"

namespace redline {

namespace {

bool is_cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

// Fixed words, and whether a text contains one of them. The words are filed by their first byte,
// so that the text is read once instead of once per word.
class WordList {
 public:
  WordList(std::initializer_list<std::string_view> words) {
    for (std::string_view w : words)
      if (!w.empty()) m_by_first[static_cast<unsigned char>(w[0])].push_back(w);
  }
  bool found_in(std::string_view s) const {
    for (size_t i = 0; i < s.size(); ++i)
      for (std::string_view w : m_by_first[static_cast<unsigned char>(s[i])])
        if (s.substr(i, w.size()) == w) return true;
    return false;
  }

 private:
  std::array<std::vector<std::string_view>, 256> m_by_first;
};

// Words in class/id that mark boilerplate containers.
bool negative_hint(std::string_view s) {
  if (s.empty()) return false;
  static const WordList k_negative{
      "-ad-",       "hidden",    "banner",      "combx",         "comment",    "com-",      "contact",    "foot",
      "masthead",   "media",     "meta",        "outbrain",      "taboola",    "promo",     "related",    "scroll",
      "share",      "shoutbox",  "sidebar",     "skyscraper",    "sponsor",    "shopping",  "tags",       "tool",
      "widget",     "social",    "newsletter",  "subscribe",     "cookie",     "consent",   "popup",      "modal",
      "breadcrumb", "byline",    "author-bio",  "recommend",     "trending",   "popular",   "most-read",  "mostread",
      "teaser",     "advert",    "kommentar",   "teilen",        "verwandt",   "empfehl",   "weitere",    "werbung",
      "anzeige",    "partage",   "commentaire", "relacionad",    "comentario", "compartir", "correlat",   "gerelateerd",
      "reacties",   "xiangguan", "tuijian",     "pinglun",       "ticker",     "navbar",    "pagination", "pager",
      "copyright",  "login",     "signup",      "caption-credit"};
  return k_negative.found_in(s) || s == "hid" || s.starts_with("hid ") || s.ends_with(" hid") ||
         s.find(" hid ") != std::string_view::npos || s.starts_with("ad ") ||
         s.find(" ad ") != std::string_view::npos || s.starts_with("ads") || s.find(" ads") != std::string_view::npos;
}

bool positive_hint(std::string_view s) {
  if (s.empty()) return false;
  static const WordList k_positive{"article", "body",      "content",  "entry", "hentry",   "h-entry", "main",
                                   "page",    "post",      "text",     "blog",  "story",    "artikel", "inhalt",
                                   "contenu", "contenido", "conteudo", "testo", "zhengwen", "neirong"};
  return k_positive.found_in(s);
}

size_t ascii_weight(unsigned char b) { return b != ' ' && b != '\n' && b != '\t' && b != '\r'; }

// 1 in each byte of `w` equal to `byte`, else 0 (exact: no false positives from borrows).
uint64_t bytes_equal(uint64_t w, unsigned char byte) {
  constexpr uint64_t k_low7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = w ^ (0x0101010101010101ULL * byte);
  return (~(((x & k_low7) + k_low7) | x | k_low7)) >> 7;
}

// ascii_weight summed over 8 ASCII bytes (no popcount: the baseline x86-64 has none).
size_t ascii_weight8(uint64_t w) {
  const uint64_t spaces = bytes_equal(w, ' ') + bytes_equal(w, '\n') + bytes_equal(w, '\t') + bytes_equal(w, '\r');
  return 8 - static_cast<size_t>((spaces * 0x0101010101010101ULL) >> 56);
}

}  // namespace

size_t text_weight(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    // Most text is ASCII: eight bytes at a time, no decoding.
    for (uint64_t w; i + 8 <= s.size(); i += 8) {
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) break;
      n += ascii_weight8(w);
    }
    if (i == s.size()) break;
    if (const auto b = static_cast<unsigned char>(s[i]); b < 0x80) {
      n += ascii_weight(b);
      ++i;
      continue;
    }
    const char32_t c = next_code_point(s, i);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x3000) continue;
    n += is_cjk(c) ? 2 : 1;
  }
  return n;
}

namespace {

// text_weight of a NUL-terminated string.
size_t c_text_weight(const char* s) { return text_weight(s); }

}  // namespace

size_t subtree_weight(const xmlNode* node) {
  size_t n = 0;
  dom::for_each_text(node, [&](const char* text) { n += c_text_weight(text); });
  return n;
}

size_t subtree_clean_weight(const xmlNode* node) {
  size_t n = 0;
  dom::for_each_text(node, [&](std::string_view text) {
    // text_weight(normalize_space(text)): the code points normalize_space keeps, weighed.
    for (size_t i = 0; i < text.size();) {
      if (const auto b = static_cast<unsigned char>(text[i]); b < 0x80) {
        n += !is_unicode_space(b);
        ++i;
        continue;
      }
      const char32_t c = next_code_point(text, i);
      if (!is_invisible(c) && !is_unicode_space(c)) n += is_cjk(c) ? 2 : 1;
    }
  });
  return n;
}

size_t subtree_commas(const xmlNode* node) {
  size_t n = 0;
  dom::for_each_text(node, [&](const char* text) { n += count_commas(text); });
  return n;
}

size_t count_commas(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII: no decoding
      n += s[i++] == ',';
      continue;
    }
    const char32_t c = next_code_point(s, i);
    n += c == ',' || c == 0x060C || c == 0xFE50 || c == 0xFE10 || c == 0xFE11 || c == 0x2E41 || c == 0x2E34 ||
         c == 0x2E32 || c == 0xFF0C || c == 0x3001;
  }
  return n;
}

namespace {

bool is_fragment_link(const xmlNode* a) {
  const std::string href = dom::attr(a, "href");
  return href.size() > 1 && href[0] == '#';
}

}  // namespace

double link_density(xmlNode* node) {
  const size_t total = subtree_weight(node);
  if (total == 0) return 0;
  double links = 0;
  xmlNode* n = node->children;
  while (n) {
    if (!dom::has_name(n, "a")) {
      n = dom::next_node(n, node);
      continue;
    }
    const double coefficient = is_fragment_link(n) ? 0.3 : 1.0;
    links += coefficient * static_cast<double>(subtree_weight(n));
    n = dom::next_node(n, node, true);
  }
  return std::min(1.0, links / static_cast<double>(total));
}

LinkDensities::LinkDensities(xmlNode* root) {
  // Post-order: an element's weights are complete when the walk leaves it, and go to its parent.
  // Index 0 stays unused, so that a null `_private` means "not weighed".
  m_weights.emplace_back();
  auto index = [](const xmlNode* n) { return reinterpret_cast<uintptr_t>(n->_private); };
  auto leave = [&](xmlNode* n) {
    if (n == root || !dom::is_element(n)) return;
    const Weights& w = m_weights[index(n)];
    Weights& parent = m_weights[index(n->parent)];
    parent.text += w.text;
    if (dom::has_name(n, "a")) {
      parent.links += w.text;
      parent.fragment = parent.fragment || is_fragment_link(n);
    } else {
      parent.links += w.links;
      parent.fragment = parent.fragment || w.fragment;
    }
  };
  xmlNode* n = root;
  while (n) {
    if (dom::is_element(n)) {
      n->_private = reinterpret_cast<void*>(static_cast<uintptr_t>(m_weights.size()));
      m_weights.emplace_back();
      if (n->children) {
        n = n->children;
        continue;
      }
    } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content && n != root) {
      m_weights[index(n->parent)].text += c_text_weight(reinterpret_cast<const char*>(n->content));
    }
    // `n` has no children left to visit: leave it and every ancestor whose last child it is.
    while (n && n != root && !n->next) {
      leave(n);
      n = n->parent;
    }
    if (!n || n == root) break;
    leave(n);
    n = n->next;
  }
}

double LinkDensities::of(xmlNode* node) const {
  const auto i = reinterpret_cast<uintptr_t>(node->_private);
  if (i == 0 || i >= m_weights.size() || !dom::is_element(node)) return link_density(node);
  const Weights& w = m_weights[i];
  // A sum of fragment links' 30 % shares depends on the order of the additions: only
  // link_density() gets it exactly the same.
  if (w.fragment) return link_density(node);
  if (w.text == 0) return 0;
  return std::min(1.0, static_cast<double>(w.links) / static_cast<double>(w.text));
}

double class_hint_weight(const xmlNode* node) {
  double w = 0;
  for (const char* key : {"class", "id"}) {
    const std::string v = ascii_lower(dom::attr(node, key));
    if (v.empty()) continue;
    if (negative_hint(v)) w -= 25;
    if (positive_hint(v)) w += 25;
  }
  return w;
}

bool is_unlikely_candidate(const std::string& hints) {
  if (hints.size() <= 1) return false;
  static const WordList k_unlikely{
      "-ad-",         "ai2html",   "banner",  "breadcrumb", "combx",    "comment",     "community",  "cover-wrap",
      "disqus",       "extra",     "footer",  "gdpr",       "header",   "legends",     "menu",       "related",
      "remark",       "replies",   "rss",     "shoutbox",   "sidebar",  "skyscraper",  "social",     "sponsor",
      "supplemental", "ad-break",  "agegate", "pagination", "pager",    "popup",       "yom-remote", "newsletter",
      "cookie",       "consent",   "share",   "sharing",    "outbrain", "taboola",     "most-read",  "mostread",
      "recommend",    "trending",  "ticker",  "kommentar",  "verwandt", "commentaire", "comentario", "relacionad",
      "navbar",       "subscribe", "promo"};
  const bool unlikely = k_unlikely.found_in(hints);
  if (!unlikely) return false;
  static const WordList k_maybe_content{"and", "article", "body", "column", "content", "main", "shadow"};
  return !k_maybe_content.found_in(hints);
}

bool is_consent_banner(const std::string& hints) {
  if (hints.size() <= 1) return false;
  static const WordList k_banner{"cookie",         "consent",         "gdpr",
                                 "cmplz",          "cc-window",       "cc-banner",
                                 "browser-update", "browserupgrade",  "outdated-browser",
                                 "old-browser",    "browser-outdated"};
  return k_banner.found_in(hints);
}

bool has_unlikely_role(const xmlNode* node) {
  const std::string role = ascii_lower(dom::attr(node, "role"));
  return role == "menu" || role == "menubar" || role == "complementary" || role == "navigation" || role == "alert" ||
         role == "alertdialog" || role == "dialog" || role == "banner" || role == "contentinfo";
}

bool looks_like_byline(const xmlNode* node, const std::string& hints) {
  if (ascii_lower(dom::attr(node, "rel")) == "author") return true;
  if (ascii_lower(dom::attr(node, "itemprop")).find("author") != std::string::npos) return true;
  static const WordList k_byline{"byline", "author", "dateline", "writtenby", "p-author"};
  return k_byline.found_in(hints);
}

bool is_author_box(const std::string& hints) {
  if (hints.size() <= 1) return false;
  static const WordList k_author_box{
      "author-bio",   "authorbio",    "author_bio",         "author-box",       "authorbox",      "author_box",
      "author__box",  "authorbox",    "about-author",       "about-the-author", "aboutauthor",    "author-info",
      "authorinfo",   "author_info",  "author-description", "author-card",      "post-author",    "saboxplugin",
      "autorbox",     "autorenbox",   "autor-box",          "author-wrap",      "author-details", "author-profile",
      "author-about", "author-bottom"};
  return k_author_box.found_in(hints);
}

bool is_caption_box(const std::string& hints) {
  // The class only (before the last space): ids are often slugs of the text ("…-grundlegende-…").
  const size_t end = hints.rfind(' ');
  if (end == 0 || end == std::string::npos) return false;
  static const WordList k_caption{"caption",         "credit",           "imagedescription", "image-description",
                                  "img_description", "bildunterschrift", "copyright"};
  return k_caption.found_in(std::string_view(hints).substr(0, end));
}

bool is_disclosure_box(const std::string& hints) {
  if (hints.size() <= 1) return false;
  static const WordList k_disclosure{"disclosure", "disclaimer", "-discl", "affiliate-text", "affiliate-notice"};
  return k_disclosure.found_in(hints);
}

bool is_share_box(const std::string& hints) {
  static const WordList k_share{"share", "sharedaddy", "social", "teilen", "partage", "compartir"};
  return k_share.found_in(hints);
}

bool is_body_marker(const xmlNode* node) {
  if (ascii_lower(dom::attr(node, "itemprop")) == "articlebody") return true;
  const std::string_view tag = dom::name(node);
  if (tag != "div" && tag != "section" && tag != "article" && tag != "main" && tag != "td") return false;
  const std::string hints = dom::class_and_id(node);
  if (hints.size() <= 1) return false;
  static const WordList k_body{
      "entry-content", "entry_content",   "entrycontent",    "article-body",     "article_body",     "articlebody",
      "article__body", "article-content", "article_content", "articlecontent",   "article__content", "post-content",
      "post_content",  "postcontent",     "post-body",       "post_body",        "postbody",         "post-entry",
      "entry-body",    "story-body",      "storybody",       "story-content",    "storycontent",     "article-text",
      "articletext",   "article__text",   "field-name-body", "field--name-body", "body-text",        "bodytext",
      "text-content",  "content-body",    "main-text",       "rich-text",        "single-content",   "td-post-content",
      "news-content",  "newscontent",     "blog-content",    "content-article",  "artikeltext",      "article-main",
      "articlemain",   "news-text",       "newstext",        "detail-content",   "page-content"};
  return k_body.found_in(hints);
}

bool has_lead_hint(const xmlNode* node) {
  const std::string hints = dom::class_and_id(node);
  if (hints.size() <= 1) return false;
  static const WordList k_lead{"intro",    "lead",    "teaser", "standfirst", "summary",     "excerpt",
                               "subtitle", "subline", "deck",   "chapo",      "kicker",      "abstract",
                               "vorspann", "perex",   "bajada", "entradilla", "subheadline", "description"};
  return k_lead.found_in(hints);
}

bool ends_sentence(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\'' || text.back() == ')'))
    text.remove_suffix(1);
  if (text.empty()) return false;
  const char last = text.back();
  if (last == '.' || last == '!' || last == '?') return true;
  return text.ends_with("。") || text.ends_with("！") || text.ends_with("？") || text.ends_with("”") ||
         text.ends_with("」");
}

bool is_data_table(xmlNode* table) {
  const std::string role = ascii_lower(dom::attr(table, "role"));
  if (role == "presentation") return false;
  for (xmlNode* n = table->children; n; n = dom::next_node(n, table)) {
    const std::string_view tag = dom::name(n);
    if (tag == "table" || tag == "p" || tag == "div" || tag == "ul" || tag == "ol" || tag == "blockquote" ||
        tag == "h1" || tag == "h2" || tag == "h3" || tag == "article" || tag == "section")
      return false;
  }
  return true;
}

}  // namespace redline
