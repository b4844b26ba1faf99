#include "http/http_client.hpp"

#include <array>

namespace redline {

std::string_view to_string(FetchError e) {
  static constexpr std::array<std::string_view, k_fetch_error_count> k_names = {
      "none", "dns", "connect", "tls", "timeout", "too-large", "redirects", "not-html", "reset", "other", "deferred"};
  return k_names.at(static_cast<size_t>(e));
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

}  // namespace redline
