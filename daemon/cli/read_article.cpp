#include "cli/read_article.hpp"

#include "extract/archive.hpp"
#include "monitor/site_rules.hpp"
#include "util/file.hpp"

namespace redline::cli {

namespace {

Result<Article> read_one(const std::string& file, const std::string& url, const Config* config,
                         ExtractWarnings& warnings) {
  auto bytes = read_maybe_gzipped(file);
  if (!bytes) return bytes.error();
  const auto rules_for = [&](const std::string& page_url) {
    return config ? extract_rules_for(*config, page_url) : ExtractRules{};
  };
  if (looks_like_archive(*bytes)) {
    auto capture = parse_archive(*bytes);
    if (!capture) return capture.error();
    return extract_archive(*capture, rules_for(url.empty() ? capture->url : url), warnings);
  }
  const PageInput page{*bytes, url, ""};
  if (!url.empty() || !config) return extract_page(page, rules_for(url), warnings);
  // No URL given: the page's canonical URL says which site it is from.
  auto article = extract_page(page, {}, warnings);
  if (!article || article->canonical_url.empty() || !config->site_for(article->canonical_url)) return article;
  warnings.clear();
  return extract_page(page, rules_for(article->canonical_url), warnings);
}

}  // namespace

Result<Article> read_article(const std::string& file, const std::string& url, const Config* config,
                             ExtractWarnings& warnings) {
  auto article = read_one(file, url, config, warnings);
  if (article) return article;
  // File errors name the file already ("a.html: is a directory"); extraction errors do not.
  const std::string name = file == "-" ? "standard input" : file;
  if (article.error().message.rfind(name + ":", 0) == 0) return article;
  return make_error(article.error().code, name + ": " + article.error().message);
}

}  // namespace redline::cli
