// [api]: where redlined serves the JSON API, Atom feeds and /metrics, and who may use them
// (reference: docs/configuration.md). Parsed by load_config(); the address helpers are shared with
// lib/api, which binds what they describe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

enum class TokenScope { read, write };  // write includes read

struct ApiToken {
  std::string name;
  std::string token;  // at least 32 characters; compared in constant time, never logged
  TokenScope scope = TokenScope::read;
  int line = 0;
};

struct ApiConfig {
  std::string listen = "127.0.0.1:8421";  // "" = no API; "unix:/path" = a Unix socket
  bool listen_configured = false;         // set in the file (a bind failure is then fatal)
  std::string base_url;                   // absolute links in feeds; "" = http://<bound address>
  int max_connections = 1024;
  std::vector<ApiToken> tokens;
};

// A parsed `listen` value: a TCP host (IPv4, [IPv6] or "localhost") and port, or a Unix socket path.
struct ListenAddress {
  bool unix_socket = false;
  std::string host;  // without brackets
  uint16_t port = 0;
  std::string path;  // unix_socket
};

// nullopt when `text` is neither "host:port" (port 0..65535; 0 = any free port) nor "unix:/abs/path".
std::optional<ListenAddress> parse_listen(std::string_view text);
// True for 127.0.0.0/8, ::1, "localhost" and Unix sockets (guarded by file permissions).
bool is_loopback(const ListenAddress& address);

}  // namespace redline
