#include "monitor/site_rules.hpp"

namespace redline {

ExtractRules extract_rules_for(const Config& config, std::string_view url) {
  ExtractRules rules;
  if (const SiteConfig* site = config.site_for(url)) {
    rules.drop_text = site->drop_text;
    rules.headline_xpath = site->headline_xpath;
    rules.body_xpath = site->body_xpath;
    rules.byline_xpath = site->byline_xpath;
    rules.drop_xpaths = site->drop_xpaths;
  }
  return rules;
}

CompareOptions compare_options_for(const Config& config, std::string_view url) {
  CompareOptions options;
  options.ignore = config.ignore;
  if (const SiteConfig* site = config.site_for(url))
    options.ignore.insert(options.ignore.end(), site->ignore.begin(), site->ignore.end());
  return options;
}

}  // namespace redline
