// Word-level diff of one field (headline, byline or a body paragraph), internal to lib/diff.
// Not thread-safe as a whole (an Interner is shared by the fields of one compare() call); the free
// functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diff/align.hpp"
#include "diff/change.hpp"
#include "diff/tokenize.hpp"

namespace redline::diff_detail {

// Maps comparison keys to small integers so that dtl compares ints.
class Interner {
 public:
  int id(std::string_view key) {
    const auto it = m_ids.find(key);
    if (it != m_ids.end()) return it->second;
    return m_ids.emplace(std::string(key), static_cast<int>(m_ids.size())).first->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, int, Hash, std::equal_to<>> m_ids;
};

// One tokenized field: all tokens, and the interned keys of its word/punct tokens.
struct Field {
  Tokens tokens;
  std::vector<int> ids;     // one per word/punct token, in order
  std::vector<int> at;      // index into `tokens` of each id
  std::vector<int> sorted;  // `ids` sorted (for similarity)
  int words = 0;            // number of word tokens

  bool empty() const { return ids.empty(); }
  // Frees the tokens (and `at`), keeping ids, sorted and words.
  void drop_tokens() {
    tokens = {};
    at = {};
  }
};

Field make_field(Interner& interner, Tokens tokens);

struct WordDiff {
  std::vector<WordOp> ops;
  int words_added = 0;
  int words_removed = 0;
  int tokens_kept = 0;
  bool minor = true;  // every difference is punctuation or typography
};

// Word diff of two fields; `fell_back` is set (and the field replaced whole) when the alignment
// would exceed `budget`.
WordDiff diff_fields(const Field& old_field, const Field& new_field, CostBudget& budget, bool& fell_back);

// The field replaced whole: one del and one ins.
WordDiff replace_field(const Field& old_field, const Field& new_field);

}  // namespace redline::diff_detail
