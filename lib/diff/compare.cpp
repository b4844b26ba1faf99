#include "diff/compare.hpp"

#include <cmath>
#include <map>
#include <unordered_map>

#include "core/time.hpp"
#include "diff/align.hpp"
#include "diff/facets.hpp"
#include "diff/summary.hpp"
#include "diff/tokenize.hpp"
#include "diff/word_diff.hpp"
#include "util/crypto.hpp"

namespace redline {

using diff_detail::CostBudget;
using diff_detail::Field;
using diff_detail::Interner;
using diff_detail::WordDiff;

namespace {

// Paragraphs less similar than this (Dice over their word multisets) are reported as removed + added
// rather than as one changed paragraph (git's rename detection uses the same 50 %).
constexpr double k_pair_min_similarity = 0.5;
// Work allowed for aligning the paragraph sequence, in diff_detail::align's units ((N+M)·(P+1)):
// 200 paragraphs with 1000 edits, or 1000 paragraphs with 100.
constexpr long long k_paragraph_alignment_cost = 200'000;

struct VectorHash {
  size_t operator()(const std::vector<int>& v) const {
    size_t h = v.size();
    for (const int x : v) h = h * 1000003u ^ static_cast<size_t>(x);
    return h;
  }
};

// Everything compare() needs from one article. Blocks keep their interned ids but not their tokens
// (most of a diff's memory): a block's tokens are made again when it is word-diffed.
struct Prepared {
  Field headline;
  Field byline;
  std::vector<Field> blocks;            // one per article block, without tokens
  std::vector<std::string_view> texts;  // each block's text (a view of the article)
  std::vector<int> para_ids;            // interned token sequence of each non-empty block
  std::vector<int> para_blocks;         // the block index of each entry of para_ids
};

// This thread's Tokenizer for `ignore`, built once (an ICU word iterator costs as much to make and
// destroy as tokenizing a short article); rebuilt only when the patterns differ from the last call's.
Tokenizer& thread_tokenizer(const std::vector<std::string>& ignore) {
  thread_local std::vector<std::string> patterns;
  thread_local std::unique_ptr<Tokenizer> tokenizer;
  if (!tokenizer || patterns != ignore) {
    tokenizer = std::make_unique<Tokenizer>(ignore);
    patterns = ignore;
  }
  return *tokenizer;
}

class Preparer {
 public:
  explicit Preparer(const CompareOptions& options) : m_tokenizer(thread_tokenizer(options.ignore)) {}

  Prepared prepare(const Article& article) {
    Prepared p;
    p.headline = diff_detail::make_field(m_tokens, m_tokenizer.tokenize(article.headline));
    p.byline = diff_detail::make_field(m_tokens, m_tokenizer.tokenize_copy(article.byline()));
    p.blocks.reserve(article.blocks.size());
    p.texts.reserve(article.blocks.size());
    for (size_t i = 0; i < article.blocks.size(); ++i) {
      p.texts.emplace_back(article.blocks[i].text);
      p.blocks.push_back(field(p.texts.back()));
      p.blocks.back().drop_tokens();
      const Field& f = p.blocks.back();
      if (f.empty()) continue;
      p.para_ids.push_back(m_paragraphs.try_emplace(f.ids, static_cast<int>(m_paragraphs.size())).first->second);
      p.para_blocks.push_back(static_cast<int>(i));
    }
    return p;
  }

  // The field of `text` with its tokens; `text` must outlive it.
  Field field(std::string_view text) { return diff_detail::make_field(m_tokens, m_tokenizer.tokenize(text)); }

 private:
  Tokenizer& m_tokenizer;
  Interner m_tokens;
  std::unordered_map<std::vector<int>, int, VectorHash> m_paragraphs;
};

class BodyDiffer {
 public:
  BodyDiffer(Preparer& preparer, const Prepared& old_p, const Prepared& new_p, CostBudget& budget, Change& change,
             bool& all_minor)
      : m_preparer(preparer), m_old(old_p), m_new(new_p), m_budget(budget), m_change(change), m_all_minor(all_minor) {}

