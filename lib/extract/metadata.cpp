#include "extract/metadata.hpp"

#include <unicode/uloc.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

#include "core/time.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

using nlohmann::json;

constexpr std::array k_article_types = {"newsarticle",
                                        "article",
                                        "reportagenews",
                                        "analysisnewsarticle",
                                        "opinionnewsarticle",
                                        "reviewnewsarticle",
                                        "backgroundnewsarticle",
                                        "askpublicnewsarticle",
                                        "blogposting",
                                        "liveblogposting",
                                        "report",
                                        "scholarlyarticle",
                                        "techarticle",
                                        "socialmediaposting",
                                        "satiricalarticle"};

std::string json_string(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  if (j.is_array() && !j.empty()) return json_string(j.front());
  if (j.is_object()) {
    for (const char* key : {"@value", "name", "text"}) {
      if (auto it = j.find(key); it != j.end() && it->is_string()) return it->get<std::string>();
    }
  }
  return {};
}

std::string field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? std::string{} : normalize_space(json_string(*it));
}

bool has_article_type(const json& obj) {
  auto it = obj.find("@type");
  if (it == obj.end()) return false;
  auto matches = [](const json& t) {
    if (!t.is_string()) return false;
    std::string name = ascii_lower(t.get<std::string>());
    if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
    return std::find(k_article_types.begin(), k_article_types.end(), name) != k_article_types.end();
  };
  if (it->is_array()) return std::any_of(it->begin(), it->end(), matches);
  return matches(*it);
}

// Collects every object reachable through arrays, @graph and mainEntity (breadth-limited).
void collect_objects(const json& j, std::vector<const json*>& out, int depth = 0) {
  if (depth > 8 || out.size() > 500) return;
  if (j.is_array()) {
    for (const auto& item : j) collect_objects(item, out, depth + 1);
  } else if (j.is_object()) {
    out.push_back(&j);
    for (const char* key : {"@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"}) {
      if (auto it = j.find(key); it != j.end() && (it->is_array() || it->is_object()))
        collect_objects(*it, out, depth + 1);
    }
  }
}

void add_authors(const json& j, const std::map<std::string, const json*>& by_id, std::vector<std::string>& out,
                 int depth = 0) {
  if (depth > 4) return;
  if (j.is_array()) {
    for (const auto& item : j) add_authors(item, by_id, out, depth + 1);
    return;
  }
  std::string name;
  if (j.is_string()) {
    name = j.get<std::string>();
  } else if (j.is_object()) {
    name = field(j, "name");
    if (name.empty()) {
      if (auto it = j.find("@id"); it != j.end() && it->is_string()) {
        if (auto ref = by_id.find(it->get<std::string>()); ref != by_id.end() && ref->second != &j)
          return add_authors(*ref->second, by_id, out, depth + 1);
      }
      if (auto it = j.find("author"); it != j.end()) return add_authors(*it, by_id, out, depth + 1);
    }
  }
  std::string clean = clean_author(name);
  if (!clean.empty() && std::find(out.begin(), out.end(), clean) == out.end()) out.push_back(clean);
}

// JSON-LD in the wild carries raw newlines/tabs inside strings and HTML comment or CDATA wrappers.
std::string sanitize_jsonld(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  for (const char* junk : {"<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"}) {
    for (size_t pos; (pos = text.find(junk)) != std::string::npos;) text.erase(pos, std::string_view(junk).size());
  }
  return text;
}

// Meta tags keyed by lower-case property/name/itemprop/http-equiv, first value kept.
std::map<std::string, std::string> collect_meta(xmlNode* root) {
  std::map<std::string, std::string> meta;
  for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
    if (!dom::has_name(n, "meta")) continue;
    std::string content = normalize_space(dom::attr(n, "content"));
    if (content.empty()) continue;
    for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
      std::string k = ascii_lower(trim(dom::attr(n, key)));
      if (!k.empty()) meta.emplace(k, content);
    }
  }
  return meta;
}

std::string first_meta(const std::map<std::string, std::string>& meta, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto it = meta.find(key); it != meta.end() && !it->second.empty()) return it->second;
  }
  return {};
}

bool looks_like_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//") || s.starts_with("/");
}

std::string normalize_language(std::string lang) {
  lang = std::string(trim(lang));
  if (auto comma = lang.find_first_of(",; "); comma != std::string::npos) lang.resize(comma);
  std::replace(lang.begin(), lang.end(), '_', '-');  // og:locale writes pt_BR
  if (lang.size() < 2 || lang.size() > 35) return {};
  // ICU parses the BCP 47 tag and writes it back in its canonical case (zh-hant-tw → zh-Hant-TW,
  // en-us → en-US); a tag it cannot read to the end is no language.
  char locale[ULOC_FULLNAME_CAPACITY];
  int32_t parsed = 0;
  UErrorCode status = U_ZERO_ERROR;
  uloc_forLanguageTag(lang.c_str(), locale, sizeof locale, &parsed, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || parsed != static_cast<int32_t>(lang.size()))
    return {};
  char tag[ULOC_FULLNAME_CAPACITY];
  const int32_t length = uloc_toLanguageTag(locale, tag, sizeof tag, /*strict=*/true, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || length <= 0) return {};
  std::string out(tag, static_cast<size_t>(length));
  return out == "und" ? std::string() : out;
}

