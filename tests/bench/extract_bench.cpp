// extract_bench: single-thread extraction speed and memory over a directory of saved pages, side
// by side with libxml2 parsing alone.
//
// usage: extract_bench [DIR] [ROUNDS]   (DIR defaults to ../shared/eval/extraction/html)
// Pages are read (and gunzipped) up front. Two passes over the same pages, each ROUNDS times:
//   parse:   htmlReadMemory with the extractor's options (dom::parse_html), then xmlFreeDoc;
//   extract: extract_page() (charset, parse, metadata, scoring, blocks).
// Prints pages/s of each by thread CPU time (what the machine's load does not change much) and by
// wall time, their ratio, p50/p99/max ms per page, and the heap high-water mark per page: every
// malloc/calloc/realloc/free of the process (libxml2, ICU, C++) is counted, and for each page the
// peak of live bytes above what was live before it is recorded (median and max are printed).
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "extract/dom.hpp"
#include "extract/extractor.hpp"
#include "util/file.hpp"

// --- counting allocator (glibc interposition; single-threaded use) ---------------------------------
#if defined(__SANITIZE_ADDRESS__)
#define REDLINE_COUNT_HEAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REDLINE_COUNT_HEAP 0
#endif
#endif
#ifndef REDLINE_COUNT_HEAP
#define REDLINE_COUNT_HEAP 1
#endif

namespace {
size_t g_live = 0;  // bytes currently allocated (malloc_usable_size)
size_t g_peak = 0;  // high-water mark of g_live since the last reset
}  // namespace

#if REDLINE_COUNT_HEAP
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);

static void* counted(void* p) {
  if (p) {
    g_live += malloc_usable_size(p);
    g_peak = std::max(g_peak, g_live);
  }
  return p;
}
static void uncount(void* p) {
  if (p) g_live -= std::min(g_live, malloc_usable_size(p));
}

void* malloc(size_t n) { return counted(__libc_malloc(n)); }
void* calloc(size_t n, size_t m) { return counted(__libc_calloc(n, m)); }
void* realloc(void* p, size_t n) {
  uncount(p);
  void* q = __libc_realloc(p, n);
  if (!q && n) {  // failed: the old block is still there
    counted(p);
    return nullptr;
  }
  return counted(q);
}
void free(void* p) {
  uncount(p);
  __libc_free(p);
}
void* memalign(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }
void* aligned_alloc(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }
int posix_memalign(void** out, size_t a, size_t n) {
  void* p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  *out = counted(p);
  return 0;
}
}
#endif

namespace {

using namespace redline;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Pass {
  double cpu_s = 0, wall_s = 0;
  std::vector<double> ms;
  std::vector<size_t> peak;  // heap high-water above the page's starting level, bytes
  size_t failures = 0;
};

Pass run(const std::vector<std::string>& pages, int rounds, const std::function<bool(const std::string&)>& one) {
  Pass p;
  const double cpu0 = thread_cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& page : pages) {
      const size_t base = g_live;
      g_peak = g_live;
      const auto t0 = std::chrono::steady_clock::now();
      p.failures += !one(page);
      p.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      p.peak.push_back(g_peak - base);
    }
  }
  p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  p.cpu_s = thread_cpu_seconds() - cpu0;
  std::sort(p.ms.begin(), p.ms.end());
  std::sort(p.peak.begin(), p.peak.end());
  return p;
}

void print(const char* name, const Pass& p) {
  const auto n = static_cast<double>(p.ms.size());
  std::printf("%-8s %8.1f pages/s cpu %8.1f pages/s wall  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms", name, n / p.cpu_s,
              n / p.wall_s, p.ms[p.ms.size() / 2], p.ms[p.ms.size() * 99 / 100], p.ms.back());
  if (REDLINE_COUNT_HEAP)
    std::printf("  heap/page median %5.1f MB max %6.1f MB", static_cast<double>(p.peak[p.peak.size() / 2]) / 1e6,
                static_cast<double>(p.peak.back()) / 1e6);
  std::printf("  %zu failures\n", p.failures);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "../shared/eval/extraction/html";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  std::vector<std::string> pages;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    if (!name.ends_with(".html") && !name.ends_with(".html.gz")) continue;
    if (auto bytes = read_maybe_gzipped(f)) pages.push_back(std::move(*bytes));
  }
  if (pages.empty()) {
    std::fprintf(stderr, "extract_bench: no pages in %s\n", dir.c_str());
    return 2;
  }
  size_t bytes = 0;
  for (const auto& p : pages) bytes += p.size();
  std::printf("extract_bench: %zu pages x %d rounds, %.1f MB of HTML, one thread\n", pages.size(), rounds,
              static_cast<double>(bytes) / 1e6);

  const Pass parse = run(pages, rounds, [](const std::string& page) {
    auto doc = dom::parse_html(std::string_view(page).substr(0, k_max_page_bytes));
    return doc != nullptr;
  });
  const Pass extract = run(pages, rounds, [](const std::string& page) {
    auto a = extract_page(PageInput{page, "", ""});
    return a.ok();
  });
  print("parse", parse);
  print("extract", extract);
  std::printf("extraction speed / libxml2-alone speed: %.0f %% (cpu), %.0f %% (wall)\n",
              100.0 * parse.cpu_s / extract.cpu_s, 100.0 * parse.wall_s / extract.wall_s);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS of the process: %.1f MB (includes the %.1f MB of pages held in memory)\n",
              static_cast<double>(ru.ru_maxrss) / 1024.0, static_cast<double>(bytes) / 1e6);
  return 0;
}