  // Fills change.body and the paragraph/word stats; returns the number of tokens kept.
  long long run() {
    // When aligning the paragraph sequence would cost too much (thousands of paragraphs, nearly all
    // edited), everything outside the common prefix and suffix becomes one gap; the pairing below is
    // linear there, and the edited paragraphs are still word-diffed.
    // Paragraph sequences get their own, smaller allowance: when most paragraphs differ, the O(NP)
    // path bookkeeping costs more than the pairing below would gain.
    CostBudget paragraph_budget{k_paragraph_alignment_cost, k_paragraph_alignment_cost};
    auto matched = diff_detail::align(m_old.para_ids, m_new.para_ids, paragraph_budget);
    if (!matched) matched = trimmed_only();
    find_moves(*matched);
    int prev_old = -1;
    int prev_new = -1;
    matched->emplace_back(static_cast<int>(m_old.para_ids.size()), static_cast<int>(m_new.para_ids.size()));
    for (const auto& [i, j] : *matched) {
      emit_gap(prev_old + 1, i, prev_new + 1, j);
      if (i < static_cast<int>(m_old.para_ids.size())) {
        m_change.body.push_back(ParagraphDiff{ParagraphFate::same, old_block(i), new_block(j), {}});
        m_kept += static_cast<long long>(m_old.blocks[static_cast<size_t>(old_block(i))].ids.size());
      }
      prev_old = i;
      prev_new = j;
    }
    return m_kept;
  }

 private:
  // The common prefix and suffix of the paragraph sequences, as matched pairs.
  std::vector<std::pair<int, int>> trimmed_only() const {
    const auto& a = m_old.para_ids;
    const auto& b = m_new.para_ids;
    std::vector<std::pair<int, int>> pairs;
    size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
      pairs.emplace_back(static_cast<int>(prefix), static_cast<int>(prefix));
      ++prefix;
    }
    size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
      ++suffix;
    for (size_t k = suffix; k > 0; --k)
      pairs.emplace_back(static_cast<int>(a.size() - k), static_cast<int>(b.size() - k));
    return pairs;
  }

  int old_block(int i) const { return m_old.para_blocks[static_cast<size_t>(i)]; }
  int new_block(int j) const { return m_new.para_blocks[static_cast<size_t>(j)]; }

  // Unmatched paragraphs with the same text on both sides are moves.
  void find_moves(const std::vector<std::pair<int, int>>& matched) {
    m_moved_from.assign(m_old.para_ids.size(), -1);
    m_moved_to.assign(m_new.para_ids.size(), -1);
    std::vector<char> old_matched(m_old.para_ids.size(), 0);
    std::vector<char> new_matched(m_new.para_ids.size(), 0);
    for (const auto& [i, j] : matched) {
      old_matched[static_cast<size_t>(i)] = 1;
      new_matched[static_cast<size_t>(j)] = 1;
    }
    std::map<int, std::vector<int>> removed;  // paragraph id -> old positions, in reverse order
    for (size_t i = m_old.para_ids.size(); i-- > 0;)
      if (!old_matched[i]) removed[m_old.para_ids[i]].push_back(static_cast<int>(i));
    for (size_t j = 0; j < m_new.para_ids.size(); ++j) {
      if (new_matched[j]) continue;
      auto it = removed.find(m_new.para_ids[j]);
      if (it == removed.end() || it->second.empty()) continue;
      m_moved_to[j] = it->second.back();
      m_moved_from[static_cast<size_t>(it->second.back())] = static_cast<int>(j);
      it->second.pop_back();
    }
  }

