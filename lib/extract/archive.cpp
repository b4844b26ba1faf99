#include "extract/archive.hpp"

#include <charconv>

#include "extract/charset.hpp"
#include "extract/document.hpp"
#include "extract/metadata.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

// Splits off the next line (without "\r\n" / "\n").
std::string_view next_line(std::string_view& text) {
  const size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

std::string_view skip_bom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

// The header <div><i>author<br>date</i></div>: its first element child is an <i> holding a <br>.
xmlNode* find_header_div(xmlNode* body) {
  int seen = 0;
  for (xmlNode* n = body ? body->children : nullptr; n && seen < 3; n = n->next) {
    if (!dom::is_element(n)) continue;
    ++seen;
    if (!dom::has_name(n, "div")) continue;
    xmlNode* first = n->children;
    while (first && !dom::is_element(first) && is_blank(dom::text_content(first))) first = first->next;
    if (!dom::has_name(first, "i")) continue;
    if (dom::find_first(first, "br")) return n;
  }
  return nullptr;
}

void read_header(xmlDoc* doc, Article& article) {
  xmlNode* root = dom::root_element(doc);
  xmlNode* body = dom::find_first(root, "body");
  xmlNode* header = find_header_div(body);
  article.authors.clear();
  article.published.reset();
  if (!header) return;
  xmlNode* italic = dom::find_first(header, "i");
  std::string before, after;
  bool past_br = false;
  for (xmlNode* c = italic->children; c; c = c->next) {
    if (dom::has_name(c, "br")) {
      past_br = true;
      continue;
    }
    (past_br ? after : before) += dom::text_content(c);
  }
  if (std::string author = clean_author(before); !author.empty()) article.authors.push_back(std::move(author));
  article.published = parse_meta_date(after);
  dom::remove(header);
}

}  // namespace

bool looks_like_archive(std::string_view text) {
  text = skip_bom(text);
  if (!text.starts_with("<!--")) return false;
  size_t i = 4;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  return digits > 0 && text.substr(i).starts_with("-->");
}

Result<ArchiveCapture> parse_archive(std::string_view text) {
  if (!looks_like_archive(text)) return make_error(Errc::invalid_input, "not a feed-archive capture");
  text = skip_bom(text);
  std::string_view first = next_line(text);
  const size_t end = first.find("-->");
  long long ms = 0;
  const auto [ptr, ec] = std::from_chars(first.data() + 4, first.data() + end, ms);
  // Milliseconds since 1970 up to the end of year 9999; more would overflow a Timestamp.
  constexpr long long k_max_ms = 253402300799999;
  if (ec != std::errc{} || ptr != first.data() + end || ms > k_max_ms)
    return make_error(Errc::invalid_input, "bad capture time \"" + std::string(first.substr(4, end - 4)) +
                                               "\": expected milliseconds since 1970 (13 digits today)");
  ArchiveCapture capture;
  capture.captured_at = from_epoch_ms(ms);

  std::string_view link;
  while (!text.empty() && (link = trim(next_line(text))).empty()) {
  }
  const size_t mid = link.rfind("](");
  if (!link.starts_with("[") || mid == std::string_view::npos || !link.ends_with(")"))
    return make_error(Errc::invalid_input, "missing [headline](url) line");
  capture.headline = normalize_space(link.substr(1, mid - 1));
  capture.url = std::string(trim(link.substr(mid + 2, link.size() - mid - 3)));

  std::string_view dashes;
  while (!text.empty() && (dashes = trim(next_line(text))).empty()) {
  }
  if (dashes.empty() || dashes.find_first_not_of('-') != std::string_view::npos)
    return make_error(Errc::invalid_input, "missing line of dashes after the headline");
  capture.html = std::string(trim(text));
  return capture;
}

Result<Article> extract_archive(const ArchiveCapture& capture, const ExtractRules& rules, ExtractWarnings& warnings) {
  DocumentOptions options;
  options.fragment = true;
  options.before_body = [](xmlDoc* doc, Article& article) { read_header(doc, article); };
  const std::string html = decode_to_utf8(capture.html, "text/html; charset=utf-8");
  const std::string_view input = is_blank(html) ? std::string_view("<div></div>") : std::string_view(html);
  auto article = extract_document(input, capture.url, rules, warnings, options);
  if (!article) article = Article{};  // a body with no HTML at all: the capture still has a headline
  if (rules.headline_xpath.empty()) article->headline = capture.headline;
  article->canonical_url = capture.url;
  return article;
}

Result<Article> extract_archive(const ArchiveCapture& capture, const ExtractRules& rules) {
  ExtractWarnings ignored;
  return extract_archive(capture, rules, ignored);
}

}  // namespace redline
