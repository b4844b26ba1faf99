// Change: what differs between two versions of an article, computed by compare() (diff/compare.hpp).
// Plain values; no synchronization needed beyond the usual for shared objects.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/article.hpp"

namespace redline {

// Change classes; a change may carry several.
inline constexpr std::string_view k_class_headline = "headline";
inline constexpr std::string_view k_class_body = "body";
inline constexpr std::string_view k_class_byline = "byline";
inline constexpr std::string_view k_class_dates = "dates";
inline constexpr std::string_view k_class_minor = "minor";
inline constexpr std::string_view k_class_revert = "revert";
// Facets: what kind of edit it was (diff/facets.hpp; docs/diff-format.md).
inline constexpr std::string_view k_class_correction = "correction";
inline constexpr std::string_view k_class_silent = "silent";
inline constexpr std::string_view k_class_numbers = "numbers";
inline constexpr std::string_view k_class_quotes = "quotes";
inline constexpr std::string_view k_class_lede = "lede";

struct ChangeStats {
  int words_added = 0;
  int words_removed = 0;
  int paragraphs_added = 0;
  int paragraphs_removed = 0;
  int paragraphs_changed = 0;
  int paragraphs_moved = 0;
  double similarity = 1.0;  // 0..1, rounded to 4 decimals

  friend bool operator==(const ChangeStats&, const ChangeStats&) = default;
};

// One token-level operation on a field (headline, byline, or one body paragraph). The ops of a field
// cover both stored texts completely and in order: concatenating the `text` of keep+del ops gives the
// old text, of keep+ins ops the new text. `old_offset`/`new_offset` are the positions, in Unicode code
// points of the old/new stored text, where the op starts (for an ins, old_offset is where it goes in
// the old text; for a del, new_offset is where it was in the new text).
// `noise` marks a del/ins pair that differs only in what comparison ignores (whitespace, Unicode form,
// invisible characters, `ignore` patterns): it is rendered as the new text and never counted.
enum class OpKind { keep, del, ins };
struct WordOp {
  OpKind kind = OpKind::keep;
  std::string text;
  int old_offset = 0;
  int new_offset = 0;
  bool noise = false;

  friend bool operator==(const WordOp&, const WordOp&) = default;
};

// How one body paragraph fared. Blocks whose text is empty after normalization (nothing but
// whitespace, invisible characters or ignored text) take no part in the body diff and do not appear.
//   same:    equal after normalization; ops empty (the text is old.blocks[old_index]).
//   moved:   same text, but it left its place in the paragraph order; ops empty.
//   changed: an edited paragraph; ops are the word diff (or one del + one ins when the word diff
//            was too expensive: see Change::fell_back).
//   added / removed: ops is one ins / del op with the whole text.
enum class ParagraphFate { same, added, removed, changed, moved };
struct ParagraphDiff {
  ParagraphFate fate = ParagraphFate::same;
  int old_index = -1;  // index into old.blocks, -1 when added
  int new_index = -1;  // index into new.blocks, -1 when removed
  std::vector<WordOp> ops;

  friend bool operator==(const ParagraphDiff&, const ParagraphDiff&) = default;
};

// The evidence of the facets. `numbers`: a number of the headline or an edited paragraph replaced by
// another (as written, digits kept in their script), with a stretch of the new text around it.
// `quotes`: the text inside a pair of quotation marks that changed (marks not included).
// `corrections`: the text of each correction, clarification or update note that was added or changed.
struct NumberFact {
  std::string old_value;
  std::string new_value;
  std::string context;

  friend bool operator==(const NumberFact&, const NumberFact&) = default;
};
struct QuoteFact {
  std::string old_text;
  std::string new_text;

  friend bool operator==(const QuoteFact&, const QuoteFact&) = default;
};
struct ChangeFacts {
  std::vector<NumberFact> numbers;
  std::vector<QuoteFact> quotes;
  std::vector<std::string> corrections;

  friend bool operator==(const ChangeFacts&, const ChangeFacts&) = default;
};

struct Change {
  std::vector<std::string> classes;  // empty when nothing changed
  ChangeStats stats;
  std::vector<WordOp> headline_ops;  // empty when the headline is unchanged
  std::vector<WordOp> byline_ops;
  std::vector<ParagraphDiff> body;         // in new-document order, removed paragraphs at their old place
  bool fell_back = false;                  // a word diff was too expensive and a paragraph was replaced whole
  std::optional<Timestamp> published_old;  // the `published` dates compared (for the `dates` class)
  std::optional<Timestamp> published_new;
  ChangeFacts facts;
  std::string summary;  // one English sentence (diff/summary.hpp); empty when nothing changed

  bool changed() const { return !classes.empty(); }
  bool has_class(std::string_view c) const;

  friend bool operator==(const Change&, const Change&) = default;
};

}  // namespace redline
