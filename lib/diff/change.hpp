// Change: what differs between two versions of an article, computed by compare() (diff/compare.hpp).
#pragma once

#include <string>
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

struct ChangeStats {
  int words_added = 0;
  int words_removed = 0;
  int paragraphs_added = 0;
  int paragraphs_removed = 0;
  int paragraphs_changed = 0;
  int paragraphs_moved = 0;
  double similarity = 1.0;  // 0..1
};

// One token-level operation. `text` is the token run; offsets are in Unicode code points of
// the field's stored text (old text for del/keep, new text for ins).
enum class OpKind { keep, del, ins };
struct WordOp {
  OpKind kind = OpKind::keep;
  std::string text;
  int old_offset = 0;
  int new_offset = 0;
};

// How one body paragraph fared.
enum class ParagraphFate { same, added, removed, changed, moved };
struct ParagraphDiff {
  ParagraphFate fate = ParagraphFate::same;
  int old_index = -1;  // index into old.blocks, -1 when added
  int new_index = -1;  // index into new.blocks, -1 when removed
  std::vector<WordOp> ops;  // for changed paragraphs; whole text as one op otherwise
};

struct Change {
  std::vector<std::string> classes;  // empty when nothing changed
  ChangeStats stats;
  std::vector<WordOp> headline_ops;  // empty when the headline is unchanged
  std::vector<WordOp> byline_ops;
  std::vector<ParagraphDiff> body;  // in new-document order, removed paragraphs at their old place
  bool fell_back = false;           // a word diff was too expensive and a paragraph was replaced whole

  bool changed() const { return !classes.empty(); }
  bool has_class(std::string_view c) const;
};

}  // namespace redline
