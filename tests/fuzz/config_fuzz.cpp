// libFuzzer target: configuration text → Config (every section, site rules compiled), and the site rules
// of a valid config applied to a few URLs.
#include "config/config.hpp"
#include "fuzz/fuzz_input.hpp"
#include "monitor/identity.hpp"
#include "monitor/site_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  Config config;
  try {
    config = parse_config(fuzz::as_text(data, size), "/fuzz/redline.toml", ConfigEnvironment{});
  } catch (const ConfigError&) {
    return 0;
  }
  for (const char* url :
       {"https://www.dw.com/zh/a-61992878", "http://example.com/a-1?utm_source=x#top", "https://bücher.example/x"}) {
    (void)article_key(config, url);
    (void)extract_rules_for(config, url);
    (void)compare_options_for(config, url);
  }
  return 0;
}
