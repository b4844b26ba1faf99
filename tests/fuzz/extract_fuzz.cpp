// libFuzzer target for the extractor: arbitrary bytes as a page (with a charset hint taken from the
// first byte) and as a feed-archive capture. Built with clang when REDLINE_FUZZ=ON; with any compiler
// the same entry point is linked into extract_fuzz_replay, which runs it over seed files (a ctest).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "extract/archive.hpp"
#include "extract/extractor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const char* const k_types[] = {"", "text/html; charset=utf-8", "text/html; charset=gbk",
                                        "text/html; charset=shift_jis", "text/html; charset=utf-16"};
  const char* type = k_types[size ? static_cast<unsigned char>(data[0]) % 5 : 0];
  ExtractRules rules;
  if (size && data[0] & 0x80) {
    rules.drop_text = {"^Advertisement$", "获取更多RSS"};
    rules.drop_xpaths = {"//aside", "//div[@class='x']"};
  }
  ExtractWarnings warnings;
  auto article = extract_page(PageInput{bytes, "https://example.com/a/b", type}, rules, warnings);
  if (article) (void)article->body();
  if (looks_like_archive(bytes)) {
    if (auto capture = parse_archive(bytes)) (void)extract_archive(*capture, rules, warnings);
  }
  return 0;
}
