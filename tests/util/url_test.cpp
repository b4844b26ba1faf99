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

namespace redline {
namespace {

struct Resolution {
  const char* ref;
  const char* expected;
};

// RFC 3986 5.4.1 (normal) and 5.4.2 (abnormal) against the base "http://a/b/c/d;p?q". Three rows differ,
// each for a reason: "g:h" and "http:g" are not http(s) references (left as given, for the caller to
// refuse), and "//g" gains the empty path's "/" (RFC 3986 6.2.3, the same resource).
TEST(Url, Rfc3986Section54Resolution) {
  const Resolution cases[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // 5.4.2
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  for (const auto& c : cases) EXPECT_EQ(resolve_url("http://a/b/c/d;p?q", c.ref), c.expected) << "ref " << c.ref;
}

TEST(Url, ResolvesAgainstIpv6AndLeavesUnresolvableReferences) {
  EXPECT_EQ(resolve_url("http://[::1]:8080/feed/rss.xml", "../a/1"), "http://[::1]:8080/a/1");
  EXPECT_EQ(resolve_url("not a base", "x"), "x");
  EXPECT_EQ(resolve_url("http://a.com/x", "mailto:x@a.com"), "mailto:x@a.com");
  EXPECT_EQ(resolve_url("http://a.com/x", "  /y  "), "http://a.com/y");
}

TEST(Url, IdentityIgnoresUserinfoCaseTrailingDotAndEscapesOfUnreservedCharacters) {
  const std::string plain = canonicalize_url("https://www.dw.com/~news/a-1?x=%7E");
  EXPECT_EQ(plain, "https://www.dw.com/~news/a-1?x=~");
  EXPECT_EQ(canonicalize_url("https://user:secret@WWW.DW.COM./%7enews/a-1?x=%7E#top"), plain);
  EXPECT_EQ(canonicalize_url("https://www.dw.com:443/%7Enews/./a-1?x=~"), plain);
  // Reserved characters keep their escapes (a "%2F" is not a path separator), with upper-case hex digits.
  EXPECT_EQ(canonicalize_url("http://e.com/a%2fb%e4"), "http://e.com/a%2Fb%E4");
  // One name for an internationalized host: the punycode that is fetched.
  EXPECT_EQ(canonicalize_url("http://bücher.example/a"), canonicalize_url("http://xn--bcher-kva.example/a"));
}

TEST(Url, Ipv6LiteralsKeepTheirBracketsAndPorts) {
  const auto u = parse_url("http://[2001:DB8::1]:8080/x?y");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "[2001:db8::1]");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(url_origin("http://[2001:DB8::1]:80/x"), "http://[2001:db8::1]");
  EXPECT_EQ(url_host("http://[::1]/"), "[::1]");
  EXPECT_EQ(url_host("http://www.dw.com./a"), "www.dw.com");
}

}  // namespace
}  // namespace redline
