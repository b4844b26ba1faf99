// extract_bench: single-thread extraction speed over a directory of saved pages.
//
// usage: extract_bench [DIR] [ROUNDS]   (DIR defaults to ../shared/eval/extraction/html)
// Pages are read (and gunzipped) up front; only extract_page() is timed. Prints pages/s, MB/s of
// HTML and the p50/p99/max time per page.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "extract/extractor.hpp"
#include "util/file.hpp"

int main(int argc, char** argv) {
  using namespace redline;
  const std::string dir = argc > 1 ? argv[1] : "../shared/eval/extraction/html";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  std::vector<std::string> pages;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".html") && !name.ends_with(".html.gz")) continue;
    if (auto bytes = read_maybe_gzipped(e.path())) pages.push_back(std::move(*bytes));
  }
  if (pages.empty()) {
    std::fprintf(stderr, "extract_bench: no pages in %s\n", dir.c_str());
    return 2;
  }
  size_t bytes = 0, failures = 0;
  std::vector<double> ms;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& p : pages) {
      const auto t0 = std::chrono::steady_clock::now();
      auto a = extract_page(PageInput{p, "", ""});
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      failures += !a.ok();
      bytes += p.size();
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(ms.begin(), ms.end());
  std::printf(
      "extract_bench: %zu pages x %d rounds, %.1f MB: %.1f pages/s, %.1f MB/s, p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms, %zu failures\n",
      pages.size(), rounds, static_cast<double>(bytes) / 1e6, static_cast<double>(ms.size()) / s,
      static_cast<double>(bytes) / 1e6 / s, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back(), failures);
  return 0;
}
