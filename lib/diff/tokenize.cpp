#include "diff/tokenize.hpp"

#include <spdlog/spdlog.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/regex.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <utility>

#include "util/text.hpp"

namespace redline {

namespace {

int32_t utf16_length(UChar32 c) { return c > 0xFFFF ? 2 : 1; }

// u_isUWhiteSpace and u_ispunct (general category P*), answered without ICU for ASCII.
bool is_white(UChar32 c) { return c < 0x80 ? c == ' ' || (c >= 0x09 && c <= 0x0D) : u_isUWhiteSpace(c); }
bool is_punct(UChar32 c) {
  if (c >= 0x80) return u_ispunct(c);
  return c > ' ' && c < 0x7F && !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) &&
         c != '$' && c != '+' && c != '<' && c != '=' && c != '>' && c != '^' && c != '`' && c != '|' && c != '~';
}

bool is_ascii(std::string_view text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// ICU's root rules count '@' as a letter (so that e-mail addresses stay one word).
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum_or_underscore(char c) { return is_letter(c) || is_digit(c) || c == '_'; }

// The end of the segment that starts at `i`, as ICU's root word rules (UAX #29) cut ASCII: letters
// (with '@'), digits and '_' join; '.' or '\'' joins two letters; '.', '\'', ',' or ';' joins two digits; runs of
// ' ' join, and "\r\n"; any other character stands alone (ICU does not count ':' as MidLetter).
size_t ascii_segment_end(std::string_view t, size_t i) {
  const char c = t[i];
  if (c == '\r') return i + 1 < t.size() && t[i + 1] == '\n' ? i + 2 : i + 1;
  if (c == ' ') {
    while (i < t.size() && t[i] == ' ') ++i;
    return i;
  }
  if (!is_alnum_or_underscore(c)) return i + 1;
  ++i;
  while (i < t.size()) {
    if (is_alnum_or_underscore(t[i])) {
      ++i;
    } else if (i + 1 < t.size() && ((is_letter(t[i - 1]) && is_letter(t[i + 1]) && (t[i] == '.' || t[i] == '\'')) ||
                                    (is_digit(t[i - 1]) && is_digit(t[i + 1]) &&
                                     (t[i] == '.' || t[i] == '\'' || t[i] == ',' || t[i] == ';')))) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// Tokens of all-ASCII text without ICU (the same as ICU's; see tokenize_test): most English paragraphs.
void tokenize_ascii(std::string_view text, std::vector<Token>& out) {
  out.reserve(text.size() / 3 + 4);
  for (size_t i = 0; i < text.size();) {
    const size_t end = ascii_segment_end(text, i);
    const std::string_view piece = text.substr(i, end - i);
    bool all_space = true;
    for (const char c : piece) all_space = all_space && is_white(static_cast<unsigned char>(c));
    if (all_space && !out.empty() && out.back().kind == TokenKind::space) {
      out.back().text = std::string_view(out.back().text.data(), out.back().text.size() + piece.size());
    } else {
      // Punctuation is a lone punctuation character; ICU gives '@' and any longer piece (even "__") the
      // status of a word.
      const bool punct = piece.size() == 1 && piece[0] != '@' && is_punct(static_cast<unsigned char>(piece[0]));
      const TokenKind kind = all_space ? TokenKind::space : punct ? TokenKind::punct : TokenKind::word;
      out.push_back(Token{piece, all_space ? std::string_view() : piece, kind});
    }
    i = end;
  }
}

// A time limit (ICU "steps", roughly milliseconds) and a backtracking stack limit, so that a pathological
// pattern ("(a+)+$") cannot hang compare() or take its memory: the pattern is then skipped for that text.
constexpr int32_t k_regex_time_limit = 20;
constexpr int32_t k_regex_stack_limit = 1 << 20;

std::unique_ptr<icu::RegexPattern> compile_pattern(const std::string& pattern, std::string* error) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, parse_error, status));
  if (U_FAILURE(status)) {
    if (error) *error = std::string(u_errorName(status)) + " at offset " + std::to_string(parse_error.offset);
    return nullptr;
  }
  return compiled;
}

}  // namespace

namespace {

struct IgnorePattern {
  std::string source;
  std::unique_ptr<icu::RegexPattern> regex;
  std::atomic<bool> gave_up{false};

  // One log line per pattern for the life of the tokenizer (a daemon compares thousands of texts).
  void report_give_up(UErrorCode status, int32_t length) {
    if (gave_up.exchange(true)) return;
    spdlog::warn(
        "[diff] ignore pattern \"{}\" gave up on a text of {} characters ({}); it is skipped where that happens "
        "(simplify it: nested repetition such as (a+)+ backtracks without end)",
        source, length, u_errorName(status));
  }
};

}  // namespace

