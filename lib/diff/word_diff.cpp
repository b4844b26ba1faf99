#include "diff/word_diff.hpp"

#include <algorithm>

namespace redline::diff_detail {

namespace {

bool is_space(const Token& t) { return t.kind == TokenKind::space; }

// Concatenated text of `tokens[from, to)`.
std::string join_tokens(const Tokens& tokens, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += tokens[i].text;
  return out;
}

// Appends an op, merging it into the previous one when both are of the same kind and noise flag.
class OpWriter {
 public:
  explicit OpWriter(std::vector<WordOp>& ops) : m_ops(ops) {}

  void add(OpKind kind, std::string_view text, bool noise) {
    if (text.empty()) return;
    if (!m_ops.empty() && m_ops.back().kind == kind && m_ops.back().noise == noise) {
      m_ops.back().text += text;
    } else {
      m_ops.push_back(WordOp{kind, std::string(text), m_old, m_new, noise});
    }
    const int length = count_code_points(text);
    if (kind != OpKind::ins) m_old += length;
    if (kind != OpKind::del) m_new += length;
  }

 private:
  std::vector<WordOp>& m_ops;
  int m_old = 0;
  int m_new = 0;
};

int count_words(const Tokens& tokens, size_t from, size_t to) {
  int n = 0;
  for (size_t i = from; i < to; ++i) n += tokens[i].kind == TokenKind::word ? 1 : 0;
  return n;
}

// True when the real tokens of old[from,to) and new[from,to) differ only in punctuation or typography.
bool minor_difference(const Tokens& old_tokens, size_t ob, size_t oe, const Tokens& new_tokens, size_t nb, size_t ne) {
  bool only_punct = true;
  std::string old_keys;
  std::string new_keys;
  for (size_t i = ob; i < oe; ++i) {
    if (is_space(old_tokens[i])) continue;
    only_punct = only_punct && old_tokens[i].kind == TokenKind::punct;
    old_keys += old_tokens[i].key;
  }
  for (size_t i = nb; i < ne; ++i) {
    if (is_space(new_tokens[i])) continue;
    only_punct = only_punct && new_tokens[i].kind == TokenKind::punct;
    new_keys += new_tokens[i].key;
  }
  return only_punct || typographic_fold(old_keys) == typographic_fold(new_keys);
}

// Emits the unmatched tokens between two matched ones: old[ob,oe) deleted, new[nb,ne) inserted.
void emit_region(const Field& of, size_t ob, size_t oe, const Field& nf, size_t nb, size_t ne, OpWriter& out,
                 WordDiff& result) {
  const auto& ot = of.tokens;
  const auto& nt = nf.tokens;
  bool real = false;
  for (size_t i = ob; i < oe; ++i) real = real || !is_space(ot[i]);
  for (size_t i = nb; i < ne; ++i) real = real || !is_space(nt[i]);
  if (!real) {
    const std::string old_text = join_tokens(ot, ob, oe);
    const std::string new_text = join_tokens(nt, nb, ne);
    if (old_text == new_text) {
      out.add(OpKind::keep, old_text, false);
    } else {
      out.add(OpKind::del, old_text, true);
      out.add(OpKind::ins, new_text, true);
    }
    return;
  }
  // Equal whitespace on both ends stays outside the change, as in `git diff --word-diff`.
  std::string head;
  if (ob < oe && nb < ne && is_space(ot[ob]) && is_space(nt[nb]) && ot[ob].text == nt[nb].text) {
    head = ot[ob].text;
    ++ob;
    ++nb;
  }
  std::string tail;
  if (ob < oe && nb < ne && is_space(ot[oe - 1]) && is_space(nt[ne - 1]) && ot[oe - 1].text == nt[ne - 1].text) {
    tail = ot[oe - 1].text;
    --oe;
    --ne;
  }
  out.add(OpKind::keep, head, false);
  out.add(OpKind::del, join_tokens(ot, ob, oe), false);
  out.add(OpKind::ins, join_tokens(nt, nb, ne), false);
  out.add(OpKind::keep, tail, false);
  result.words_removed += count_words(ot, ob, oe);
  result.words_added += count_words(nt, nb, ne);
  if (!minor_difference(ot, ob, oe, nt, nb, ne)) result.minor = false;
}

}  // namespace

Field make_field(Interner& interner, Tokens tokens) {
  Field f;
  f.tokens = std::move(tokens);
  f.ids.reserve(f.tokens.size() / 2 + 1);
  f.at.reserve(f.tokens.size() / 2 + 1);
  for (size_t i = 0; i < f.tokens.size(); ++i) {
    const Token& t = f.tokens[i];
    if (t.kind == TokenKind::space) continue;
    f.ids.push_back(interner.id(t.key));
    f.at.push_back(static_cast<int>(i));
    if (t.kind == TokenKind::word) ++f.words;
  }
  f.sorted = f.ids;
  std::sort(f.sorted.begin(), f.sorted.end());
  return f;
}

WordDiff diff_fields(const Field& old_field, const Field& new_field, CostBudget& budget, bool& fell_back) {
  const auto matched = align(old_field.ids, new_field.ids, budget);
  if (!matched) {
    fell_back = true;
    return replace_field(old_field, new_field);
  }
  WordDiff result;
  OpWriter out(result.ops);
  size_t prev_old = 0;
  size_t prev_new = 0;
  for (const auto& [i, j] : *matched) {
    const auto ot = static_cast<size_t>(old_field.at[static_cast<size_t>(i)]);
    const auto nt = static_cast<size_t>(new_field.at[static_cast<size_t>(j)]);
    emit_region(old_field, prev_old, ot, new_field, prev_new, nt, out, result);
    const std::string_view old_text = old_field.tokens[ot].text;
    const std::string_view new_text = new_field.tokens[nt].text;
    if (old_text == new_text) {
      out.add(OpKind::keep, old_text, false);
    } else {
      out.add(OpKind::del, old_text, true);
      out.add(OpKind::ins, new_text, true);
    }
    ++result.tokens_kept;
    prev_old = ot + 1;
    prev_new = nt + 1;
  }
  emit_region(old_field, prev_old, old_field.tokens.size(), new_field, prev_new, new_field.tokens.size(), out, result);
  return result;
}

WordDiff replace_field(const Field& old_field, const Field& new_field) {
  WordDiff result;
  OpWriter out(result.ops);
  out.add(OpKind::del, join_tokens(old_field.tokens, 0, old_field.tokens.size()), false);
  out.add(OpKind::ins, join_tokens(new_field.tokens, 0, new_field.tokens.size()), false);
  result.words_removed = old_field.words;
  result.words_added = new_field.words;
  result.minor = false;
  return result;
}

}  // namespace redline::diff_detail
