#include "diff/facts.hpp"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>

namespace redline::diff_detail {

namespace {

// An "updated" line is short (a label and a date); longer blocks are not looked at.
constexpr size_t k_max_updated_line_bytes = 240;
// The opening of a block that a note's label or phrase must be in, in code points (the longest
// phrase has 40).
constexpr int k_note_head_cps = 48;

// One code point of `text` at byte `i` (U+FFFD for invalid UTF-8); `i` is advanced past it.
UChar32 next_cp(std::string_view text, size_t& i) {
  UChar32 c = 0;
  auto pos = static_cast<int32_t>(i);
  U8_NEXT(text.data(), pos, static_cast<int32_t>(text.size()), c);
  i = static_cast<size_t>(pos);
  return c < 0 ? 0xFFFD : c;
}

UChar32 cp_at(std::string_view text, size_t i) { return i < text.size() ? next_cp(text, i) : -1; }

void append_cp(std::string& out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  out.append(buf, static_cast<size_t>(n));
}

bool is_digit(UChar32 c) { return c >= 0 && u_isdigit(c); }

// Between two digits: a group or decimal separator, and what it is in a number's key.
std::optional<char> separator_key(UChar32 c) {
  switch (c) {
    case '.':
    case 0xFF0E:  // full-width full stop
      return '.';
    case ',':
    case 0x066B:  // Arabic decimal separator
    case 0x066C:  // Arabic thousands separator
      return ',';
    case '\'':
    case 0x2019:
      return '\'';
    case ' ':
    case 0x00A0:
    case 0x202F:
    case 0x2009:
      return ' ';
    default:
      return std::nullopt;
  }
}

bool is_cjk(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode s = uscript_getScript(c, &status);
  return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA || s == USCRIPT_HANGUL;
}

// Lower-cased text of `text` from byte `from`, at most `max_cps` code points, with typographic
// apostrophes folded to '\''.
std::string lowered(std::string_view text, size_t from, int max_cps) {
  std::string out;
  for (size_t i = from; i < text.size() && max_cps-- > 0;) {
    UChar32 c = next_cp(text, i);
    if (c == 0x2019 || c == 0x2018) c = '\'';
    if (c == 0x00A0 || c == 0x202F || c == 0x3000) c = ' ';
    append_cp(out, u_tolower(c));
  }
  return out;
}

// Byte offset after the leading decoration of a note ("*", "(", "[", "【", dashes, quotes, spaces).
size_t skip_decoration(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    const UChar32 c = next_cp(text, j);
    if (!(u_isspace(c) || c == '*' || c == '(' || c == '[' || c == '_' || c == '-' || c == 0x2014 || c == 0x2013 ||
          c == 0x3010 || c == 0x3014 || c == 0xFF08 || c == '"' || c == 0x201C || c == 0x201E || c == 0x00AB ||
          c == 0x00A0))
      break;
    i = j;
  }
  return i;
}

// Whether `head` starts with `label` as a whole word (a letter may not follow a Latin or Cyrillic label);
// returns the byte offset after it.
std::optional<size_t> starts_with_word(std::string_view head, std::string_view label) {
  if (head.substr(0, label.size()) != label) return std::nullopt;
  if (label.size() == head.size()) return label.size();
  // The label's last code point: CJK labels need no boundary.
  size_t k = 0;
  UChar32 last_cp = 0;
  while (k < label.size()) last_cp = next_cp(label, k);
  if (is_cjk(last_cp)) return label.size();
  size_t i = label.size();
  const UChar32 following = next_cp(head, i);
  if (u_isalnum(following)) return std::nullopt;
  return label.size();
}

// Labels that open a note when a separator follows them ("Correction:", "Update —", "【訂正】").
constexpr auto k_note_labels = std::to_array<std::string_view>(
    {// en
     "correction appended", "clarification appended", "corrections", "correction", "clarification", "editor's note",
     "editors' note", "editor's update", "update", "updated",
     // de
     "korrekturhinweis", "korrektur", "richtigstellung", "berichtigung", "anmerkung der redaktion",
     "hinweis der redaktion", "anm. d. red", "transparenzhinweis", "aktualisierung", "nachtrag", "korrigiert",
     // fr
     "rectificatif", "correctif", "erratum", "précision", "note de la rédaction", "mise à jour", "mis à jour",
     "actualisation",
     // es
     "corrección", "correccion", "fe de erratas", "aclaración", "nota del editor", "nota de la redacción",
     "nota de la redaccion", "actualización", "actualizacion", "rectificación",
     // it
     "correzione", "rettifica", "errata corrige", "precisazione", "nota della redazione", "nota del direttore",
     "aggiornamento", "aggiornato",
     // pt
     "correção", "correcção", "correcao", "errata", "esclarecimento", "nota da redação", "nota da redacção",
     "nota do editor", "atualização", "actualização", "atualizado",
     // nl
     "correctie", "rectificatie", "verbetering", "noot van de redactie", "naschrift", "aanvulling", "bijgewerkt",
     // pl
     "korekta", "sprostowanie", "aktualizacja", "od redakcji", "nota redakcyjna", "uzupełnienie", "poprawka",
     // ru
     "исправление", "поправка", "уточнение", "обновление", "от редакции", "примечание редакции", "обновлено",
     // zh
     "更正声明", "更正聲明", "更正启事", "更正啟事", "更正", "勘误", "勘誤", "编者按", "編者按", "编者注", "編者註",
     "编注", "編註", "更新", "澄清",
     // ja
     "訂正とおわび", "おわびと訂正", "訂正", "編集部注", "追記", "注記", "編注",
     // ar
     "تصحيح", "توضيح", "ملاحظة المحرر", "ملاحظة التحرير", "تحديث", "استدراك", "تنويه"});

// Openings that make a note by themselves.
constexpr auto k_note_phrases = std::to_array<std::string_view>(
    {// en
     "an earlier version of this", "a previous version of this", "an earlier version of the article",
     "this article has been corrected", "this article was corrected", "this story has been corrected",
     "this story was corrected", "this article has been updated", "this article was updated",
     "this story has been updated", "this story was updated", "this article has been amended",
     "this article was amended", "this story has been amended",
     // de
     "in einer früheren version", "in einer vorherigen version", "in einer ersten version", "in einer älteren version",
     "dieser artikel wurde aktualisiert", "dieser artikel wurde korrigiert", "dieser text wurde aktualisiert",
     "dieser text wurde korrigiert", "dieser beitrag wurde aktualisiert", "dieser beitrag wurde korrigiert",
     // fr
     "une version précédente de cet article", "une précédente version de cet article",
     "une première version de cet article", "dans une version précédente", "dans une précédente version",
     "cet article a été modifié", "cet article a été corrigé", "cet article a été mis à jour",
     // es
     "una versión anterior de este", "en una versión anterior", "este artículo ha sido actualizado",
     "este artículo fue actualizado", "este artículo ha sido corregido", "este artículo fue corregido",
     // it
     "una versione precedente di questo", "in una versione precedente", "questo articolo è stato aggiornato",
     "questo articolo è stato corretto", "questo articolo è stato modificato",
     // pt
     "uma versão anterior deste", "numa versão anterior", "em uma versão anterior", "este artigo foi atualizado",
     "este artigo foi corrigido", "este texto foi atualizado", "este texto foi corrigido",
     // nl
     "in een eerdere versie van dit", "een eerdere versie van dit", "dit artikel is aangepast",
     "dit artikel is bijgewerkt", "dit artikel is gecorrigeerd", "dit artikel werd aangepast",
     // pl
     "we wcześniejszej wersji", "w poprzedniej wersji", "poprzednia wersja tego", "artykuł został zaktualizowany",
     "artykuł został poprawiony", "tekst został zaktualizowany", "tekst został poprawiony",
     // ru
     "в предыдущей версии", "в первоначальной версии", "в ранней версии", "статья была обновлена",
     "статья была исправлена", "статья обновлена",
     // zh
     "本文已更新", "本文已更正", "本文此前版本", "本文早前版本",
     // ja
     "この記事の以前の版", "おわびして訂正",
     // ar
     "نسخة سابقة من هذا", "في نسخة سابقة", "تم تحديث هذا", "تم تصحيح هذا"});

bool is_note_separator(UChar32 c) {
  switch (c) {
    case ':':
    case 0xFF1A:  // ：
    case 0x2014:
    case 0x2013:
    case '-':
    case ',':
    case 0xFF0C:  // ，
    case 0x3001:  // 、
    case ')':
    case ']':
    case 0x3011:  // 】
    case 0x3015:  // 〕
    case 0xFF09:  // ）
    case '.':
    case '!':
    case '(':
    case 0x060C:  // Arabic comma
      return true;
    default:
      return false;
  }
}

// Labels of a visible "updated" line, longest first where one is a prefix of another.
constexpr auto k_updated_labels = std::to_array<std::string_view>({"last updated",
                                                                   "updated on",
                                                                   "updated",
                                                                   "update",
                                                                   "zuletzt aktualisiert",
                                                                   "aktualisiert",
                                                                   "stand",
                                                                   "mis à jour",
                                                                   "mise à jour",
                                                                   "última actualización",
                                                                   "actualizado",
                                                                   "actualización",
                                                                   "ultimo aggiornamento",
                                                                   "aggiornato",
                                                                   "aggiornamento",
                                                                   "atualizado",
                                                                   "atualização",
                                                                   "laatst bijgewerkt",
                                                                   "bijgewerkt",
                                                                   "zaktualizowano",
                                                                   "aktualizacja",
                                                                   "обновлено",
                                                                   "обновлён",
                                                                   "обновлен",
                                                                   "最后更新",
                                                                   "最後更新",
                                                                   "更新日時",
                                                                   "更新时间",
                                                                   "更新時間",
                                                                   "更新日",
                                                                   "更新于",
                                                                   "更新於",
                                                                   "更新",
                                                                   "آخر تحديث",
                                                                   "تم التحديث",
                                                                   "تاريخ التحديث",
                                                                   "تحديث",
                                                                   "publié le"});

// Words that may stand in a date or time after an update label.
constexpr auto k_time_words = std::to_array<std::string_view>(
    {// en
     "ago", "min", "mins", "minute", "minutes", "hour", "hours", "h", "hrs", "sec", "second", "seconds", "day", "days",
     "am", "pm", "a", "p", "m", "at", "on", "gmt", "utc", "cet", "cest", "est", "edt", "bst", "et", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
     "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
     // de
     "um", "uhr", "vor", "minuten", "stunden", "stunde", "tagen", "januar", "februar", "märz", "mai", "juni", "juli",
     "oktober", "dezember",
     // fr
     "le", "à", "il", "y", "heures", "heure", "janvier", "février", "mars", "avril", "juin", "juillet", "août",
     "septembre", "octobre", "novembre", "décembre",
     // es, it, pt
     "el", "las", "hace", "minutos", "horas", "hora", "de", "enero", "febrero", "marzo", "abril", "mayo", "junio",
     "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "alle", "ore", "fa", "minuti", "maggio",
     "giugno", "luglio", "em", "às", "há", "maio", "junho", "julho",
     // nl
     "op", "om", "geleden", "uur", "mei",
     // pl
     "o", "temu", "minut", "godzin", "godz", "maja", "czerwca", "lipca",
     // ru
     "в", "назад", "минут", "минуты", "минуту", "часа", "часов", "час", "мин", "мая", "июня", "июля", "г",
     // ar
     "منذ", "دقائق", "دقيقة", "ساعة", "ساعات", "في", "الساعة", "مايو", "يونيو"});

constexpr std::u32string_view k_date_ideographs = U"年月日時时分秒前後后点點於于鐘钟午上下頃";

// Whether `rest` (lower-cased) is only a date or time: two thirds of its tokens are numbers, time words
// or date ideographs, at least one is a number, and there are few.
bool is_date_only(std::string_view rest) {
  int total = 0;
  int dateish = 0;
  bool digit = false;
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    ++total;
    if (std::find(k_time_words.begin(), k_time_words.end(), word) != k_time_words.end()) ++dateish;
    word.clear();
  };
  for (size_t i = 0; i < rest.size();) {
    const UChar32 c = next_cp(rest, i);
    if (is_digit(c)) {
      flush();
      ++total;
      ++dateish;
      digit = true;
      while (i < rest.size() && is_digit(cp_at(rest, i))) next_cp(rest, i);
    } else if (is_cjk(c)) {
      flush();
      ++total;
      if (k_date_ideographs.find(static_cast<char32_t>(c)) != std::u32string_view::npos) ++dateish;
    } else if (u_isalpha(c)) {
      append_cp(word, c);
    } else {
      flush();
    }
  }
  flush();
  return digit && total <= 14 && dateish * 3 >= total * 2;
}

}  // namespace