  // Old paragraphs [ob, oe) and new paragraphs [nb, ne) lie between two matched ones.
  void emit_gap(int ob, int oe, int nb, int ne) {
    std::vector<int> dels;
    std::vector<int> adds;
    for (int i = ob; i < oe; ++i)
      if (m_moved_from[static_cast<size_t>(i)] < 0) dels.push_back(i);
    for (int j = nb; j < ne; ++j)
      if (m_moved_to[static_cast<size_t>(j)] < 0) adds.push_back(j);
    std::vector<const std::vector<int>*> old_items;
    std::vector<const std::vector<int>*> new_items;
    for (const int i : dels) old_items.push_back(&m_old.blocks[static_cast<size_t>(old_block(i))].sorted);
    for (const int j : adds) new_items.push_back(&m_new.blocks[static_cast<size_t>(new_block(j))].sorted);
    const auto pairs = diff_detail::pair_by_similarity(old_items, new_items, k_pair_min_similarity);
    std::map<int, int> partner;  // new position -> old position
    for (const auto& [d, a] : pairs) partner[adds[static_cast<size_t>(a)]] = dels[static_cast<size_t>(d)];

    size_t next_del = 0;
    const auto flush_dels_before = [&](int limit) {
      while (next_del < dels.size() && dels[next_del] < limit) removed(dels[next_del++]);
    };
    for (int j = nb; j < ne; ++j) {
      if (m_moved_to[static_cast<size_t>(j)] >= 0) {
        moved(m_moved_to[static_cast<size_t>(j)], j);
      } else if (auto it = partner.find(j); it != partner.end()) {
        flush_dels_before(it->second);
        ++next_del;  // the partner itself
        edited(it->second, j);
      } else {
        added(j);
      }
    }
    flush_dels_before(oe);
  }

  void removed(int i) {
    const auto b = static_cast<size_t>(old_block(i));
    const Field& f = m_old.blocks[b];
    m_change.body.push_back(ParagraphDiff{
        ParagraphFate::removed, old_block(i), -1, {WordOp{OpKind::del, std::string(m_old.texts[b]), 0, 0, false}}});
    ++m_change.stats.paragraphs_removed;
    m_change.stats.words_removed += f.words;
    if (f.words > 0) m_all_minor = false;
  }

  void added(int j) {
    const auto b = static_cast<size_t>(new_block(j));
    const Field& f = m_new.blocks[b];
    m_change.body.push_back(ParagraphDiff{
        ParagraphFate::added, -1, new_block(j), {WordOp{OpKind::ins, std::string(m_new.texts[b]), 0, 0, false}}});
    ++m_change.stats.paragraphs_added;
    m_change.stats.words_added += f.words;
    if (f.words > 0) m_all_minor = false;
  }

  void moved(int i, int j) {
    m_change.body.push_back(ParagraphDiff{ParagraphFate::moved, old_block(i), new_block(j), {}});
    ++m_change.stats.paragraphs_moved;
    m_kept += static_cast<long long>(m_old.blocks[static_cast<size_t>(old_block(i))].ids.size());
    m_all_minor = false;
  }

  void edited(int i, int j) {
    const Field of = m_preparer.field(m_old.texts[static_cast<size_t>(old_block(i))]);
    const Field nf = m_preparer.field(m_new.texts[static_cast<size_t>(new_block(j))]);
    WordDiff wd = diff_detail::diff_fields(of, nf, m_budget, m_change.fell_back);
    m_change.body.push_back(ParagraphDiff{ParagraphFate::changed, old_block(i), new_block(j), std::move(wd.ops)});
    ++m_change.stats.paragraphs_changed;
    m_change.stats.words_added += wd.words_added;
    m_change.stats.words_removed += wd.words_removed;
    m_kept += wd.tokens_kept;
    if (!wd.minor) m_all_minor = false;
  }

  Preparer& m_preparer;
  const Prepared& m_old;
  const Prepared& m_new;
  CostBudget& m_budget;
  Change& m_change;
  bool& m_all_minor;
  std::vector<int> m_moved_from;  // old position -> new position it moved to, or -1
  std::vector<int> m_moved_to;    // new position -> old position it came from, or -1
  long long m_kept = 0;
};

long long real_tokens(const Prepared& p) {
  long long n = static_cast<long long>(p.headline.ids.size() + p.byline.ids.size());
  for (const auto& b : p.blocks) n += static_cast<long long>(b.ids.size());
  return n;
}

// The body's token ids, paragraph boundaries ignored.
std::vector<int> body_tokens(const Prepared& p) {
  std::vector<int> ids;
  for (const auto& b : p.blocks) ids.insert(ids.end(), b.ids.begin(), b.ids.end());
  return ids;
}

// Appends the comparison keys of `text`'s word and punctuation tokens, each as "<length>:<key>".
void append_keys(std::string& out, Tokenizer& tokenizer, std::string_view text) {
  for (const Token& t : tokenizer.tokenize(text)) {
    if (t.kind == TokenKind::space) continue;
    out += std::to_string(t.key.size());
    out += ':';
    out += t.key;
  }
}

}  // namespace

