#include "monitor/identity.hpp"

#include <regex>

#include "util/url.hpp"

namespace redline {

std::string article_key(const Config& config, std::string_view url) {
  const std::string canonical = canonicalize_url(url);
  if (const SiteConfig* site = config.site_for(canonical); site && !site->id.empty()) {
    std::smatch m;
    const std::regex re(site->id, std::regex::ECMAScript);
    if (std::regex_search(canonical, m, re) && m.size() > 1 && m[1].length() > 0) return site->match + ":" + m[1].str();
  }
  return canonical;
}

}  // namespace redline