std::string strip_title_suffix(const std::string& title, const std::string& site_name) {
  for (const char* sep : {" | ", " - ", " – ", " — ", " :: ", " · ", "｜", "_"}) {
    size_t pos = title.rfind(sep);
    if (pos == std::string::npos || pos < title.size() / 3) continue;
    std::string tail = title.substr(pos + std::string_view(sep).size());
    if (!site_name.empty() && tail.find(site_name) == std::string::npos && site_name.find(tail) == std::string::npos &&
        tail.size() > 40)
      continue;
    if (tail.size() <= title.size() / 2 + 1) return normalize_space(title.substr(0, pos));
  }
  return title;
}

}  // namespace

std::string clean_author(std::string_view text) {
  std::string s = normalize_space(text);
  for (const char* prefix :
       {"by ", "von ", "par ", "por ", "door ", "di ", "av ", "af ", "作者：", "作者:", "文/", "記者", "记者"}) {
    if (ascii_lower(s.substr(0, std::string_view(prefix).size())) == prefix) {
      s = normalize_space(s.substr(std::string_view(prefix).size()));
      break;
    }
  }
  if (s.starts_with("null ")) s = normalize_space(s.substr(5));
  if (s == "null" || s == "undefined" || looks_like_url(s) || s.find('@') != std::string::npos) return {};
  if (s.size() > 200) return {};
  return s;
}

std::optional<Timestamp> parse_meta_date(std::string_view text) {
  std::string s = normalize_space(text);
  if (s.empty()) return std::nullopt;
  if (auto t = parse_rfc3339(s)) return t;
  // 2024/06/01 12:00, 2024.06.01
  std::string alt = s;
  if (alt.size() >= 10 && (alt[4] == '/' || alt[4] == '.') && (alt[7] == '/' || alt[7] == '.')) {
    alt[4] = '-';
    alt[7] = '-';
  }
  // 20240601 or 20240601T120000Z
  if (alt.size() >= 8 && std::all_of(alt.begin(), alt.begin() + 8, [](char c) { return std::isdigit(c); }) &&
      (alt.size() == 8 || alt[8] == 'T')) {
    alt = alt.substr(0, 4) + "-" + alt.substr(4, 2) + "-" + alt.substr(6, 2);
  }
  // "2024-06-01 12:00:00 +0800" → drop the space before the zone; "… UTC"/"… GMT" → Z
  for (const char* zone : {" UTC", " GMT"}) {
    if (alt.ends_with(zone)) alt = alt.substr(0, alt.size() - 4) + "Z";
  }
  if (alt.size() > 6 && alt[alt.size() - 6] == ' ' && (alt[alt.size() - 5] == '+' || alt[alt.size() - 5] == '-'))
    alt.erase(alt.size() - 6, 1);
  if (auto t = parse_rfc3339(alt)) return t;
  if (alt.size() >= 10) {
    if (auto t = parse_rfc3339(alt.substr(0, 19))) return t;
    if (auto t = parse_rfc3339(alt.substr(0, 10))) return t;
  }
  return std::nullopt;
}

std::optional<JsonLdArticle> find_jsonld_article(xmlDoc* doc) {
  xmlNode* root = dom::root_element(doc);
  std::vector<json> docs;
  for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
    if (!dom::has_name(n, "script") || ascii_lower(dom::attr(n, "type")) != "application/ld+json") continue;
    json j = json::parse(sanitize_jsonld(dom::text_content(n)), nullptr, false);
    if (!j.is_discarded()) docs.push_back(std::move(j));
  }
  std::vector<const json*> objects;
  for (const auto& j : docs) collect_objects(j, objects);
  std::map<std::string, const json*> by_id;
  for (const json* o : objects) {
    if (auto it = o->find("@id"); it != o->end() && it->is_string() && o->size() > 1)
      by_id.emplace(it->get<std::string>(), o);
  }
  for (const json* o : objects) {
    if (!has_article_type(*o)) continue;
    JsonLdArticle a;
    a.headline = field(*o, "headline");
    if (a.headline.empty()) a.headline = field(*o, "name");
    if (auto it = o->find("author"); it != o->end()) add_authors(*it, by_id, a.authors);
    if (a.authors.empty()) {
      if (auto it = o->find("creator"); it != o->end()) add_authors(*it, by_id, a.authors);
    }
    a.date_published = field(*o, "datePublished");
    if (a.date_published.empty()) a.date_published = field(*o, "dateCreated");
    a.date_modified = field(*o, "dateModified");
    a.url = field(*o, "url");
    a.language = field(*o, "inLanguage");
    if (auto it = o->find("publisher"); it != o->end()) {
      if (it->is_object()) {
        a.publisher = field(*it, "name");
        if (a.publisher.empty()) {
          if (auto id = it->find("@id"); id != it->end() && id->is_string()) {
            if (auto ref = by_id.find(id->get<std::string>()); ref != by_id.end())
              a.publisher = field(*ref->second, "name");
          }
        }
      } else {
        a.publisher = normalize_space(json_string(*it));
      }
    }
    if (auto it = o->find("articleBody"); it != o->end() && it->is_string()) a.article_body = it->get<std::string>();
    return a;
  }
  return std::nullopt;
}