Change compare(const Article& old_version, const Article& new_version, const CompareOptions& options) {
  Preparer preparer(options);
  const Prepared old_p = preparer.prepare(old_version);
  const Prepared new_p = preparer.prepare(new_version);
  CostBudget budget = diff_detail::default_budget();
  Change change;
  change.published_old = old_version.published;
  change.published_new = new_version.published;
  bool all_minor = true;
  long long kept = 0;

  const bool headline_changed = old_p.headline.ids != new_p.headline.ids;
  if (headline_changed) {
    WordDiff wd = diff_detail::diff_fields(old_p.headline, new_p.headline, budget, change.fell_back);
    change.headline_ops = std::move(wd.ops);
    change.stats.words_added += wd.words_added;
    change.stats.words_removed += wd.words_removed;
    kept += wd.tokens_kept;
    all_minor = all_minor && wd.minor;
  } else {
    kept += static_cast<long long>(old_p.headline.ids.size());
  }
  const bool byline_changed = old_p.byline.ids != new_p.byline.ids;
  if (byline_changed) {
    WordDiff wd = diff_detail::diff_fields(old_p.byline, new_p.byline, budget, change.fell_back);
    change.byline_ops = std::move(wd.ops);
    kept += wd.tokens_kept;
    all_minor = all_minor && wd.minor;
  } else {
    kept += static_cast<long long>(old_p.byline.ids.size());
  }
  const bool dates_changed = old_version.published != new_version.published;
  if (dates_changed) all_minor = false;

  // Paragraph boundaries alone are markup: the same words split into two blocks or merged into one
  // are not a change (the fingerprint hashes the body as one token stream for the same reason).
  if (body_tokens(old_p) == body_tokens(new_p)) {
    for (const auto& b : old_p.blocks) kept += static_cast<long long>(b.ids.size());
  } else {
    kept += BodyDiffer(preparer, old_p, new_p, budget, change, all_minor).run();
  }
  const ChangeStats& s = change.stats;
  const bool body_changed = s.paragraphs_added + s.paragraphs_removed + s.paragraphs_changed + s.paragraphs_moved > 0;
  if (!body_changed) change.body.clear();  // nothing but `same` entries: leave the body empty

  if (headline_changed) change.classes.emplace_back(k_class_headline);
  if (body_changed) change.classes.emplace_back(k_class_body);
  if (byline_changed) change.classes.emplace_back(k_class_byline);
  if (dates_changed) change.classes.emplace_back(k_class_dates);
  if (!change.classes.empty() && all_minor) change.classes.emplace_back(k_class_minor);

  const long long total = real_tokens(old_p) + real_tokens(new_p);
  const double similarity = total == 0 ? 1.0 : 2.0 * static_cast<double>(kept) / static_cast<double>(total);
  change.stats.similarity = std::round(similarity * 10000.0) / 10000.0;
  add_facets(change, old_version, new_version);
  if (change.changed()) change.summary = summarize(change);
  return change;
}

Status validate_compare_options(const CompareOptions& options) { return validate_ignore_patterns(options.ignore); }

std::string fingerprint(const Article& article, const CompareOptions& options) {
  // Only the tokens' keys count, so no interning or pairing: the same key as compare() would see.
  Tokenizer& tokenizer = thread_tokenizer(options.ignore);
  std::string key = "redline-fingerprint-2\n";
  append_keys(key, tokenizer, article.headline);
  key += '\n';
  append_keys(key, tokenizer, article.byline());
  key += '\n';
  key += article.published ? format_rfc3339(*article.published) : std::string("-");
  key += "\n\n";
  for (const auto& block : article.blocks) append_keys(key, tokenizer, block.text);
  return sha256_hex(key);
}

}  // namespace redline