std::vector<NumberSpan> find_numbers(std::string_view text) {
  std::vector<NumberSpan> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const UChar32 c = next_cp(text, i);
    if (!is_digit(c)) continue;
    NumberSpan n;
    n.begin = start;
    n.key += static_cast<char>('0' + u_charDigitValue(c));
    int run = 1;  // digits since the last separator
    while (i < text.size()) {
      size_t j = i;
      const UChar32 d = next_cp(text, j);
      if (is_digit(d)) {
        n.key += static_cast<char>('0' + u_charDigitValue(d));
        ++run;
        i = j;
        continue;
      }
      const auto sep = separator_key(d);
      if (!sep || !is_digit(cp_at(text, j))) break;
      if (*sep == ' ') {
        // "1 000": a space joins only groups of exactly three digits after at most three.
        size_t k = j;
        int group = 0;
        while (k < text.size() && is_digit(cp_at(text, k))) {
          next_cp(text, k);
          ++group;
        }
        if (run > 3 || group != 3) break;
      }
      n.key += *sep;
      run = 0;
      i = j;
    }
    n.end = i;
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<QuoteSpan> find_quotes(std::string_view text) {
  std::vector<QuoteSpan> out;
  // Every quotation mark is '"' or starts with one of these bytes (U+00AB/BB, U+201C/E, U+2039,
  // U+300C/E, U+FF02): most paragraphs are passed over without decoding.
  const bool any = std::any_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '"' || c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF;
  });
  if (!any) return out;
  std::u32string_view closers;
  size_t inner = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const UChar32 c = next_cp(text, i);
    if (!closers.empty()) {
      if (closers.find(static_cast<char32_t>(c)) == std::u32string_view::npos) continue;
      QuoteSpan q{inner, at, letters_key(text.substr(inner, at - inner))};
      if (!q.key.empty()) out.push_back(std::move(q));
      closers = {};
      continue;
    }
    switch (c) {
      case 0x201C:
        closers = U"\u201D";
        break;  // “…”
      case 0x201E:
        closers = U"\u201C\u201D";
        break;  // „…“ „…”
      case '"':
        closers = U"\"";
        break;  // "…"
      case 0x00AB:
        closers = U"\u00BB";
        break;  // «…»
      case 0x00BB:
        closers = U"\u00AB";
        break;  // »…«
      case 0x2039:
        closers = U"\u203A";
        break;  // ‹…›
      case 0x300C:
        closers = U"\u300D";
        break;  // 「…」
      case 0x300E:
        closers = U"\u300F";
        break;  // 『…』
      case 0xFF02:
        closers = U"\uFF02";
        break;  // ＂…＂
      default:
        continue;
    }
    inner = i;
  }
  return out;
}

