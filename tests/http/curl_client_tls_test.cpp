// CurlClient over TLS against a LocalHttpServer with a fresh self-signed certificate.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/curl_client.hpp"
#include "http_fixture.hpp"

namespace redline::testing {
namespace {

class CurlTlsTest : public HttpFixture {
 protected:
  void SetUp() override {
    server.use_tls();
    server.route("/secure", [](const ServerRequest&) { return ServerResponse::html("<p>secret</p>"); });
    server.start();
    m_ca_file = std::filesystem::temp_directory_path() / ("redline-test-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(m_ca_file) << server.certificate_pem();
  }
  void TearDown() override { std::filesystem::remove(m_ca_file); }

  std::filesystem::path m_ca_file;
};

TEST_F(CurlTlsTest, UntrustedCertificateIsTlsError) {
  CurlClient client(io);  // system trust store: the self-signed certificate is unknown
  HttpResponse r = fetch(client, get(server.url("/secure")));
  EXPECT_EQ(r.error, FetchError::tls) << r.error_message;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CurlTlsTest, TrustedCertificateWorksAndConnectionIsReused) {
  CurlClientOptions options;
  options.ca_file = m_ca_file.string();
  CurlClient client(io, options);
  ASSERT_EQ(server.url("/secure").rfind("https://", 0), 0u);
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = fetch(client, get(server.url("/secure")));
    ASSERT_EQ(r.error, FetchError::none) << r.error_message;
    EXPECT_EQ(r.body, "<p>secret</p>");
  }
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST_F(CurlTlsTest, VerifyTlsOffAcceptsUnknownCertificate) {
  CurlClientOptions options;
  options.verify_tls = false;
  CurlClient client(io, options);
  HttpResponse r = fetch(client, get(server.url("/secure")));
  EXPECT_EQ(r.error, FetchError::none) << r.error_message;
  EXPECT_EQ(r.body, "<p>secret</p>");
}

}  // namespace
}  // namespace redline::testing
