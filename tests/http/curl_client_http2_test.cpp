// HTTP/2 where the server offers it: Debian's nginx (the server many newsrooms run) with TLS and http2,
// started for the test on 127.0.0.1 with a certificate made for it. Its access log says which protocol
// and which connection served each request, so the test sees what the server saw.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "http/curl_client.hpp"
#include "http_fixture.hpp"
#include "support/process.hpp"
#include "support/self_signed_certificate.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* k_nginx = "/usr/sbin/nginx";

// A port that was free a moment ago (nginx cannot be told to pick one).
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class CurlHttp2Test : public HttpFixture {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(k_nginx)) GTEST_SKIP() << k_nginx << " missing (scripts/install-deps.sh installs it)";
    m_dir = std::filesystem::temp_directory_path() / ("redline-h2-" + std::to_string(::getpid()));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "www");
    const auto cert = make_self_signed_certificate();
    std::ofstream(m_dir / "cert.pem") << cert.cert_pem;
    std::ofstream(m_dir / "key.pem") << cert.key_pem;
    for (int i = 0; i < k_pages; ++i)
      std::ofstream(m_dir / "www" / ("a-" + std::to_string(i) + ".html"))
          << "<html><body><p>page " << i << "</p></body></html>";
    m_port = free_port();
    std::ofstream(m_dir / "nginx.conf")
        << "daemon off;\nmaster_process off;\npid nginx.pid;\nerror_log error.log warn;\n"
           "events { worker_connections 64; }\n"
           "http {\n  default_type text/html;\n"
           "  log_format proto '$connection $server_protocol $request_uri $status';\n"
           "  access_log access.log proto;\n"
           "  server {\n    listen 127.0.0.1:"
        << m_port
        << " ssl http2;\n    ssl_certificate cert.pem;\n    ssl_certificate_key key.pem;\n"
           "    root www;\n  }\n}\n";
    ProcessOptions nginx;
    nginx.args = {"-p", m_dir.string(), "-c", (m_dir / "nginx.conf").string(), "-e", "error.log"};
    m_nginx = std::make_unique<Process>(k_nginx, nginx);
    ASSERT_TRUE(m_nginx->start());
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!accepts(m_port) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(accepts(m_port)) << m_nginx->stderr_text();
  }
  void TearDown() override {
    m_nginx.reset();  // SIGKILL
    if (!m_dir.empty()) std::filesystem::remove_all(m_dir);
  }

  std::string url(int page) const {
    return "https://127.0.0.1:" + std::to_string(m_port) + "/a-" + std::to_string(page) + ".html";
  }

  // Fetches every page at once through a client with these options; true when all came back right.
  bool fetch_all(CurlClientOptions options) {
    options.ca_file = (m_dir / "cert.pem").string();
    CurlClient client(io, options);
    int done = 0, right = 0;
    for (int i = 0; i < k_pages; ++i)
      client.fetch(get(url(i)), [&, i](HttpResponse r) {
        ++done;
        if (r.ok() && r.body.find("page " + std::to_string(i) + "<") != std::string::npos)
          ++right;
        else
          ADD_FAILURE() << r.error_message << " status " << r.status;
      });
    return run_until([&] { return done == k_pages; }, 20s) && right == k_pages;
  }

  // What nginx's access log says of the requests it served.
  struct Served {
    size_t requests = 0;
    std::set<std::string> protocols;
    std::set<std::string> connections;  // serial numbers
  };
  Served served() const {
    std::this_thread::sleep_for(100ms);  // nginx writes its log line after the response
    Served out;
    std::ifstream log(m_dir / "access.log");
    std::string line;
    while (std::getline(log, line)) {
      std::istringstream fields(line);
      std::string connection, protocol;
      fields >> connection >> protocol;
      ++out.requests;
      out.protocols.insert(protocol);
      out.connections.insert(connection);
    }
    return out;
  }

  static constexpr int k_pages = 24;
  std::filesystem::path m_dir;
  uint16_t m_port = 0;
  std::unique_ptr<Process> m_nginx;
};

TEST_F(CurlHttp2Test, Http2IsNegotiatedAndRequestsShareOneConnection) {
  CurlClientOptions options;
  options.politeness.defaults.connections = 8;  // 8 requests in flight at once, on one connection
  ASSERT_TRUE(fetch_all(options));
  const Served s = served();
  EXPECT_EQ(s.requests, static_cast<size_t>(k_pages));
  EXPECT_EQ(s.protocols, std::set<std::string>{"HTTP/2.0"});
  EXPECT_EQ(s.connections.size(), 1u);
}

TEST_F(CurlHttp2Test, Http11WhenHttp2IsOff) {
  CurlClientOptions options;
  options.http2 = false;
  options.politeness.defaults.connections = 4;
  ASSERT_TRUE(fetch_all(options));
  const Served s = served();
  EXPECT_EQ(s.requests, static_cast<size_t>(k_pages));
  EXPECT_EQ(s.protocols, std::set<std::string>{"HTTP/1.1"});
  EXPECT_LE(s.connections.size(), 4u);  // kept alive and reused
}

}  // namespace
}  // namespace redline::testing
