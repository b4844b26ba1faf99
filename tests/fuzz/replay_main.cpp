// extract_fuzz_replay FILE|DIR...: runs the fuzz entry point once per file (gunzipping .gz files),
// as libFuzzer would replay a corpus. Exit status 0 when every input ran to completion.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "util/file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(argv[i], ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i], ec))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.emplace_back(argv[i]);
    }
    for (const auto& f : files) {
      auto bytes = redline::read_maybe_gzipped(f);
      if (!bytes) {
        std::fprintf(stderr, "extract_fuzz_replay: %s: %s\n", f.c_str(), bytes.error().message.c_str());
        return 1;
      }
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
      ++runs;
    }
  }
  std::printf("extract_fuzz_replay: %zu inputs\n", runs);
  return runs ? 0 : 1;
}