std::string letters_key(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const UChar32 c = next_cp(text, i);
    if (is_digit(c))
      out += static_cast<char>('0' + u_charDigitValue(c));
    else if (u_isalnum(c))
      append_cp(out, u_tolower(c));
  }
  return out;
}

namespace {

// The next letter or digit of `text` from byte `i` as letters_key() has it (-1 at the end).
UChar32 next_letter(std::string_view text, size_t& i) {
  while (i < text.size()) {
    const UChar32 c = next_cp(text, i);
    if (is_digit(c)) return '0' + u_charDigitValue(c);
    if (u_isalnum(c)) return u_tolower(c);
  }
  return -1;
}

}  // namespace

bool same_letters(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  for (;;) {
    const UChar32 x = next_letter(a, i);
    if (x != next_letter(b, j)) return false;
    if (x < 0) return true;
  }
}

bool has_letters(std::string_view text) {
  size_t i = 0;
  return next_letter(text, i) >= 0;
}

bool is_updated_line(std::string_view text) {
  if (text.size() > k_max_updated_line_bytes) return false;
  const size_t from = skip_decoration(text);
  // Most blocks fail on their first letter: only then is the whole opening lower-cased.
  const std::string start = lowered(text, from, 1);
  if (std::none_of(k_updated_labels.begin(), k_updated_labels.end(),
                   [&](std::string_view label) { return label.substr(0, start.size()) == start; }))
    return false;
  const std::string head = lowered(text, from, 160);
  for (const std::string_view label : k_updated_labels) {
    const auto after = starts_with_word(head, label);
    if (!after) continue;
    return is_date_only(std::string_view(head).substr(*after));
  }
  return false;
}

