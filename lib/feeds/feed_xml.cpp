#include "feeds/feed_xml.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <vector>

#include "extract/charset.hpp"
#include "util/html.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline::feed_xml {

namespace {

struct NamespacePrefix {
  std::string_view uri;
  std::string_view prefix;
};

constexpr std::array<NamespacePrefix, 16> k_namespaces{{
    {"http://www.w3.org/2005/Atom", "atom"},
    {"http://purl.org/atom/ns#", "atom"},
    {"http://purl.org/rss/1.0/modules/content/", "content"},
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://purl.org/dc/terms/", "dcterms"},
    {"http://purl.org/rss/1.0/", ""},
    {"http://my.netscape.com/rdf/simple/0.9/", ""},
    {"http://backend.userland.com/rss2", ""},
    {"http://www.sitemaps.org/schemas/sitemap/0.9", ""},
    {"http://www.google.com/schemas/sitemap/0.84", ""},
    {"http://www.google.com/schemas/sitemap/0.9", ""},
    {"http://www.google.com/schemas/sitemap-news/0.9", "news"},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
    {"http://www.w3.org/1999/xhtml", "xhtml"},
    {"http://search.yahoo.com/mrss/", "media"},
    {"http://www.google.com/schemas/sitemap-image/1.1", "image"},
}};

const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; }

// The encoding="…" of an XML declaration at the start of ASCII-compatible bytes, lower-case.
std::string declared_encoding(std::string_view bytes) {
  if (!bytes.starts_with("<?xml")) return {};
  const std::string decl = ascii_lower(bytes.substr(0, std::min<size_t>(bytes.find("?>"), 200)));
  const size_t pos = decl.find("encoding");
  if (pos == std::string::npos) return {};
  size_t start = decl.find_first_of("\"'", pos);
  if (start == std::string::npos) return {};
  const size_t end = decl.find(decl[start], start + 1);
  if (end == std::string::npos) return {};
  return std::string(trim(std::string_view(decl).substr(start + 1, end - start - 1)));
}

// Appends the numeric reference for `&name;` when it names an XML or HTML entity; false otherwise.
bool append_named_entity(std::string& out, std::string_view name) {
  unsigned code = 0;
  if (name == "amp")
    code = '&';
  else if (name == "lt")
    code = '<';
  else if (name == "gt")
    code = '>';
  else if (name == "quot")
    code = '"';
  else if (name == "apos")
    code = '\'';
  else if (const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(std::string(name).c_str())))
    code = e->value;
  else
    return false;
  out += "&#" + std::to_string(code) + ";";
  return true;
}

// Length of a valid "&#123;" / "&#x1F;" reference at the start of `s`, or 0.
size_t numeric_reference_length(std::string_view s) {
  size_t i = 2;
  const bool hex = s.size() > i && (s[i] == 'x' || s[i] == 'X');
  if (hex) ++i;
  const size_t digits_start = i;
  while (i < s.size() && i < 12 &&
         (hex ? std::isxdigit(static_cast<unsigned char>(s[i])) : std::isdigit(static_cast<unsigned char>(s[i]))))
    ++i;
  if (i == digits_start || i >= s.size() || s[i] != ';') return 0;
  return i + 1;
}

void ignore_error(void*, xmlError*) {}

// Decodes HTML character references (named, decimal, hexadecimal); anything else stays as it is.
std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t amp = s.find('&', i);
    out.append(s.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i));
    if (amp == std::string_view::npos) break;
    i = amp;
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 40) {
      out += '&';
      ++i;
      continue;
    }
    const std::string name(s.substr(i + 1, semi - i - 1));
    char32_t code = 0;
    if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string digits = name.substr(hex ? 2 : 1);
      if (!digits.empty() && digits.size() <= 8 &&
          digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos)
        code = html_character_reference(std::stoul(digits, nullptr, hex ? 16 : 10));
    } else if (name == "apos") {
      code = '\'';
    } else if (const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str()))) {
      code = e->value;
    }
    if (code == 0) {
      out += '&';
      ++i;
      continue;
    }
    append_utf8(out, code);
    i = semi + 1;
  }
  return out;
}

