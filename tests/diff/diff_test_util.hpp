// Helpers shared by the diff tests: building articles and checking that ops reproduce the texts.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "core/article.hpp"
#include "diff/change.hpp"
#include "diff/tokenize.hpp"

namespace redline::testing {

inline Article make_article(std::string headline, std::initializer_list<std::string> paragraphs) {
  Article a;
  a.headline = std::move(headline);
  for (const auto& p : paragraphs) a.blocks.push_back(Block{BlockKind::paragraph, p});
  return a;
}

inline Article make_article(std::string headline, const std::vector<std::string>& paragraphs) {
  Article a;
  a.headline = std::move(headline);
  for (const auto& p : paragraphs) a.blocks.push_back(Block{BlockKind::paragraph, p});
  return a;
}

// The old (keep+del) or new (keep+ins) text that `ops` describe, checking every op's offset on the way.
inline std::string side_of(const std::vector<WordOp>& ops, bool new_side) {
  std::string out;
  int offset = 0;
  for (const auto& op : ops) {
    if (op.kind == (new_side ? OpKind::del : OpKind::ins)) continue;
    EXPECT_EQ(new_side ? op.new_offset : op.old_offset, offset) << "op text: " << op.text;
    out += op.text;
    offset += count_code_points(op.text);
  }
  return out;
}

inline int count_ops(const std::vector<WordOp>& ops, OpKind kind, bool include_noise = false) {
  int n = 0;
  for (const auto& op : ops) n += op.kind == kind && (include_noise || !op.noise) ? 1 : 0;
  return n;
}

// Checks that the change's body accounts for every non-empty block of both versions, in order, and that
// applying each entry's ops to the old text gives the new text.
inline void expect_body_reproduces(const Change& change, const Article& old_a, const Article& new_a) {
  std::vector<int> new_seen;
  std::vector<int> old_seen(old_a.blocks.size(), 0);
  for (const auto& p : change.body) {
    if (p.new_index >= 0) new_seen.push_back(p.new_index);
    if (p.old_index >= 0) ++old_seen[static_cast<size_t>(p.old_index)];
    switch (p.fate) {
      case ParagraphFate::same:
      case ParagraphFate::moved:
        EXPECT_TRUE(p.ops.empty());
        break;
      case ParagraphFate::added:
        EXPECT_EQ(side_of(p.ops, true), new_a.blocks[static_cast<size_t>(p.new_index)].text);
        break;
      case ParagraphFate::removed:
        EXPECT_EQ(side_of(p.ops, false), old_a.blocks[static_cast<size_t>(p.old_index)].text);
        break;
      case ParagraphFate::changed:
        EXPECT_EQ(side_of(p.ops, false), old_a.blocks[static_cast<size_t>(p.old_index)].text);
        EXPECT_EQ(side_of(p.ops, true), new_a.blocks[static_cast<size_t>(p.new_index)].text);
        break;
    }
  }
  if (change.body.empty()) return;  // no body change: the body list is left empty
  Tokenizer tokenizer;
  const auto has_words = [&](const std::string& text) {
    for (const auto& t : tokenizer.tokenize(text))
      if (t.kind != TokenKind::space) return true;
    return false;
  };
  std::vector<int> expected_new;
  for (size_t j = 0; j < new_a.blocks.size(); ++j)
    if (has_words(new_a.blocks[j].text)) expected_new.push_back(static_cast<int>(j));
  EXPECT_EQ(new_seen, expected_new);
  for (size_t i = 0; i < old_a.blocks.size(); ++i)
    EXPECT_EQ(old_seen[i], has_words(old_a.blocks[i].text) ? 1 : 0) << "old block " << i;
}

}  // namespace redline::testing
