// libFuzzer target: feed-archive capture files as `redline import` reads them (split, parse, URL and time
// checks, extraction).
#include "extract/archive.hpp"
#include "fuzz/fuzz_input.hpp"
#include "monitor/archive_import.hpp"
#include "util/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  for (const std::string_view part : split_captures(fuzz::as_text(data, size))) {
    auto capture = parse_archive(part);
    if (!capture) continue;
    (void)check_http_url(capture->url);
    (void)format_rfc3339(capture->captured_at);
    ExtractWarnings warnings;
    if (auto article = extract_archive(*capture, {}, warnings)) (void)article->body();
  }
  return 0;
}
