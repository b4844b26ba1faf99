// libFuzzer target: [[site]] rules (id, drop_text, XPath drops) applied to arbitrary URLs and pages.
#include "config/config.hpp"
#include "extract/extractor.hpp"
#include "fuzz/fuzz_input.hpp"
#include "monitor/identity.hpp"
#include "monitor/site_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  static const Config config = parse_config(
      "[[site]]\nmatch = \"example.com\"\nid = '/(?:a|article)-(\\d+)(?:\\.html)?'\n"
      "drop_text = ['^Advertisement$', '(a+)+$', '^(?:Read more|Mehr zum Thema)\\b', '获取更多RSS']\n"
      "drop = [\"//aside\", \"//div[contains(@class,'promo')]\"]\n"
      "[diff]\nignore = ['\\d+ minutes? ago']\n",
      "/fuzz/redline.toml", ConfigEnvironment{});
  const auto [url_part, page] = fuzz::split2(fuzz::as_text(data, size));
  const std::string url = "https://www.example.com/" + std::string(url_part.substr(0, 9000));
  (void)article_key(config, url);
  ExtractWarnings warnings;
  auto article = extract_page(PageInput{page, url, ""}, extract_rules_for(config, url), warnings);
  if (article) (void)article->body();
  return 0;
}
