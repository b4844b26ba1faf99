#include "feeds/feed_parser.hpp"

#include <algorithm>

#include "feeds/feed_date.hpp"
#include "feeds/feed_xml.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

using dom::attr;
using dom::clean_text;
using feed_xml::qname;

// Element children of `node`, in order.
template <typename Fn>
void each_child(xmlNode* node, Fn&& fn) {
  for (xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) fn(c, qname(c));
}

xmlNode* first_child(xmlNode* node, std::string_view name) {
  for (xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && qname(c) == name) return c;
  return nullptr;
}

std::string resolve(xmlDoc* doc, const xmlNode* node, std::string_view ref) {
  const std::string_view href = trim(ref);
  if (href.empty()) return {};
  const std::string base = feed_xml::base_url(doc, node);
  return base.empty() ? std::string(href) : resolve_url(base, href);
}

bool looks_like_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

void add_author(std::vector<std::string>& authors, std::string name) {
  name = normalize_space(name);
  if (!name.empty() && std::find(authors.begin(), authors.end(), name) == authors.end())
    authors.push_back(std::move(name));
}

// RSS <author> is an e-mail address, often "jane@example.com (Jane Doe)"; keep the name.
std::string rss_author_name(std::string text) {
  text = normalize_space(text);
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (text.find('@') != std::string::npos && open != std::string::npos && close != std::string::npos && close > open)
    return normalize_space(text.substr(open + 1, close - open - 1));
  return text;
}

// The fallback id of an item with neither id nor link: a digest of what it says.
std::string content_id(const FeedItem& item) { return "sha256:" + sha256_hex(item.title + "\n" + item.summary); }

void finish_item(FeedItem& item, std::string guid) {
  item.id = normalize_space(guid);
  if (item.id.empty()) item.id = item.link;
  if (item.id.empty()) item.id = content_id(item);
}

// Atom text constructs (title, summary, content): type="text" (default), "html" or "xhtml".
std::string atom_html(xmlDoc* doc, xmlNode* node) {
  const std::string type = ascii_lower(attr(node, "type"));
  if (type == "xhtml" || type == "application/xhtml+xml") {
    xmlNode* div = first_child(node, "xhtml:div");
    return std::string(trim(feed_xml::inner_xml(doc, div ? div : node)));
  }
  if (type == "html" || type == "text/html" || attr(node, "mode") == "escaped")
    return std::string(trim(dom::text_content(node)));
  if (type.empty() || type == "text" || type == "text/plain")
    return feed_xml::text_to_html(trim(dom::text_content(node)));
  return {};  // some other media type (base64 etc.): not article text
}

std::string atom_text(xmlDoc* doc, xmlNode* node) {
  const std::string type = ascii_lower(attr(node, "type"));
  if (type == "html" || type == "xhtml" || type == "text/html") return feed_xml::html_to_text(atom_html(doc, node));
  return clean_text(node);
}

// An Atom <link> that points at the entry's page: rel absent or "alternate", HTML preferred.
void take_atom_link(xmlDoc* doc, xmlNode* link, std::string& out, bool& out_is_html) {
  const std::string rel = attr(link, "rel");
  if (!rel.empty() && rel != "alternate") return;
  const std::string type = ascii_lower(attr(link, "type"));
  const bool is_html = type.empty() || type == "text/html" || type == "application/xhtml+xml";
  if (!out.empty() && (out_is_html || !is_html)) return;
  out = resolve(doc, link, attr(link, "href"));
  out_is_html = is_html;
}

void read_atom_author(xmlNode* author, std::vector<std::string>& authors) {
  if (xmlNode* name = first_child(author, "atom:name"))
    add_author(authors, clean_text(name));
  else
    add_author(authors, clean_text(author));
}

