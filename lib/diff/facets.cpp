#include "diff/facets.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/time.hpp"
#include "diff/facts.hpp"

namespace redline {

using diff_detail::find_numbers;
using diff_detail::find_quotes;
using diff_detail::is_correction_note;
using diff_detail::is_updated_line;
using diff_detail::letters_key;

namespace {

// How alike the words around the quotes of a removed and an added paragraph must be for their quotes
// to be compared (bigram Dice of their letters).
constexpr double k_rewritten_quote_similarity = 0.5;

// A block whose numbers and quotes are not the article's: a note or an "updated" line.
bool is_apparatus(const std::string& text) { return is_updated_line(text) || is_correction_note(text); }

// A number or quotation found in one of the compared texts. `pair` names the text pair it belongs to
// (-1 the headline, else the index of the body entry); `text` is the text it was found in.
template <typename Span>
struct Found {
  int pair = 0;
  std::string_view text;
  Span span;
  bool matched = false;
  std::string_view full;  // numbers: the whole new text `text` (an op's text) is part of,
  int full_cp = 0;        // and where `text` starts in it, in code points
};

template <typename Span>
void collect(std::vector<Found<Span>>& out, int pair, std::string_view text,
             std::vector<Span> (*find)(std::string_view)) {
  for (auto& s : find(text)) out.push_back(Found<Span>{pair, text, std::move(s), false, text, 0});
}

// Marks the spans present on both sides (same key): first within the same text pair, then across pairs
// (a number or quote that moved to another paragraph did not change). Both sides sorted by key and
// merged, in document order among equal keys: an article where every word carries a number has tens
// of thousands of them.
template <typename Span>
void match_equal(std::vector<Found<Span>>& olds, std::vector<Found<Span>>& news) {
  for (const bool same_pair : {true, false}) {
    const auto less = [same_pair](const Found<Span>* x, const Found<Span>* y) {
      if (same_pair && x->pair != y->pair) return x->pair < y->pair;
      return x->span.key < y->span.key;
    };
    std::vector<Found<Span>*> os;
    std::vector<Found<Span>*> ns;
    for (auto& o : olds)
      if (!o.matched) os.push_back(&o);
    for (auto& n : news)
      if (!n.matched) ns.push_back(&n);
    if (os.empty() || ns.empty()) return;
    std::stable_sort(os.begin(), os.end(), less);
    std::stable_sort(ns.begin(), ns.end(), less);
    for (size_t i = 0, j = 0; i < os.size() && j < ns.size();) {
      if (less(os[i], ns[j])) {
        ++i;
      } else if (less(ns[j], os[i])) {
        ++j;
      } else {
        os[i++]->matched = true;
        ns[j++]->matched = true;
      }
    }
  }
}

// Dice coefficient over the code-point bigrams of two keys.
double bigram_similarity(std::string_view a, std::string_view b) {
  const auto bigrams = [](std::string_view s) {
    std::vector<std::string_view> cps;
    for (size_t i = 0; i < s.size();) {
      size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      cps.push_back(s.substr(i, n));
      i += n;
    }
    std::multiset<std::string> out;
    for (size_t i = 0; i + 1 < cps.size(); ++i) out.insert(std::string(cps[i]) + std::string(cps[i + 1]));
    return out;
  };
  const auto x = bigrams(a);
  const auto y = bigrams(b);
  if (x.empty() || y.empty()) return a == b ? 1.0 : 0.0;
  std::vector<std::string> common;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(x.size() + y.size());
}

// What is left unmatched in one text pair, paired: numbers in order, quotes by similarity (or the
// only one on each side).
template <typename Span, typename Emit>
void pair_leftovers(std::vector<Found<Span>>& olds, std::vector<Found<Span>>& news, bool by_similarity, Emit&& emit) {
  std::map<int, std::pair<std::vector<Found<Span>*>, std::vector<Found<Span>*>>> by_pair;
  for (auto& o : olds)
    if (!o.matched) by_pair[o.pair].first.push_back(&o);
  for (auto& n : news)
    if (!n.matched && by_pair.count(n.pair)) by_pair[n.pair].second.push_back(&n);
  for (auto& entry : by_pair) {
    auto& [os, ns] = entry.second;
    if (!by_similarity || (os.size() == 1 && ns.size() == 1)) {
      for (size_t i = 0; i < std::min(os.size(), ns.size()); ++i) emit(*os[i], *ns[i]);
      continue;
    }
    for (auto* o : os) {
      Found<Span>* best = nullptr;
      double best_sim = 0.3;
      for (auto* n : ns) {
        if (n->matched) continue;
        const double sim = bigram_similarity(o->span.key, n->span.key);
        if (sim >= best_sim) {
          best = n;
          best_sim = sim;
        }
      }
      if (!best) continue;
      best->matched = true;
      emit(*o, *best);
    }
  }
}

// The texts compare() paired: the headline (pair -1) and each edited paragraph (its body index).
struct TextPair {
  int pair;
  std::string_view old_text;
  std::string_view new_text;
  const std::vector<WordOp>* ops;  // compare()'s word diff of the two
};

std::vector<TextPair> edited_texts(const Change& change, const Article& a, const Article& b) {
  std::vector<TextPair> out;
  if (!change.headline_ops.empty()) out.push_back({-1, a.headline, b.headline, &change.headline_ops});
  for (size_t i = 0; i < change.body.size(); ++i) {
    const ParagraphDiff& p = change.body[i];
    if (p.fate != ParagraphFate::changed) continue;
    const std::string& ot = a.blocks[static_cast<size_t>(p.old_index)].text;
    const std::string& nt = b.blocks[static_cast<size_t>(p.new_index)].text;
    if (is_apparatus(ot) || is_apparatus(nt)) continue;
    out.push_back({static_cast<int>(i), ot, nt, &p.ops});
  }
  return out;
}

// Byte offset of code point `cp` of `text`.
size_t byte_offset(std::string_view text, int cp) {
  size_t i = 0;
  for (; i < text.size() && cp > 0; --cp) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// Numbers are looked for only in what the word diff deleted and inserted: a number in kept text did
// not change, and a number deleted in one place and inserted in another only moved.
void find_number_facts(const std::vector<TextPair>& texts, bool fell_back, ChangeFacts& facts) {
  std::vector<Found<diff_detail::NumberSpan>> olds;
  std::vector<Found<diff_detail::NumberSpan>> news;
  for (const auto& t : texts) {
    // A paragraph the cost cap replaced whole (one del, one ins) has no word-level pairing to go by:
    // matching its every number would cost more than the diff itself.
    if (fell_back && t.pair >= 0 && t.ops->size() == 2 && (*t.ops)[0].kind == OpKind::del &&
        (*t.ops)[1].kind == OpKind::ins)
      continue;
    for (const WordOp& op : *t.ops) {
      if (op.kind == OpKind::keep || op.noise) continue;
      auto& out = op.kind == OpKind::del ? olds : news;
      for (auto& span : find_numbers(op.text))
        out.push_back({t.pair, op.text, std::move(span), false, t.new_text, op.new_offset});
    }
  }
  match_equal(olds, news);
  pair_leftovers(olds, news, false, [&](const auto& o, const auto& n) {
    if (facts.numbers.size() >= k_max_facts) return;
    // The op's code point offset finds it in the paragraph; when the paragraph is not valid UTF-8 the
    // diff ran on a repaired copy whose offsets differ, and the context comes from the op alone.
    const size_t base = byte_offset(n.full, n.full_cp);
    const bool found = n.full.substr(std::min(base, n.full.size()), n.text.size()) == n.text;
    const std::string_view around = found ? n.full : n.text;
    const size_t at = found ? base : 0;
    facts.numbers.push_back(NumberFact{std::string(o.text.substr(o.span.begin, o.span.end - o.span.begin)),
                                       std::string(n.text.substr(n.span.begin, n.span.end - n.span.begin)),
                                       diff_detail::context_around(around, at + n.span.begin, at + n.span.end)});
  });
}

// The letters and digits of `text` outside its quotations.
std::string outside_quotes(std::string_view text) {
  std::string rest;
  size_t at = 0;
  for (const auto& q : find_quotes(text)) {
    rest += text.substr(at, q.begin - at);
    at = q.end;
  }
  rest += text.substr(at);
  return letters_key(rest);
}

void find_quote_facts(const Change& change, const Article& a, const Article& b, const std::vector<TextPair>& texts,
                      ChangeFacts& facts) {
  std::vector<Found<diff_detail::QuoteSpan>> olds;
  std::vector<Found<diff_detail::QuoteSpan>> news;
  for (const auto& t : texts) {
    collect(olds, t.pair, t.old_text, &find_quotes);
    collect(news, t.pair, t.new_text, &find_quotes);
  }
  // A paragraph removed and the one added in its place whose words around the quotes are alike (the same
  // statement with its quote rewritten beyond the paragraph pairing's 50 %) are paired like an edited
  // paragraph. Quotes of other added or removed paragraphs only cancel moves; they are never paired.
  const auto old_text = [&](const ParagraphDiff& p) -> const std::string& {
    return a.blocks[static_cast<size_t>(p.old_index)].text;
  };
  const auto new_text = [&](const ParagraphDiff& p) -> const std::string& {
    return b.blocks[static_cast<size_t>(p.new_index)].text;
  };
  for (size_t i = 0; i < change.body.size(); ++i) {
    const ParagraphDiff& p = change.body[i];
    if (p.fate != ParagraphFate::removed && p.fate != ParagraphFate::added) continue;
    if (i + 1 < change.body.size()) {
      const ParagraphDiff& q = change.body[i + 1];
      const ParagraphDiff* removed = p.fate == ParagraphFate::removed ? &p : &q;
      const ParagraphDiff* added = p.fate == ParagraphFate::added ? &p : &q;
      if (removed->fate == ParagraphFate::removed && added->fate == ParagraphFate::added) {
        const std::string& ot = old_text(*removed);
        const std::string& nt = new_text(*added);
        if (!is_apparatus(ot) && !is_apparatus(nt) &&
            bigram_similarity(outside_quotes(ot), outside_quotes(nt)) >= k_rewritten_quote_similarity) {
          collect(olds, static_cast<int>(i), ot, &find_quotes);
          collect(news, static_cast<int>(i), nt, &find_quotes);
          ++i;
          continue;
        }
      }
    }
    if (p.fate == ParagraphFate::removed)
      collect(olds, -2 - static_cast<int>(i), old_text(p), &find_quotes);
    else
      collect(news, -2 - static_cast<int>(i), new_text(p), &find_quotes);
  }
  match_equal(olds, news);
  pair_leftovers(olds, news, true, [&](const auto& o, const auto& n) {
    if (facts.quotes.size() >= k_max_facts) return;
    facts.quotes.push_back(QuoteFact{std::string(o.text.substr(o.span.begin, o.span.end - o.span.begin)),
                                     std::string(n.text.substr(n.span.begin, n.span.end - n.span.begin))});
  });
}

// Notes of the new version that the old one does not have (by their letters and digits).
void find_corrections(const Change& change, const Article& a, const Article& b, ChangeFacts& facts) {
  std::vector<const std::string*> candidates;
  for (const auto& p : change.body) {
    if (p.fate != ParagraphFate::changed && p.fate != ParagraphFate::added) continue;
    const std::string& text = b.blocks[static_cast<size_t>(p.new_index)].text;
    if (is_correction_note(text)) candidates.push_back(&text);
  }
  if (candidates.empty()) return;
  std::set<std::string> old_notes;
  for (const auto& block : a.blocks)
    if (is_correction_note(block.text)) old_notes.insert(letters_key(block.text));
  for (const std::string* text : candidates)
    if (!old_notes.count(letters_key(*text)) && facts.corrections.size() < k_max_facts)
      facts.corrections.push_back(*text);
}

// What the page tells readers about when it was last modified: its `modified` date and its visible
// "updated" lines. Empty when it tells nothing.
std::string modified_signal(const Article& article) {
  std::string signal;
  if (article.modified) signal = format_rfc3339(*article.modified);
  for (const auto& block : article.blocks)
    if (is_updated_line(block.text)) signal += "\n" + letters_key(block.text);
  return signal;
}

// Index of the first paragraph (not a note or an "updated" line, with a letter or digit); -1 when none.
int lede_index(const Article& article) {
  for (size_t i = 0; i < article.blocks.size(); ++i) {
    const Block& block = article.blocks[i];
    if (block.kind == BlockKind::paragraph && !is_apparatus(block.text) && diff_detail::has_letters(block.text))
      return static_cast<int>(i);
  }
  return -1;
}

// Whether the first paragraph differs in its letters or digits (or one version has none).
bool lede_changed(const Change& change, const Article& a, const Article& b) {
  const int i = lede_index(a);
  const int j = lede_index(b);
  if (i < 0 || j < 0) return (i < 0) != (j < 0);
  for (const auto& p : change.body)
    if (p.fate == ParagraphFate::same && p.old_index == i && p.new_index == j) return false;
  return !diff_detail::same_letters(a.blocks[static_cast<size_t>(i)].text, b.blocks[static_cast<size_t>(j)].text);
}

}  // namespace

void add_facets(Change& change, const Article& old_version, const Article& new_version) {
  if (!change.changed()) return;
  const bool body = change.has_class(k_class_body);
  const bool headline = change.has_class(k_class_headline);
  const bool minor = change.has_class(k_class_minor);
  ChangeFacts& facts = change.facts;

  if (body) find_corrections(change, old_version, new_version, facts);
  if (!minor && (headline || body)) {
    const std::vector<TextPair> texts = edited_texts(change, old_version, new_version);
    find_number_facts(texts, change.fell_back, facts);
    find_quote_facts(change, old_version, new_version, texts, facts);
  }
  bool silent = false;
  if (!minor && (headline || body) && facts.corrections.empty()) {
    const std::string old_signal = modified_signal(old_version);
    silent = !old_signal.empty() && old_signal == modified_signal(new_version);
  }
  const bool lede = body && lede_changed(change, old_version, new_version);

  if (!facts.corrections.empty()) change.classes.emplace_back(k_class_correction);
  if (silent) change.classes.emplace_back(k_class_silent);
  if (!facts.numbers.empty()) change.classes.emplace_back(k_class_numbers);
  if (!facts.quotes.empty()) change.classes.emplace_back(k_class_quotes);
  if (lede) change.classes.emplace_back(k_class_lede);
}

}  // namespace redline
