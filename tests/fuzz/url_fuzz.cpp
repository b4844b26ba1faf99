// libFuzzer target: URLs from outside: parse, check (libcurl's parser), canonicalize, resolve a reference
// against a base, host matching and article identity under an id rule.
#include "config/config.hpp"
#include "fuzz/fuzz_input.hpp"
#include "monitor/identity.hpp"
#include "util/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redline;
  static const Config config =
      parse_config("[[site]]\nmatch = \"example.com\"\nid = '/a-(\\d+)'\n", "/fuzz/redline.toml", ConfigEnvironment{});
  const auto [base, ref] = fuzz::split2(fuzz::as_text(data, size));
  for (const std::string_view url : {base, ref}) {
    (void)parse_url(url);
    (void)url_origin(url);
    (void)canonicalize_url(url);
    (void)article_key(config, url);
    if (auto checked = check_http_url(url)) (void)article_key(config, *checked);
  }
  (void)resolve_url(base, ref);
  (void)host_matches(url_host(base), url_host(ref));
  return 0;
}
