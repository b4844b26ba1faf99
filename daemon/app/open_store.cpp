#include "app/open_store.hpp"

#include "monitor/status_report.hpp"

namespace redline::app {

Result<std::unique_ptr<Store>> open_store(const Config& config, OpenMode mode) {
  return redline::open_store(store_target(config), mode);
}

std::string store_name(const Config& config) {
  return config.store.url.empty() ? config.store.path.string() : masked_url(config.store.url);
}

std::string masked_url(std::string url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos) {
    const auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
  }
  return url;
}

}  // namespace redline::app