// An RSS 2.0 or RSS 1.0 <item>.
FeedItem parse_rss_item(xmlDoc* doc, xmlNode* node) {
  FeedItem item;
  std::string guid, guid_permalink, atom_link;
  bool atom_link_html = false;
  if (std::string about = attr(node, "about"); !about.empty()) guid = about;
  each_child(node, [&](xmlNode* c, const std::string& name) {
    if (name == "title") {
      item.title = feed_xml::html_to_text(dom::text_content(c));
    } else if (name == "link") {
      // Some templates write RSS links the Atom way: <link href="…"/>.
      const std::string text = dom::text_content(c);
      if (item.link.empty()) item.link = resolve(doc, c, is_blank(text) ? attr(c, "href") : text);
    } else if (name == "atom:link") {
      take_atom_link(doc, c, atom_link, atom_link_html);
    } else if (name == "guid") {
      guid = clean_text(c);
      if (ascii_lower(attr(c, "isPermaLink")) != "false" && looks_like_url(guid)) guid_permalink = guid;
    } else if (name == "pubdate" || name == "dc:date" || name == "dcterms:issued" || name == "atom:published") {
      if (!item.published) item.published = parse_feed_date(dom::text_content(c));
    } else if (name == "dcterms:modified" || name == "atom:updated") {
      if (!item.updated) item.updated = parse_feed_date(dom::text_content(c));
    } else if (name == "description") {
      item.summary = std::string(trim(dom::text_content(c)));
    } else if (name == "content:encoded") {
      item.content_html = std::string(trim(dom::text_content(c)));
    } else if (name == "dc:creator" || name == "dc:author") {
      add_author(item.authors, feed_xml::html_to_text(dom::text_content(c)));
    } else if (name == "author") {
      add_author(item.authors, rss_author_name(dom::text_content(c)));
    } else if (name == "atom:author") {
      read_atom_author(c, item.authors);
    }
  });
  if (item.link.empty()) item.link = atom_link;
  if (item.link.empty()) item.link = guid_permalink;
  finish_item(item, guid);
  return item;
}

FeedItem parse_atom_entry(xmlDoc* doc, xmlNode* node, const std::vector<std::string>& feed_authors) {
  FeedItem item;
  std::string id;
  bool link_html = false;
  each_child(node, [&](xmlNode* c, const std::string& name) {
    if (name == "atom:id") {
      id = clean_text(c);
    } else if (name == "atom:title") {
      item.title = atom_text(doc, c);
    } else if (name == "atom:link") {
      take_atom_link(doc, c, item.link, link_html);
    } else if (name == "atom:published" || name == "atom:issued") {
      item.published = parse_feed_date(dom::text_content(c));
    } else if (name == "atom:updated" || name == "atom:modified") {
      item.updated = parse_feed_date(dom::text_content(c));
    } else if (name == "atom:content") {
      if (attr(c, "src").empty()) item.content_html = atom_html(doc, c);
    } else if (name == "atom:summary") {
      item.summary = atom_html(doc, c);
    } else if (name == "atom:author") {
      read_atom_author(c, item.authors);
    }
  });
  if (item.authors.empty()) item.authors = feed_authors;
  finish_item(item, id);
  return item;
}

void parse_rss(xmlDoc* doc, xmlNode* root, ParsedFeed& feed) {
  // RSS 2.0 nests items in <channel>; RSS 1.0 puts them beside it; some feeds do both wrong.
  xmlNode* channel = qname(root) == "channel" ? root : first_child(root, "channel");
  if (channel) {
    each_child(channel, [&](xmlNode* c, const std::string& name) {
      if (name == "title")
        feed.title = feed_xml::html_to_text(dom::text_content(c));
      else if (name == "link" && feed.link.empty())
        feed.link = resolve(doc, c, dom::text_content(c));
      else if (name == "language" || name == "dc:language")
        feed.language = clean_text(c);
    });
  }
  for (xmlNode* parent : {channel, root == channel ? nullptr : root}) {
    each_child(parent, [&](xmlNode* c, const std::string& name) {
      if (name == "item" && feed.items.size() < k_max_feed_items) feed.items.push_back(parse_rss_item(doc, c));
    });
  }
}

void parse_atom(xmlDoc* doc, xmlNode* root, ParsedFeed& feed) {
  feed.language = attr(root, "lang");
  std::vector<std::string> feed_authors;
  bool link_html = false;
  each_child(root, [&](xmlNode* c, const std::string& name) {
    if (name == "atom:title")
      feed.title = atom_text(doc, c);
    else if (name == "atom:link")
      take_atom_link(doc, c, feed.link, link_html);
    else if (name == "atom:author")
      read_atom_author(c, feed_authors);
  });
  each_child(root, [&](xmlNode* c, const std::string& name) {
    if (name == "atom:entry" && feed.items.size() < k_max_feed_items)
      feed.items.push_back(parse_atom_entry(doc, c, feed_authors));
  });
}