// Character data (or the attributes of a tag): entity references made safe, '<' escaped.
void repair_text(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      out += "&#60;";
      ++i;
      continue;
    }
    if (c != '&') {
      const size_t next = std::min(s.find_first_of("<&", i), s.size());
      out.append(s.substr(i, next - i));
      i = next;
      continue;
    }
    if (s.compare(i, 2, "&#") == 0) {
      if (const size_t n = numeric_reference_length(s.substr(i)); n > 0) {
        // Rewritten as HTML reads it: the XML parser would refuse a surrogate and keep &#150; a C1 control.
        const bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
        const std::string digits(s.substr(i + (hex ? 3 : 2), n - (hex ? 4 : 3)));
        out += "&#" + std::to_string(html_character_reference(std::stoul(digits, nullptr, hex ? 16 : 10))) + ";";
        i += n;
        continue;
      }
    } else {
      size_t end = i + 1;
      while (end < s.size() && end - i < 40 && std::isalnum(static_cast<unsigned char>(s[end]))) ++end;
      if (end < s.size() && s[end] == ';' && end > i + 1 && append_named_entity(out, s.substr(i + 1, end - i - 1))) {
        i = end + 1;
        continue;
      }
    }
    out += "&#38;";
    ++i;
  }
}

// The position of the '>' that ends the start tag at the beginning of `s` (quotes respected).
size_t tag_end(std::string_view s) {
  char quote = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (quote) {
      if (s[i] == quote) quote = 0;
    } else if (s[i] == '"' || s[i] == '\'') {
      quote = s[i];
    } else if (s[i] == '>') {
      return i;
    } else if (s[i] == '<') {
      return std::string_view::npos;  // an unterminated tag runs into the next one
    }
  }
  return std::string_view::npos;
}

// Elements searched for a matching start tag when an end tag does not close the innermost one.
constexpr size_t k_max_unwind = 64;

// An end tag closes the innermost open element of that name, and every element opened inside it
// (unclosed HTML in an RSS description); an end tag that matches nothing open is dropped.
void close_element(std::string& out, std::vector<std::string>& open, std::string_view name) {
  const size_t limit = std::min(open.size(), k_max_unwind);
  for (size_t k = 1; k <= limit; ++k) {
    if (open[open.size() - k] != name) continue;
    for (size_t j = 0; j < k; ++j) {
      out += "</" + open.back() + ">";
      open.pop_back();
    }
    return;
  }
}

}  // namespace

namespace {

// The encoding that the first bytes of an XML document show (XML 1.0 appendix F): a byte-order mark, or
// the zero bytes around the "<" that UTF-16 and UTF-32 put there without one. Empty for ASCII-compatible
// text. UTF-32LE's mark begins with UTF-16LE's, so the four-byte forms are tested first.
std::string encoding_from_first_bytes(std::string_view b) {
  using namespace std::string_view_literals;
  if (b.starts_with("\xEF\xBB\xBF")) return "utf-8";
  if (b.starts_with("\xFF\xFE\0\0"sv) || b.starts_with("<\0\0\0"sv)) return "utf-32le";
  if (b.starts_with("\0\0\xFE\xFF"sv) || b.starts_with("\0\0\0<"sv)) return "utf-32be";
  if (b.starts_with("\xFF\xFE") || b.starts_with("<\0"sv)) return "utf-16le";
  if (b.starts_with("\xFE\xFF") || b.starts_with("\0<"sv)) return "utf-16be";
  return {};
}

}  // namespace

