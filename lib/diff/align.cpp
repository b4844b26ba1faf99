#include "diff/align.hpp"

#include <algorithm>
#include <cstdlib>

#include <dtl/dtl.hpp>

namespace redline::diff_detail {

namespace {

// dtl records one 24-byte path coordinate per snake call; (P+1)·(Δ+P+1) calls for P deletions.
// A million calls is ~24 MB.
constexpr long long k_max_snake_calls = 1'000'000;
// Budget units: (N+M)·(P+1), the O(NP) bound on dtl's work.
constexpr long long k_per_alignment = 12'000'000;
constexpr long long k_per_compare = 30'000'000;
// How far ahead the greedy matcher looks for a token (bounds the estimate's own cost).
constexpr int k_greedy_window = 64;
// Pairing: full dynamic programming up to this many candidate pairs, then a greedy window.
constexpr size_t k_max_dp_pairs = 4096;
constexpr int k_pair_window = 4;

// Length of a common subsequence found greedily: walk both sequences in step; on a mismatch, look a
// short way ahead in each for the other's token and take the nearer resynchronization, else treat it as
// a substitution. A lower bound on the LCS, hence an upper bound on the edit distance; close to exact
// for the local edits news articles get, far off only for scrambled text (which is what the cap is for).
long long greedy_common(const std::vector<int>& a, const std::vector<int>& b, size_t lo_a, size_t hi_a, size_t lo_b,
                        size_t hi_b) {
  long long common = 0;
  size_t i = lo_a;
  size_t j = lo_b;
  const auto find = [](const std::vector<int>& seq, size_t from, size_t to, int value) -> size_t {
    const size_t end = std::min(to, from + static_cast<size_t>(k_greedy_window));
    for (size_t k = from; k < end; ++k)
      if (seq[k] == value) return k - from;
    return static_cast<size_t>(-1);
  };
  while (i < hi_a && j < hi_b) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
      continue;
    }
    const size_t skip_b = find(b, j + 1, hi_b, a[i]);  // b[j..] inserted before a[i]
    const size_t skip_a = find(a, i + 1, hi_a, b[j]);  // a[i..] deleted before b[j]
    if (skip_b == static_cast<size_t>(-1) && skip_a == static_cast<size_t>(-1)) {
      ++i;
      ++j;
    } else if (skip_a == static_cast<size_t>(-1) || (skip_b != static_cast<size_t>(-1) && skip_b <= skip_a)) {
      j += skip_b + 1;
    } else {
      i += skip_a + 1;
    }
  }
  return common;
}

struct Trimmed {
  size_t prefix = 0;
  size_t suffix = 0;
};

Trimmed trim_common(const std::vector<int>& a, const std::vector<int>& b) {
  Trimmed t;
  while (t.prefix < a.size() && t.prefix < b.size() && a[t.prefix] == b[t.prefix]) ++t.prefix;
  while (t.suffix < a.size() - t.prefix && t.suffix < b.size() - t.prefix &&
         a[a.size() - 1 - t.suffix] == b[b.size() - 1 - t.suffix])
    ++t.suffix;
  return t;
}

long long estimate_middle(const std::vector<int>& a, const std::vector<int>& b, const Trimmed& t) {
  const size_t hi_a = a.size() - t.suffix;
  const size_t hi_b = b.size() - t.suffix;
  const auto n = static_cast<long long>(hi_a - t.prefix);
  const auto m = static_cast<long long>(hi_b - t.prefix);
  if (n == 0 || m == 0) return n + m;
  const long long common = greedy_common(a, b, t.prefix, hi_a, t.prefix, hi_b);
  const long long delta = std::llabs(n - m);
  const long long p = (n + m - 2 * common - delta) / 2 + 1;  // deletions dtl's O(NP) will pay for
  if ((p + 1) * (delta + p + 1) > k_max_snake_calls) return k_per_compare * 4;
  return (n + m) * (p + 1);
}

}  // namespace

CostBudget default_budget() { return CostBudget{k_per_compare, k_per_alignment}; }

long long estimate_alignment_cost(const std::vector<int>& a, const std::vector<int>& b) {
  return estimate_middle(a, b, trim_common(a, b));
}

