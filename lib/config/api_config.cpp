#include "config/api_config.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace redline {

std::optional<ListenAddress> parse_listen(std::string_view text) {
  ListenAddress out;
  if (text.rfind("unix:", 0) == 0) {
    out.unix_socket = true;
    out.path = std::string(text.substr(5));
    if (out.path.empty() || out.path.front() != '/' || out.path.size() > 100) return std::nullopt;
    return out;
  }
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return std::nullopt;
  out.port = static_cast<uint16_t>(value);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &a6) != 1) return std::nullopt;
  } else if (host != "localhost") {
    in_addr a4{};
    if (inet_pton(AF_INET, std::string(host).c_str(), &a4) != 1) return std::nullopt;
  }
  out.host = std::string(host);
  return out;
}

bool is_loopback(const ListenAddress& address) {
  if (address.unix_socket || address.host == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, address.host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, address.host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

}  // namespace redline
