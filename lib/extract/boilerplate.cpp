#include "extract/boilerplate.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "extract/scoring.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

constexpr size_t k_max_label_weight = 60;      // a section label is short
constexpr size_t k_max_line_weight = 120;      // so is a credit or a share prompt
constexpr size_t k_max_follower_weight = 160;  // link-list entries after a label
constexpr size_t k_max_date_line_weight = 40;
constexpr size_t k_min_sentence_weight = 80;  // a sentence this long after a label is text
constexpr size_t k_max_call_weight = 300;     // a call to action is a line or two
constexpr size_t k_max_trailing_calls = 4;

// Case-folded (Unicode full folding: "Ähnliche", "À LIRE", "POWIĄZANE" all match their label),
// spaces normalized, without a trailing ':', '.', ' ' or '!'.
std::string fold(std::string_view text) {
  std::string s = fold_case(normalize_space(text));
  while (!s.empty() && (s.back() == ':' || s.back() == '.' || s.back() == ' ' || s.back() == '!')) s.pop_back();
  return s;
}

constexpr std::array k_labels = {
    // en
    "related", "related stories", "related articles", "related posts", "related content", "related links",
    "related topics", "read more", "read also", "see also", "more on this", "more on this story", "more stories",
    "more from", "you might also like", "you may also like", "recommended", "recommended for you", "most read",
    "most popular", "trending", "latest news", "latest stories", "also read", "further reading", "comments",
    "leave a comment", "leave a reply", "share this", "share this article", "share this story", "like this", "tags",
    "topics", "filed under", "more in", "popular posts", "recent posts", "newsletter",
    // de
    "ähnliche beiträge", "ähnliche artikel", "verwandte artikel", "verwandte beiträge", "mehr zum thema",
    "weitere artikel", "weitere beiträge", "weitere informationen", "weiterführende links", "weiterführender link",
    "auch interessant", "das könnte sie auch interessieren", "das könnte dich auch interessieren",
    "das thema könnte dich auch interessieren", "lesen sie auch", "lies auch", "mehr dazu", "meistgelesen",
    "meistgelesene artikel", "kommentare", "kommentar verfassen", "kommentar schreiben", "schreibe einen kommentar",
    "teilen", "diesen artikel teilen", "artikel teilen", "schlagworte", "themen", "mehr aus", "empfehlungen",
    "unsere empfehlungen", "auch lesenswert", "neueste beiträge", "vorschau auf den nächsten artikel", "noch mehr",
    "zum thema",
    // fr
    "à lire aussi", "a lire aussi", "lire aussi", "à lire également", "sur le même sujet", "articles similaires",
    "articles les plus lus", "les plus lus", "commentaires", "partager", "partager cet article", "voir aussi",
    "dans la même rubrique", "à voir aussi",
    // es / pt / it / nl
    "temas relacionados", "noticias relacionadas", "artículos relacionados", "te puede interesar", "lee también",
    "lo más leído", "comentarios", "compartir", "leia também", "leia mais", "notícias relacionadas", "mais lidas",
    "leggi anche", "articoli correlati", "potrebbe interessarti", "commenti", "lees ook", "gerelateerde artikelen",
    "meest gelezen", "reacties",
    // pl
    "zobacz także", "zobacz też", "czytaj także", "czytaj też", "przeczytaj także", "przeczytaj też", "polecane",
    "komentarze", "udostępnij", "podobne artykuły", "powiązane artykuły", "najczęściej czytane"};

constexpr std::array k_line_prefixes = {"foto:",
                                        "fotos:",
                                        "bild:",
                                        "bilder:",
                                        "photo:",
                                        "photos:",
                                        "image:",
                                        "credit:",
                                        "credits:",
                                        "crédits photos",
                                        "crédit photo",
                                        "bildquelle",
                                        "quelle:",
                                        "bild via",
                                        "abbildung",
                                        "beitragsbild",
                                        "titelbild",
                                        "(credit",
                                        "(foto",
                                        "(photo",
                                        "(noch keine bewertung",
                                        "hier können sie den artikel bewerten",
                                        "du musst eingeloggt",
                                        "du musst angemeldet",
                                        "sie müssen eingeloggt",
                                        "sie müssen angemeldet",
                                        "you must be logged in",
                                        "lesezeit",
                                        "reading time",
                                        "temps de lecture",
                                        "tiempo de lectura",
                                        "ten tekst przeczytasz",
                                        "abb.",
                                        "foto via",
                                        "photo credit",
                                        "image credit",
                                        "©",
                                        "(c) ",
                                        "this entry was posted",
                                        "posted in ",
                                        "der beitrag wurde am",
                                        "dieser eintrag wurde",
                                        "dieser beitrag wurde",
                                        "veröffentlicht in",
                                        "tags:",
                                        "schlagworte:",
                                        "kategorien:",
                                        "categories:",
                                        "filed under:",
                                        "share on",
                                        "teilen auf",
                                        "click to share",
                                        "klicken, um",
                                        "gefällt mir",
                                        "like this:",
                                        "sei der erste",
                                        "be the first to",
                                        "zum vergrößern",
                                        "click to enlarge",
                                        "advertisement",
                                        "anzeige",
                                        "- anzeige",
                                        "werbung",
                                        "publicité",
                                        "publicidad",
                                        "pubblicità",
                                        "subscribe now",
                                        "sign up for",
                                        "melde dich",
                                        "abonnieren sie",
                                        "war der artikel",
                                        "was this article",
                                        "diese website verwendet akismet",
                                        "this site uses akismet"};