std::optional<std::vector<std::pair<int, int>>> align(const std::vector<int>& a, const std::vector<int>& b,
                                                      CostBudget& budget) {
  const Trimmed t = trim_common(a, b);
  std::vector<std::pair<int, int>> pairs;
  for (size_t i = 0; i < t.prefix; ++i) pairs.emplace_back(static_cast<int>(i), static_cast<int>(i));
  const size_t hi_a = a.size() - t.suffix;
  const size_t hi_b = b.size() - t.suffix;
  if (hi_a > t.prefix && hi_b > t.prefix) {
    const long long cost = estimate_middle(a, b, t);
    if (cost > budget.per_alignment || cost > budget.remaining) return std::nullopt;
    budget.remaining -= cost;
    const std::vector<int> mid_a(a.begin() + static_cast<std::ptrdiff_t>(t.prefix),
                                 a.begin() + static_cast<std::ptrdiff_t>(hi_a));
    const std::vector<int> mid_b(b.begin() + static_cast<std::ptrdiff_t>(t.prefix),
                                 b.begin() + static_cast<std::ptrdiff_t>(hi_b));
    dtl::Diff<int> diff(mid_a, mid_b);
    diff.compose();
    for (const auto& [elem, info] : diff.getSes().getSequence()) {
      (void)elem;
      if (info.type != dtl::SES_COMMON) continue;
      pairs.emplace_back(static_cast<int>(t.prefix) + static_cast<int>(info.beforeIdx) - 1,
                         static_cast<int>(t.prefix) + static_cast<int>(info.afterIdx) - 1);
    }
  }
  for (size_t k = t.suffix; k > 0; --k)
    pairs.emplace_back(static_cast<int>(a.size() - k), static_cast<int>(b.size() - k));
  return pairs;
}

double dice_similarity(const std::vector<int>& sorted_a, const std::vector<int>& sorted_b) {
  if (sorted_a.empty() && sorted_b.empty()) return 1.0;
  size_t i = 0;
  size_t j = 0;
  size_t common = 0;
  while (i < sorted_a.size() && j < sorted_b.size()) {
    if (sorted_a[i] < sorted_b[j]) {
      ++i;
    } else if (sorted_b[j] < sorted_a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(sorted_a.size() + sorted_b.size());
}

std::vector<std::pair<int, int>> pair_by_similarity(const std::vector<const std::vector<int>*>& old_items,
                                                    const std::vector<const std::vector<int>*>& new_items,
                                                    double min_similarity) {
  std::vector<std::pair<int, int>> pairs;
  const size_t n = old_items.size();
  const size_t m = new_items.size();
  if (n == 0 || m == 0) return pairs;
  if (n * m <= k_max_dp_pairs) {
    // Weighted LCS: best[i][j] = best total similarity pairing old[i..] with new[j..].
    std::vector<double> sim(n * m);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < m; ++j) sim[i * m + j] = dice_similarity(*old_items[i], *new_items[j]);
    std::vector<double> best((n + 1) * (m + 1), 0.0);
    const auto at = [m](size_t i, size_t j) { return i * (m + 1) + j; };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        double v = std::max(best[at(i + 1, j)], best[at(i, j + 1)]);
        if (sim[i * m + j] >= min_similarity) v = std::max(v, sim[i * m + j] + best[at(i + 1, j + 1)]);
        best[at(i, j)] = v;
      }
    }
    size_t i = 0;
    size_t j = 0;
    while (i < n && j < m) {
      const double s = sim[i * m + j];
      if (s >= min_similarity && best[at(i, j)] == s + best[at(i + 1, j + 1)]) {
        pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
        ++i;
        ++j;
      } else if (best[at(i, j)] == best[at(i + 1, j)]) {
        ++i;
      } else {
        ++j;
      }
    }
    return pairs;
  }
  size_t next = 0;
  for (size_t i = 0; i < n && next < m; ++i) {
    double best_sim = min_similarity;
    size_t best_j = m;
    for (size_t j = next; j < m && j < next + k_pair_window; ++j) {
      const double s = dice_similarity(*old_items[i], *new_items[j]);
      if (s >= best_sim) {
        best_sim = s;
        best_j = j;
        if (s == 1.0) break;
      }
    }
    if (best_j == m) continue;
    pairs.emplace_back(static_cast<int>(i), static_cast<int>(best_j));
    next = best_j + 1;
  }
  return pairs;
}

}  // namespace redline::diff_detail
