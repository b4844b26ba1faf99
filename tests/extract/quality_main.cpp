// extract_quality: runs the extractor over a directory of saved pages (.html, .html.gz, feed-archive
// .txt) and writes one JSON object per page ({"file", "headline", "byline", "body"}) — the input of
// shared/eval/extraction/score.py. Used by the "quality" ctest test and the benchmark.
//
// usage: extract_quality DIR OUT.jsonl [THREADS]
// Prints pages/s and the total time to stderr.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "extract/archive.hpp"
#include "extract/extractor.hpp"
#include "util/file.hpp"

namespace {

using namespace redline;

nlohmann::json extract_one(const std::filesystem::path& path) {
  nlohmann::json o{{"file", path.filename().string()}};
  auto bytes = read_maybe_gzipped(path);
  if (!bytes) {
    o["error"] = bytes.error().message;
    return o;
  }
  Result<Article> article = make_error(Errc::invalid_input, "not extracted");
  if (looks_like_archive(*bytes)) {
    auto capture = parse_archive(*bytes);
    article = capture ? extract_archive(*capture) : Result<Article>(capture.error());
  } else {
    article = extract_page(PageInput{*bytes, "", ""});
  }
  if (!article) {
    o["error"] = article.error().message;
    return o;
  }
  o["headline"] = article->headline;
  o["byline"] = article->byline();
  o["body"] = article->body();
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: extract_quality DIR OUT.jsonl [THREADS]\n";
    return 2;
  }
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[1], ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (name.ends_with(".html") || name.ends_with(".html.gz") || name.ends_with(".txt")))
      files.push_back(entry.path());
  }
  if (ec || files.empty()) {
    std::cerr << "extract_quality: no pages under " << argv[1] << "\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::max(1, std::atoi(argv[3]))) : 2u;

  std::vector<std::string> lines(files.size());
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < files.size();)
        lines[i] = extract_one(files[i]).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ofstream out(argv[2]);
  for (const auto& l : lines) out << l << "\n";
  if (!out) {
    std::cerr << "extract_quality: cannot write " << argv[2] << "\n";
    return 2;
  }
  std::cerr << "extract_quality: " << files.size() << " pages in " << seconds << " s ("
            << static_cast<double>(files.size()) / seconds << " pages/s, " << threads << " threads)\n";
  return 0;
}