void extract_metadata(xmlDoc* doc, const std::string& page_url, const std::optional<JsonLdArticle>& jsonld,
                      Article& article) {
  xmlNode* root = dom::root_element(doc);
  if (!root) return;
  const auto meta = collect_meta(root);

  // Site name first: it helps to strip it from a <title>.
  article.site_name = first_meta(meta, {"og:site_name", "application-name", "twitter:site"});
  if (article.site_name.empty() && jsonld) article.site_name = jsonld->publisher;
  if (article.site_name.starts_with("@")) article.site_name.erase(0, 1);

  // Headline.
  if (jsonld && !jsonld->headline.empty()) article.headline = jsonld->headline;
  if (article.headline.empty()) article.headline = first_meta(meta, {"og:title", "twitter:title"});
  if (article.headline.empty()) {
    if (xmlNode* h1 = dom::find_first(root, "h1")) article.headline = dom::clean_text(h1);
  }
  if (article.headline.empty()) {
    if (xmlNode* title = dom::find_first(root, "title"))
      article.headline = strip_title_suffix(dom::clean_text(title), article.site_name);
  }

  // Authors.
  if (jsonld) article.authors = jsonld->authors;
  auto add_author = [&](std::string_view raw) {
    std::string a = clean_author(raw);
    if (!a.empty() && std::find(article.authors.begin(), article.authors.end(), a) == article.authors.end())
      article.authors.push_back(a);
  };
  if (article.authors.empty()) {
    for (const char* key : {"author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author",
                            "parsely-author", "twitter:creator"}) {
      if (auto it = meta.find(key); it != meta.end()) {
        add_author(it->second);
        if (!article.authors.empty()) break;
      }
    }
  }
  if (article.authors.empty()) {
    for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
      if (!dom::is_element(n)) continue;
      const bool rel_author = ascii_lower(dom::attr(n, "rel")) == "author";
      const bool prop_author = ascii_lower(dom::attr(n, "itemprop")) == "author";
      if ((rel_author && !dom::has_name(n, "link")) || prop_author) {
        // itemprop=author may wrap a name element; a long text is a bio, not a byline.
        xmlNode* name_node = n;
        for (xmlNode* c = n; c; c = dom::next_node(c, n)) {
          if (ascii_lower(dom::attr(c, "itemprop")) == "name") {
            name_node = c;
            break;
          }
        }
        if (std::string text = dom::clean_text(name_node); text.size() <= 100) add_author(text);
        if (!article.authors.empty()) break;
      }
    }
  }

  // Dates.
  auto date_from = [&](std::initializer_list<const char*> keys) -> std::optional<Timestamp> {
    for (const char* key : keys) {
      if (auto it = meta.find(key); it != meta.end()) {
        if (auto t = parse_meta_date(it->second)) return t;
      }
    }
    return std::nullopt;
  };
  if (jsonld) {
    article.published = parse_meta_date(jsonld->date_published);
    article.modified = parse_meta_date(jsonld->date_modified);
  }
  if (!article.published)
    article.published = date_from({"article:published_time", "og:article:published_time", "datepublished",
                                   "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
                                   "dc.date.created", "pubdate", "publishdate", "publish-date", "date", "sailthru.date",
                                   "parsely-pub-date", "article.published", "og:published_time"});
  if (!article.modified)
    article.modified = date_from({"article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                                  "dc.date.modified", "last-modified", "lastmod", "article.updated"});
  if (!article.published) {
    for (xmlNode* n = root; n; n = dom::next_node(n, root)) {
      if (!dom::has_name(n, "time")) continue;
      if (auto t = parse_meta_date(dom::attr(n, "datetime"))) {
        article.published = t;
        break;
      }
    }
  }

  // Canonical URL.
  std::string canonical;
  for (xmlNode* n = root; n && canonical.empty(); n = dom::next_node(n, root)) {
    if (dom::has_name(n, "link") && ascii_lower(dom::attr(n, "rel")) == "canonical")
      canonical = std::string(trim(dom::attr(n, "href")));
  }
  if (canonical.empty()) canonical = first_meta(meta, {"og:url", "twitter:url"});
  if (canonical.empty() && jsonld) canonical = jsonld->url;
  if (!canonical.empty()) article.canonical_url = page_url.empty() ? canonical : resolve_url(page_url, canonical);

  // Language.
  std::string lang = dom::attr(root, "lang");
  if (lang.empty()) lang = dom::attr(root, "xml:lang");
  if (lang.empty() && jsonld) lang = jsonld->language;
  if (lang.empty()) lang = first_meta(meta, {"og:locale", "content-language", "language", "dc.language"});
  article.language = normalize_language(lang);
}

}  // namespace redline
