#include "util/url.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Url, Parses) {
  const auto u = parse_url("HTTPS://User@WWW.DW.com:8443/zh/a-123?x=1#top");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "www.dw.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/zh/a-123");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(u->fragment, "top");
  EXPECT_FALSE(parse_url("not a url"));
  EXPECT_FALSE(parse_url("http://host:99999/"));
}

TEST(Url, CanonicalizeDropsTrackingFragmentAndDefaultPort) {
  EXPECT_EQ(canonicalize_url("HTTPS://www.Example.com:443/a/b?utm_source=x&id=7&fbclid=abc#frag"),
            "https://www.example.com/a/b?id=7");
  EXPECT_EQ(canonicalize_url("http://example.com:8080"), "http://example.com:8080/");
  EXPECT_EQ(canonicalize_url("http://e.com/?gclid=1&utm_medium=2"), "http://e.com/");
}

TEST(Url, Origin) {
  EXPECT_EQ(url_origin("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080");
  EXPECT_EQ(url_origin("https://a.com:443/x"), "https://a.com");
}

TEST(Url, Resolves) {
  EXPECT_EQ(resolve_url("http://a.com/x/y.html", "z.html"), "http://a.com/x/z.html");
  EXPECT_EQ(resolve_url("http://a.com/x/y.html", "../z"), "http://a.com/z");
  EXPECT_EQ(resolve_url("http://a.com/x/y.html", "/r?q=1"), "http://a.com/r?q=1");
  EXPECT_EQ(resolve_url("https://a.com/x", "//b.com/p"), "https://b.com/p");
  EXPECT_EQ(resolve_url("https://a.com/x", "http://c.com/"), "http://c.com/");
}

TEST(Url, HostSuffixMatch) {
  EXPECT_TRUE(host_matches("www.dw.com", "dw.com"));
  EXPECT_TRUE(host_matches("dw.com", "DW.com"));
  EXPECT_FALSE(host_matches("notdw.com", "dw.com"));
  EXPECT_FALSE(host_matches("dw.com.evil.org", "dw.com"));
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST(CheckHttpUrl, Finding11_RefusesSpacesControlCharactersAndBadPorts) {
  EXPECT_EQ(check_http_url("http://exa mple.com/x").error().message,
            "the URL has a space or a control character at byte 11 (spaces must be written %20)");
  EXPECT_FALSE(check_http_url(std::string("http://example.com/a\0b", 22)));
  EXPECT_FALSE(check_http_url("http://example.com/a\nb"));
  EXPECT_NE(check_http_url("http://example.com:99999/").error().message.find("Port number"), std::string::npos);
  EXPECT_NE(check_http_url("http://example.com:0/").error().message.find("port 0"), std::string::npos);
  EXPECT_EQ(check_http_url("javascript:alert(1)").error().message,
            "\"javascript:alert(1)\" is not an http:// or https:// URL");
  EXPECT_FALSE(check_http_url("ftp://example.com/x"));
  EXPECT_FALSE(check_http_url("dw.com:62043662"));
  EXPECT_FALSE(check_http_url(""));
  EXPECT_EQ(check_http_url("http://" + std::string(9000, 'a') + ".com/").error().message,
            "the URL is 9012 bytes long; at most 8192 are accepted");
}

TEST(CheckHttpUrl, Finding11_InternationalHostsBecomePunycodeAndFragmentsGo) {
  EXPECT_EQ(*check_http_url("http://bücher.example/"), "http://xn--bcher-kva.example/");
  EXPECT_EQ(*check_http_url("https://münchen.example/a?b=1#c"), "https://xn--mnchen-3ya.example/a?b=1");
  EXPECT_EQ(*check_http_url("  https://www.dw.com/zh/a-1#top \n"), "https://www.dw.com/zh/a-1");
  EXPECT_EQ(*check_http_url("http://[::1]:8080/x"), "http://[::1]:8080/x");
  EXPECT_EQ(*check_http_url("HTTPS://User:pw@Example.com/%7Efoo"), "HTTPS://User:pw@Example.com/%7Efoo");
}

}  // namespace
}  // namespace redline
