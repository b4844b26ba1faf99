// libxml2 helpers for feeds: decoding to UTF-8, repairing the mistakes real feeds make, a safe
// parse, and namespace-normalized names. Internal to lib/feeds. Thread-safe: each call owns its tree.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>

#include "extract/dom.hpp"

namespace redline::feed_xml {

// Converts feed bytes to UTF-8. The charset comes from a byte-order mark, else the XML declaration's
// encoding="…", else the Content-Type charset, else UTF-8; invalid sequences become U+FFFD.
std::string decode(std::string_view bytes, std::string_view content_type);

// Makes sloppy XML parsable without losing text (CDATA sections, comments and the DOCTYPE are
// copied as they are):
//   - HTML named entities (&nbsp; &eacute; …) and the XML ones become numeric references (libxml2
//     drops even &amp; once a document has had an error), a '&' that starts no reference becomes
//     &#38;, a '<' that starts no markup becomes &#60;;
//   - end tags are balanced: one closes the innermost open element of its name and every element
//     opened inside it (unclosed HTML in a description), one that matches nothing is dropped, and
//     elements still open at the end (a cut-off feed) are closed.
// References to entities declared in a DTD are escaped too, so they never expand (no entity-expansion
// attack). Linear in the input.
std::string repair(std::string_view utf8);

// Parses repaired UTF-8 XML: recover mode, no network, no DTD loading, no entity substitution,
// errors silenced. `url` becomes the document's base URL. Null when no element was found.
dom::DocPtr parse(std::string_view utf8, const std::string& url);

// Lower-case qualified name with a canonical prefix chosen by namespace URI, whatever prefix the
// document used: "item" (RSS 2.0, RSS 1.0 and sitemap namespaces have none), "atom:entry",
// "content:encoded", "dc:creator", "dcterms:modified", "news:publication_date", "rdf:rdf".
// An element with an undeclared prefix keeps it ("content:encoded" stays itself).
std::string qname(const xmlNode* node);

// Text, normalized text and attributes are extract/dom.hpp's (dom::text_content, dom::clean_text,
// dom::attr): a feed's entity references never reach the tree (repair() escapes them), so the two agree.
// The children of `node` serialized as markup (for Atom xhtml content).
std::string inner_xml(xmlDoc* doc, xmlNode* node);

// The base URL in effect at `node` (xml:base attributes resolved against the document URL).
std::string base_url(xmlDoc* doc, const xmlNode* node);

// Plain text of a string that may hold HTML markup or entities (RSS titles often do).
std::string html_to_text(std::string_view html);
// Plain text as HTML paragraphs (blank lines separate paragraphs), escaped.
std::string text_to_html(std::string_view text);

}  // namespace redline::feed_xml