// Openings of a label that introduces more links ("Weitere Beiträge aus der Kolumne:", "More from
// our site", "Lesen Sie auch die folgenden Beiträge:"); only trusted on a short heading or a line
// ending in ':' in the second half of the body.
constexpr std::array k_tail_label_prefixes = {"more ",
                                              "related ",
                                              "read more",
                                              "see more",
                                              "you may ",
                                              "you might ",
                                              "also on ",
                                              "further ",
                                              "recommended ",
                                              "weitere ",
                                              "mehr ",
                                              "mehr zum",
                                              "lesen sie auch",
                                              "lies auch",
                                              "zum weiterlesen",
                                              "auch auf ",
                                              "auch interessant",
                                              "entdecke",
                                              "schon gelesen",
                                              "empfohlene ",
                                              "das könnte",
                                              "noch mehr",
                                              "ähnliche ",
                                              "verwandte ",
                                              "plus d",
                                              "à lire",
                                              "a lire",
                                              "lire aussi",
                                              "voir aussi",
                                              "sur le même",
                                              "notas relacionadas",
                                              "más ",
                                              "mas ",
                                              "otras ",
                                              "leia também",
                                              "veja também",
                                              "leggi anche",
                                              "altri ",
                                              "lees ook",
                                              "meer "};

// Phrases of calls to action (lower case); "follow"/"download" need a network/app word too.
constexpr std::array k_call_phrases = {
    // en
    "subscrib", "sign up", "newsletter", "follow us", "telegram", "whatsapp", "copyright", "all rights reserved",
    "written permission", "reprint", "republish", "send us a", "contact us at", "patreon", "support us", "support our",
    "letter to the editor",
    // de
    "abonnier", "folgen sie uns", "folge uns", "unterstütze uns", "unterstütze unsere", "unterstützen sie uns",
    "unterstützen sie unsere", "unterstützen sie diese", "gefällt dir", "gefällt ihnen",
    // fr / es / pt / it
    "abonnez", "suivez-nous", "síguenos", "suscrib", "assine", "siga-nos", "iscriviti", "seguici",
    // pl
    "subskrypcj", "zapisz się", "obserwuj nas"};
constexpr std::array k_networks = {"twitter", "instagram", "facebook", "tiktok", "youtube", "linkedin"};

bool contains_any(const std::string& s, const auto& words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return s.find(w) != std::string::npos; });
}

bool starts_with_any(const std::string& s, const auto& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return std::string_view(s).starts_with(p); });
}

// A word list folded as fold() folds text ("zum vergrößern" → "zum vergrössern"), once.
template <size_t N>
std::vector<std::string> folded(const std::array<const char*, N>& words) {
  std::vector<std::string> out;
  for (const char* w : words) out.push_back(fold_case(w));
  return out;
}

}  // namespace

bool is_section_label(std::string_view text) {
  if (text_weight(text) > k_max_label_weight) return false;
  static const std::vector<std::string> labels = folded(k_labels);
  return std::find(labels.begin(), labels.end(), fold(text)) != labels.end();
}

// "23.10.2018", "19:49", "12. März 2020 | 14:05": a short block that is mostly digits is a
// dateline or a counter, not prose.
bool is_date_line(std::string_view text) {
  if (text_weight(text) > k_max_date_line_weight) return false;
  size_t digits = 0, other = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != ' ' && c != '.' && c != ':' && c != '/' && c != '-' && c != ',')
      ++other;
  }
  return digits >= 4 && digits * 2 >= digits + other;
}