FeedItem parse_sitemap_url(xmlDoc* doc, xmlNode* node) {
  FeedItem item;
  each_child(node, [&](xmlNode* c, const std::string& name) {
    if (name == "loc") {
      item.link = resolve(doc, c, dom::text_content(c));
    } else if (name == "lastmod") {
      item.updated = parse_feed_date(dom::text_content(c));
    } else if (name == "news:news") {
      each_child(c, [&](xmlNode* n, const std::string& news_name) {
        if (news_name == "news:publication_date")
          item.published = parse_feed_date(dom::text_content(n));
        else if (news_name == "news:title")
          item.title = feed_xml::html_to_text(dom::text_content(n));
      });
    }
  });
  finish_item(item, {});
  return item;
}

void parse_sitemap(xmlDoc* doc, xmlNode* root, ParsedFeed& feed) {
  each_child(root, [&](xmlNode* c, const std::string& name) {
    if (name == "url" && feed.items.size() < k_max_feed_items) {
      FeedItem item = parse_sitemap_url(doc, c);
      if (!item.link.empty()) feed.items.push_back(std::move(item));
    }
  });
}

void parse_sitemap_index(xmlDoc* doc, xmlNode* root, ParsedFeed& feed) {
  each_child(root, [&](xmlNode* c, const std::string& name) {
    if (name != "sitemap" || feed.sitemaps.size() >= k_max_feed_items) return;
    SitemapRef ref;
    if (xmlNode* loc = first_child(c, "loc")) ref.url = resolve(doc, loc, dom::text_content(loc));
    if (xmlNode* lastmod = first_child(c, "lastmod")) ref.lastmod = parse_feed_date(dom::text_content(lastmod));
    if (!ref.url.empty()) feed.sitemaps.push_back(std::move(ref));
  });
}

}  // namespace

std::string_view to_string(FeedFormat format) {
  switch (format) {
    case FeedFormat::rss2:
      return "rss2";
    case FeedFormat::rss1:
      return "rss1";
    case FeedFormat::atom:
      return "atom";
    case FeedFormat::sitemap:
      return "sitemap";
    case FeedFormat::sitemap_index:
      return "sitemap-index";
  }
  return "unknown";
}

std::optional<Timestamp> FeedItem::date() const {
  if (published && updated) return std::max(*published, *updated);
  return published ? published : updated;
}

const std::string& FeedItem::best_html() const { return content_html.empty() ? summary : content_html; }

Result<ParsedFeed> parse_feed(std::string_view bytes, std::string_view feed_url, std::string_view content_type) {
  const std::string utf8 = feed_xml::repair(feed_xml::decode(bytes, content_type));
  dom::DocPtr doc = feed_xml::parse(utf8, std::string(feed_url));
  if (!doc) return make_error(Errc::invalid_input, "not a feed: no XML element found");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  const std::string name = qname(root);
  ParsedFeed feed;
  if (name == "rss" || name == "channel") {
    feed.format = FeedFormat::rss2;
    parse_rss(doc.get(), root, feed);
  } else if (name == "rdf:rdf") {
    feed.format = FeedFormat::rss1;
    parse_rss(doc.get(), root, feed);
  } else if (name == "atom:feed") {
    feed.format = FeedFormat::atom;
    parse_atom(doc.get(), root, feed);
  } else if (name == "urlset") {
    feed.format = FeedFormat::sitemap;
    parse_sitemap(doc.get(), root, feed);
  } else if (name == "sitemapindex") {
    feed.format = FeedFormat::sitemap_index;
    parse_sitemap_index(doc.get(), root, feed);
  } else if (name == "feed" || name.ends_with(":feed")) {
    const char* ns = root->ns && root->ns->href ? reinterpret_cast<const char*>(root->ns->href) : nullptr;
    return make_error(Errc::invalid_input,
                      std::string("not a feed: the root element <feed> is in ") +
                          (ns ? "the namespace \"" + std::string(ns) + "\"" : std::string("no namespace")) +
                          "; an Atom feed's is in \"http://www.w3.org/2005/Atom\"");
  } else {
    return make_error(Errc::invalid_input, "not a feed: the root element is <" + name +
                                               ">; expected <rss>, <rdf:RDF>, Atom <feed>, <urlset> or <sitemapindex>" +
                                               (name == "html" ? " (this is an HTML page)" : ""));
  }
  return feed;
}

}  // namespace redline