namespace {

// The note labels and phrases by their first (lower-case) code point: most blocks start with a letter
// no label or phrase starts with, and are passed over without lower-casing their opening.
struct NoteOpening {
  std::string_view text;
  bool phrase = false;  // a phrase is a note by itself; a label needs a separator after it
};
const std::unordered_map<UChar32, std::vector<NoteOpening>>& note_openings() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<UChar32, std::vector<NoteOpening>>();
    for (const std::string_view phrase : k_note_phrases) {
      size_t i = 0;
      (*t)[next_cp(phrase, i)].push_back({phrase, true});
    }
    for (const std::string_view label : k_note_labels) {
      size_t i = 0;
      (*t)[next_cp(label, i)].push_back({label, false});
    }
    return t;
  }();
  return *table;
}

}  // namespace

bool is_correction_note(std::string_view text) {
  const size_t from = skip_decoration(text);
  if (from >= text.size()) return false;
  size_t i = from;
  const auto candidates = note_openings().find(u_tolower(next_cp(text, i)));
  if (candidates == note_openings().end()) return false;
  if (is_updated_line(text)) return false;
  const std::string head = lowered(text, from, k_note_head_cps);
  for (const NoteOpening& opening : candidates->second) {
    if (opening.phrase) {
      if (std::string_view(head).substr(0, opening.text.size()) == opening.text) return true;
      continue;
    }
    const auto after = starts_with_word(head, opening.text);
    if (!after) continue;
    size_t j = *after;
    while (j < head.size() && u_isspace(cp_at(head, j))) next_cp(head, j);
    if (j < head.size() && is_note_separator(cp_at(head, j))) return true;
  }
  return false;
}

std::string context_around(std::string_view text, size_t begin, size_t end, int radius) {
  // Walk `radius` code points out from each side, then to the nearest space inside that stretch.
  end = std::min(end, text.size());
  begin = std::min(begin, end);
  size_t from = begin;
  for (int n = 0; n < radius && from > 0; ++n) {
    --from;
    while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) --from;
  }
  size_t to = end;
  for (int n = 0; n < radius && to < text.size(); ++n) next_cp(text, to);
  if (from > 0) {
    const size_t space = text.find(' ', from);
    if (space != std::string_view::npos && space < begin) from = space + 1;
  }
  if (to < text.size()) {
    const size_t space = text.rfind(' ', to);
    if (space != std::string_view::npos && space >= end) to = space;
  }
  std::string out;
  if (from > 0) out += "…";
  out += text.substr(from, to - from);
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace redline::diff_detail
