// <target>_replay FILE|DIR...: runs a fuzz target's entry point once per file (gunzipping .gz files), as
// libFuzzer would replay a corpus. A path that does not exist is skipped with a line saying so (the large
// sample sets of ../shared are absent from a clone of the repository alone). Exit status 0 when every
// input ran to completion and there was at least one.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "util/file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  const std::string self = std::filesystem::path(argv[0]).filename().string();
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    if (!std::filesystem::exists(argv[i], ec)) {
      std::printf("%s: skipping %s: absent\n", self.c_str(), argv[i]);
      continue;
    }
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
        std::fprintf(stderr, "%s: %s: %s\n", self.c_str(), f.c_str(), bytes.error().message.c_str());
        return 1;
      }
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
      ++runs;
    }
  }
  std::printf("%s: %zu inputs\n", self.c_str(), runs);
  return runs ? 0 : 1;
}