constexpr std::array k_months = {
    "jan",       "feb",      "mar",       "apr",       "may",      "jun",      "jul",        "aug",      "sep",
    "sept",      "oct",      "nov",       "dec",       "january",  "february", "march",      "april",    "june",
    "july",      "august",   "september", "october",   "november", "december", "januar",     "februar",  "märz",
    "mai",       "juni",     "juli",      "oktober",   "dezember", "janvier",  "février",    "mars",     "avril",
    "juin",      "juillet",  "août",      "septembre", "octobre",  "novembre", "décembre",   "enero",    "febrero",
    "marzo",     "abril",    "mayo",      "junio",     "julio",    "agosto",   "septiembre", "octubre",  "noviembre",
    "diciembre", "janeiro",  "fevereiro", "março",     "maio",     "junho",    "julho",      "setembro", "outubro",
    "novembro",  "dezembro", "gennaio",   "febbraio",  "aprile",   "maggio",   "giugno",     "luglio",   "settembre",
    "ottobre",   "dicembre", "okt",       "dez",       "mär"};

// "Veröffentlichung: 2. Februar 2022", "Aktualisiert am 17.01.2021.", "2021-10-16 | Botschaft": a
// short line with a dated year and at most two other words is a publication stamp.
bool is_stamp_line(std::string_view text) {
  if (text_weight(text) > 60) return false;
  bool year = false;
  size_t words = 0;
  const std::string folded = ascii_lower(normalize_space(text));
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    std::string_view w = std::string_view(folded).substr(start, end - start);
    start = end + 1;
    while (!w.empty() && (w.back() == '.' || w.back() == ',' || w.back() == ':' || w.back() == '|')) w.remove_suffix(1);
    if (w.empty()) continue;
    size_t digits = 0, run = 0, longest = 0, letters = 0;
    for (char c : w) {
      if (c >= '0' && c <= '9') {
        ++digits;
        longest = std::max(longest, ++run);
      } else {
        run = 0;
        letters += (c >= 'a' && c <= 'z') || (c & 0x80);
      }
    }
    if (longest == 4 && (w.find("19") != std::string_view::npos || w.find("20") != std::string_view::npos)) year = true;
    if (digits == 0 && letters > 0 && std::find(k_months.begin(), k_months.end(), w) == k_months.end()) ++words;
  }
  return year && words <= 2;
}

bool is_boilerplate_line(std::string_view text) {
  if (text_weight(text) > k_max_line_weight) return false;
  if (is_date_line(text) || is_stamp_line(text)) return true;
  static const std::vector<std::string> prefixes = folded(k_line_prefixes);
  return starts_with_any(fold(text), prefixes);
}

bool is_call_to_action(std::string_view text) {
  if (text_weight(text) > k_max_call_weight) return false;
  const std::string s = ascii_lower(text);
  if (contains_any(s, k_call_phrases)) return true;
  if (s.find("follow") != std::string::npos && contains_any(s, k_networks)) return true;
  return s.find("download") != std::string::npos && s.find("app") != std::string::npos;
}

bool is_tail_label(const Block& b) {
  if (text_weight(b.text) > k_max_label_weight) return false;
  const std::string t = normalize_space(b.text);
  if (b.kind != BlockKind::heading && !t.ends_with(":")) return false;
  return starts_with_any(ascii_lower(t), k_tail_label_prefixes);
}

void drop_boilerplate_blocks(std::vector<Block>& blocks) {
  std::vector<Block> kept;
  kept.reserve(blocks.size());
  bool in_section = false;
  for (size_t i = 0; i < blocks.size(); ++i) {
    Block& b = blocks[i];
    const size_t weight = text_weight(b.text);
    if (is_section_label(b.text) || (i * 2 >= blocks.size() && is_tail_label(b))) {
      in_section = true;
      continue;
    }
    if (in_section) {
      // Link-list entries are titles; a paragraph with a full sentence is text again.
      const bool ends_section =
          b.kind == BlockKind::heading ||
          (b.kind == BlockKind::paragraph &&
           (weight > k_max_follower_weight || (weight > k_min_sentence_weight && ends_sentence(b.text))));
      if (!ends_section) continue;
      in_section = false;
    }
    if (b.kind != BlockKind::table && is_boilerplate_line(b.text)) continue;
    kept.push_back(std::move(b));
  }
  // Calls to action close many articles; only the ones at the very end, after other blocks.
  for (size_t n = 0; n < k_max_trailing_calls && kept.size() > 1 && kept.back().kind != BlockKind::heading &&
                     kept.back().kind != BlockKind::table && is_call_to_action(kept.back().text);
       ++n)
    kept.pop_back();
  // A heading with nothing after it titled something that was removed (a teaser list, a form).
  // Only short headings after real text: a page whose text is all headings keeps them.
  size_t prose = 0;
  for (const auto& b : kept)
    if (b.kind != BlockKind::heading) prose += text_weight(b.text);
  for (int n = 0; n < 2 && prose >= 200 && !kept.empty() && kept.back().kind == BlockKind::heading &&
                  text_weight(kept.back().text) <= k_max_label_weight * 2;
       ++n)
    kept.pop_back();
  blocks = std::move(kept);
}

}  // namespace redline