std::string decode(std::string_view bytes, std::string_view content_type) {
  std::string label = encoding_from_first_bytes(bytes);
  if (label.empty()) {
    label = declared_encoding(bytes);
    if (label.empty()) label = charset_from_content_type(content_type);
    if (label.empty() || label.starts_with("utf-16")) label = "utf-8";  // a UTF-16 label on ASCII bytes lies
  }
  auto converted = convert_to_utf8(bytes, label);
  std::string text = converted ? std::move(*converted) : make_valid_utf8(bytes);
  if (std::string_view(text).starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return text;
}

std::string repair(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  std::vector<std::string> open;  // element names, innermost last
  size_t i = 0;
  const auto copy_until = [&](std::string_view terminator) {
    const size_t end = s.find(terminator, i);
    const size_t stop = end == std::string_view::npos ? s.size() : end + terminator.size();
    out.append(s.substr(i, stop - i));
    i = stop;
  };
  while (i < s.size()) {
    const size_t lt = s.find('<', i);
    repair_text(out, s.substr(i, lt == std::string_view::npos ? std::string_view::npos : lt - i));
    if (lt == std::string_view::npos) break;
    i = lt;
    const std::string_view rest = s.substr(i);
    if (rest.starts_with("<![CDATA[")) {
      copy_until("]]>");
    } else if (rest.starts_with("<!--")) {
      copy_until("-->");
    } else if (rest.starts_with("<?")) {
      copy_until("?>");
    } else if (rest.starts_with("<!")) {  // DOCTYPE, with or without an internal subset
      const size_t bracket = rest.find('[');
      copy_until(bracket != std::string_view::npos && bracket < rest.find('>') ? "]>" : ">");
    } else if (rest.starts_with("</")) {
      const size_t gt = rest.find('>');
      if (gt == std::string_view::npos) break;  // a cut-off end tag
      close_element(out, open, trim(rest.substr(2, gt - 2)));
      i += gt + 1;
    } else if (rest.size() > 1 && is_name_start(static_cast<unsigned char>(rest[1]))) {
      const size_t gt = tag_end(rest);
      if (gt == std::string_view::npos) break;  // a cut-off start tag
      size_t name_end = 1;
      while (name_end < gt && !std::isspace(static_cast<unsigned char>(rest[name_end])) && rest[name_end] != '/')
        ++name_end;
      const bool empty = rest[gt - 1] == '/';
      out += '<';
      out.append(rest.substr(1, name_end - 1));
      repair_text(out, rest.substr(name_end, gt - name_end));
      out += '>';
      if (!empty) open.emplace_back(rest.substr(1, name_end - 1));
      i += gt + 1;
    } else {
      out += "&#60;";
      ++i;
    }
  }
  while (!open.empty()) {
    out += "</" + open.back() + ">";
    open.pop_back();
  }
  return out;
}

dom::DocPtr parse(std::string_view utf8, const std::string& url) {
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
  if (!ctxt) return nullptr;
  ctxt->sax->serror = &ignore_error;
  const int options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                      XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT;
  dom::DocPtr doc(xmlCtxtReadMemory(ctxt.get(), utf8.data(), static_cast<int>(utf8.size()),
                                    url.empty() ? nullptr : url.c_str(), "UTF-8", options));
  if (doc && !xmlDocGetRootElement(doc.get())) doc.reset();
  return doc;
}

std::string qname(const xmlNode* node) {
  if (!node || node->type != XML_ELEMENT_NODE) return {};
  std::string local = ascii_lower(chars(node->name));
  if (!node->ns) return local;
  const std::string_view uri = node->ns->href ? chars(node->ns->href) : "";
  for (const auto& ns : k_namespaces) {
    if (ns.uri == uri) return ns.prefix.empty() ? local : std::string(ns.prefix) + ":" + local;
  }
  if (node->ns->prefix) return ascii_lower(chars(node->ns->prefix)) + ":" + local;
  return local;
}

std::string inner_xml(xmlDoc* doc, xmlNode* node) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer(xmlBufferCreate(), &xmlBufferFree);
  if (!buffer || !node) return {};
  for (xmlNode* c = node->children; c; c = c->next) xmlNodeDump(buffer.get(), doc, c, 0, 0);
  return std::string(chars(xmlBufferContent(buffer.get())), static_cast<size_t>(xmlBufferLength(buffer.get())));
}

std::string base_url(xmlDoc* doc, const xmlNode* node) {
  xmlChar* base = xmlNodeGetBase(doc, node);
  if (!base) return doc && doc->URL ? chars(doc->URL) : "";
  std::string out(chars(base));
  xmlFree(base);
  return out;
}

std::string html_to_text(std::string_view html) {
  if (html.find('<') == std::string_view::npos) return normalize_space(decode_entities(html));
  // Markup: let the HTML parser drop the tags (rare in titles, and costlier than the entity path).
  const std::string wrapped = "<div>" + std::string(html) + "</div>";
  dom::DocPtr doc = dom::parse_html(wrapped);
  if (!doc) return normalize_space(html);
  return dom::clean_text(dom::root_element(doc.get()));
}

std::string text_to_html(std::string_view text) {
  // Paragraphs are separated by blank lines; single line breaks become spaces.
  std::string plain;
  plain.reserve(text.size());
  size_t newlines = 0;
  for (char c : text) {
    if (c == '\n') {
      ++newlines;
      continue;
    }
    if (newlines >= 2) plain += '\f';
    if (newlines == 1) plain += ' ';
    newlines = 0;
    if (c != '\r') plain += c;
  }
  std::string out = "<p>";
  for (const char c : escape_html(plain)) {
    if (c == '\f')
      out += "</p><p>";
    else
      out += c;
  }
  return out + "</p>";
}

}  // namespace redline::feed_xml
