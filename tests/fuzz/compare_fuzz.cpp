// libFuzzer target: compare() on arbitrary pairs of texts (headline = first line, paragraphs split at blank
// lines), with an ignore pattern, and every renderer on the result.
#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

redline::Article article_of(std::string_view text) {
  redline::Article a;
  const size_t eol = text.find('\n');
  a.headline = std::string(text.substr(0, eol));
  if (eol != std::string_view::npos) text.remove_prefix(eol + 1);
  for (const auto p : redline::fuzz::paragraphs(text))
    a.blocks.push_back({redline::BlockKind::paragraph, std::string(p)});
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  const auto [a, b] = fuzz::split2(fuzz::as_text(data, size));
  const Article old_version = article_of(a);
  const Article new_version = article_of(b);
  CompareOptions options;
  if (size && data[0] & 1) options.ignore = {"\\d+ (?:minutes?|Minuten) ago"};
  const Change change = compare(old_version, new_version, options);
  for (const auto format : {DiffFormat::text, DiffFormat::ansi, DiffFormat::html, DiffFormat::json})
    (void)render(change, old_version, new_version, format);
  return 0;
}