struct Tokenizer::Icu {
  std::unique_ptr<icu::BreakIterator> words;
  std::vector<std::unique_ptr<IgnorePattern>> ignore;
  const icu::Normalizer2* nfkc = nullptr;
};

Tokenizer::Tokenizer(const std::vector<std::string>& ignore) : m_icu(std::make_unique<Icu>()) {
  UErrorCode status = U_ZERO_ERROR;
  m_icu->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) m_icu->words.reset();
  status = U_ZERO_ERROR;
  m_icu->nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) m_icu->nfkc = nullptr;
  for (const auto& pattern : ignore)
    if (auto compiled = compile_pattern(pattern, nullptr)) {
      auto entry = std::make_unique<IgnorePattern>();
      entry->source = pattern;
      entry->regex = std::move(compiled);
      m_icu->ignore.push_back(std::move(entry));
    }
}

Tokenizer::~Tokenizer() = default;

Tokens Tokenizer::tokenize_copy(std::string text) {
  Tokens out;
  const std::string_view own = out.own(std::move(text));
  tokenize_into(own, out);
  return out;
}

Tokens Tokenizer::tokenize(std::string_view text) {
  Tokens out;
  tokenize_into(text, out);
  return out;
}

void Tokenizer::tokenize_into(std::string_view text, Tokens& tokens) {
  icu::BreakIterator* const words = m_icu->words.get();
  const icu::Normalizer2* const nfkc = m_icu->nfkc;
  std::vector<Token>& out = tokens.m_list;
  if (text.empty()) return;
  if (m_icu->ignore.empty() && words && is_ascii(text)) return tokenize_ascii(text, out);
  out.reserve(text.size() / 3 + 4);  // a token (word, space or punctuation) per 3–6 bytes
  const icu::UnicodeString raw =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const int32_t n = raw.length();

  // UTF-8 byte offset of every UTF-16 index, so that tokens are slices of the text, and which units
  // are dropped before word breaking.
  std::vector<size_t> byte_at(static_cast<size_t>(n) + 1);
  std::vector<char> dropped(static_cast<size_t>(n), 0);
  bool valid_utf8 = true;
  size_t byte = 0;
  for (int32_t i = 0; i < n;) {
    const UChar32 c = raw.char32At(i);
    const int32_t len = utf16_length(c);
    for (int32_t k = 0; k < len && i + k < n; ++k) {
      byte_at[static_cast<size_t>(i + k)] = byte;
      dropped[static_cast<size_t>(i + k)] = is_invisible(c) ? 1 : 0;
    }
    if (c == 0xFFFD && text.substr(std::min(byte, text.size()), 3) != "\xEF\xBF\xBD") valid_utf8 = false;
    byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += len;
  }
  byte_at[static_cast<size_t>(n)] = byte;
  // ICU replaced each malformed sequence by U+FFFD: the tokens are then slices of that repaired text,
  // whose byte offsets are the ones just counted.
  if (!valid_utf8 || byte != text.size()) {
    std::string repaired;
    raw.toUTF8String(repaired);
    text = tokens.own(std::move(repaired));
  }
  const auto slice = [&](int32_t rb, int32_t re) {
    return text.substr(byte_at[static_cast<size_t>(rb)],
                       byte_at[static_cast<size_t>(re)] - byte_at[static_cast<size_t>(rb)]);
  };
  std::vector<std::pair<int32_t, int32_t>> matches;
  for (const auto& pattern : m_icu->ignore) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(pattern->regex->matcher(raw, status));
    if (U_FAILURE(status)) continue;
    matcher->setTimeLimit(k_regex_time_limit, status);
    matcher->setStackLimit(k_regex_stack_limit, status);
    matches.clear();
    while (U_SUCCESS(status) && matcher->find(status)) {
      const int32_t s = matcher->start(status);
      const int32_t e = matcher->end(status);
      if (U_FAILURE(status)) break;
      matches.emplace_back(s, e);
    }
    // All or nothing: a pattern that gave up part way drops nothing from this text.
    if (U_FAILURE(status)) {
      pattern->report_give_up(status, n);
      continue;
    }
    for (const auto& [s, e] : matches)
      for (int32_t i = s; i < e; ++i) dropped[static_cast<size_t>(i)] = 1;
  }

  // `clean`: `raw` without the dropped units (usually none: then `raw` itself).
  const bool drops = std::find(dropped.begin(), dropped.end(), 1) != dropped.end();
  icu::UnicodeString kept;
  std::vector<int32_t> kept_at;  // UTF-16 index in `raw` of each unit of `kept`
  if (drops) {
    kept = icu::UnicodeString(n, 0, 0);  // capacity n, empty
    kept_at.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
      if (dropped[static_cast<size_t>(i)]) continue;
      kept.append(raw.charAt(i));
      kept_at.push_back(i);
    }
  }
  const icu::UnicodeString& clean = drops ? kept : raw;
  const auto raw_of = [&](int32_t i) { return drops ? kept_at[static_cast<size_t>(i)] : i; };

  int32_t emitted = 0;  // UTF-16 index in `raw` up to which tokens have been emitted
  // Emits raw[rb, re) (merged into the previous token when both are space). Its comparison key is
  // its own text, or `key` when given, or nothing for space.
  const auto emit = [&](TokenKind kind, int32_t rb, int32_t re, std::optional<std::string> key = std::nullopt) {
    if (kind == TokenKind::space && !out.empty() && out.back().kind == TokenKind::space) {
      const std::string_view more = slice(emitted, re);
      out.back().text = std::string_view(out.back().text.data(), out.back().text.size() + more.size());
    } else {
      const std::string_view piece = slice(rb, re);
      const std::string_view own_key = kind == TokenKind::space ? std::string_view() : piece;
      out.push_back(Token{piece, key ? tokens.own(std::move(*key)) : own_key, kind});
    }
    emitted = re;
  };

  if (words && clean.length() > 0) {
    words->setText(clean);
    int32_t s = words->first();
    for (int32_t e = words->next(); e != icu::BreakIterator::DONE; s = e, e = words->next()) {
      const int32_t rb = raw_of(s);
      const int32_t re = raw_of(e - 1) + 1;
      if (rb > emitted) emit(TokenKind::space, emitted, rb);
      bool all_space = true;
      bool all_punct = true;
      bool ascii = true;
      for (int32_t i = s; i < e;) {
        const UChar32 c = clean.char32At(i);
        if (!is_white(c)) all_space = false;
        if (!is_punct(c)) all_punct = false;
        if (c >= 0x80) ascii = false;
        i += utf16_length(c);
      }
      if (all_space) {
        emit(TokenKind::space, rb, re);
        continue;
      }
      const TokenKind kind =
          all_punct && words->getRuleStatus() < UBRK_WORD_NONE_LIMIT ? TokenKind::punct : TokenKind::word;
      // The key is the token's own text when nothing was dropped inside it and it is already NFKC
      // (always so for ASCII); otherwise the cleaned piece, normalized.
      const bool intact = re - rb == e - s;
      if (intact && ascii) {
        emit(kind, rb, re);
        continue;
      }
      const icu::UnicodeString piece = clean.tempSubString(s, e - s);
      UErrorCode status = U_ZERO_ERROR;
      if (intact && nfkc && nfkc->quickCheck(piece, status) == UNORM_YES && U_SUCCESS(status)) {
        emit(kind, rb, re);
        continue;
      }
      std::string key;
      status = U_ZERO_ERROR;
      if (nfkc) nfkc->normalize(piece, status).toUTF8String(key);
      if (!nfkc || U_FAILURE(status)) {
        key.clear();
        piece.toUTF8String(key);
      }
      emit(kind, rb, re, std::move(key));
    }
  }
  if (emitted < n) emit(TokenKind::space, emitted, n);
}

