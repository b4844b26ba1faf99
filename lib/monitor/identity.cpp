#include "monitor/identity.hpp"

#include "util/url.hpp"

namespace redline {

std::string article_key(const Config& config, std::string_view url) {
  const std::string canonical = canonicalize_url(url);
  if (const SiteConfig* site = config.site_for(canonical);
      site && !site->id.empty() && canonical.size() <= k_max_url_length)
    if (auto id = site->id.first_group(canonical)) return site->match + ":" + *id;
  return canonical;
}

}  // namespace redline
