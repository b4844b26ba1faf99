// Sequence alignment for the diff engine (internal to lib/diff): dtl's O(NP) diff on interned ids,
// behind a cost estimate so that no alignment can blow the time or memory budget, and the pairing of
// deleted with inserted paragraphs by similarity. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <utility>
#include <vector>

namespace redline::diff_detail {

// Work units left for one compare() call. One unit is roughly one step of dtl's inner loop.
struct CostBudget {
  long long remaining = 0;
  long long per_alignment = 0;  // no single alignment may cost more than this
};

// Default budget: keeps any compare() under ~50 ms and dtl's path memory under ~24 MB (see
// docs/diff-format.md, "Performance").
CostBudget default_budget();

// Upper-bound estimate of what dtl would spend aligning `a` and `b` (after common prefix and suffix
// are trimmed); exposed for tests.
long long estimate_alignment_cost(const std::vector<int>& a, const std::vector<int>& b);

// The longest common subsequence of `a` and `b` as (index in a, index in b) pairs, increasing.
// nullopt when the estimated cost exceeds the budget (nothing is charged then); otherwise the estimate
// is charged to `budget`.
std::optional<std::vector<std::pair<int, int>>> align(const std::vector<int>& a, const std::vector<int>& b,
                                                      CostBudget& budget);

// Dice coefficient of two sorted id multisets: 2·|A∩B| / (|A|+|B|); 1 when both are empty.
double dice_similarity(const std::vector<int>& sorted_a, const std::vector<int>& sorted_b);

// Pairs items of `old_items` with items of `new_items` (each a sorted id multiset), keeping order
// (pairs are increasing in both indices) and only pairs with similarity >= `min_similarity`; maximizes
// the total similarity for small inputs, greedy within a window for large ones.
std::vector<std::pair<int, int>> pair_by_similarity(const std::vector<const std::vector<int>*>& old_items,
                                                    const std::vector<const std::vector<int>*>& new_items,
                                                    double min_similarity);

}  // namespace redline::diff_detail