Status validate_ignore_patterns(const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    std::string error;
    if (!compile_pattern(pattern, &error))
      return make_error(Errc::config, "ignore pattern \"" + pattern + "\" does not compile: " + error);
  }
  return {};
}

std::string typographic_fold(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  size_t pos = 0;
  while (pos < key.size()) {
    const char32_t c = next_code_point(key, pos);
    switch (c) {
      case U'\u2018':
      case U'\u2019':
      case U'\u201A':
      case U'\u201B':
      case U'\u2032':
      case U'`':
      case U'\u00B4':
        out += '\'';
        break;
      case U'\u201C':
      case U'\u201D':
      case U'\u201E':
      case U'\u201F':
      case U'\u2033':
      case U'\u00AB':
      case U'\u00BB':
      case U'\u300C':
      case U'\u300D':
      case U'\u300E':
      case U'\u300F':
      case U'\u301D':
      case U'\u301E':
      case U'\u300A':
      case U'\u300B':
      case U'\u3008':
      case U'\u3009':
      case U'\u2039':
      case U'\u203A':
        out += '"';
        break;
      case U'\u2010':
      case U'\u2011':
      case U'\u2012':
      case U'\u2013':
      case U'\u2014':
      case U'\u2015':
      case U'\u2212':
        out += '-';
        break;
      case U'\u2026':
        out += "...";
        break;
      case U'\u3010':
      case U'\u3014':
      case U'[':
      case U'{':
        out += '(';
        break;
      case U'\u3011':
      case U'\u3015':
      case U']':
      case U'}':
        out += ')';
        break;
      default:
        append_utf8(out, c);
    }
  }
  return out;
}

int count_code_points(std::string_view text) {
  int n = 0;
  for (const char ch : text)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace redline
