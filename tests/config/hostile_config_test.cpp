// Configuration findings of the hostile-input issue: nesting, header injection, references that point
// nowhere, patterns RE2 refuses. Each message is `file:line: what is wrong, what is expected`.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace redline {
namespace {

using testing::error_of;

std::string nested_key(int depth) {
  std::string s = "a";
  for (int i = 0; i < depth; ++i) s += ".a";
  return s;
}

TEST(HostileConfig, Finding03_DeepNestingIsAnErrorNotACrash) {
  EXPECT_EQ(error_of(nested_key(40000) + " = 1\n"),
            "/etc/redline/redline.toml:1: keys and tables are nested more than 32 levels deep");
  EXPECT_EQ(error_of("[[" + nested_key(40000) + "]]\n"),
            "/etc/redline/redline.toml:1: keys and tables are nested more than 32 levels deep");
  EXPECT_EQ(error_of("x = 1\n\na = " + std::string(40000, '[') + std::string(40000, ']') + "\n"),
            "/etc/redline/redline.toml:3: keys and tables are nested more than 32 levels deep");
  EXPECT_EQ(error_of("a = " + std::string(40, '{') + std::string(40, '}') + "\n").substr(0, 28),
            "/etc/redline/redline.toml:1:");
  // Dots inside strings, comments and numbers are not nesting.
  EXPECT_EQ(error_of("# " + nested_key(100) + "\n[http]\nuser_agent = \"" + nested_key(100) + "\"\n"), "");
  EXPECT_EQ(error_of("[http]\nuser_agent = '''" + nested_key(100) + "'''\n"), "");
  EXPECT_EQ(error_of("[schedule]\njitter = 0.25\n"), "");
  // Size.
  EXPECT_EQ(error_of("# " + std::string(2 << 20, 'x') + "\n"),
            "/etc/redline/redline.toml:1: the configuration is 2097155 bytes; at most 1048576 are accepted");
}

TEST(HostileConfig, Finding12_ControlCharactersInHeaderValuesAreRefused) {
  EXPECT_EQ(error_of("[http]\nuser_agent = \"redline\\r\\nX-Injected: 1\"\n"),
            "/etc/redline/redline.toml:2: http.user_agent must not contain control characters (a line break would "
            "inject a header)");
  EXPECT_EQ(error_of("[[webhook]]\nname = \"n\"\nurl = \"https://ntfy.example/t\"\npreset = \"ntfy\"\n"
                     "token = \"tk\\nX: 1\"\n"),
            "/etc/redline/redline.toml:5: webhook.token must not contain control characters (a line break would "
            "inject a header)");
  const std::string email = "[[email]]\nname = \"m\"\nsmtp_url = \"smtp://127.0.0.1:25\"\n";
  EXPECT_NE(error_of(email + "from = \"a@b.example\\r\\nBcc: x@y\"\nto = \"c@d.example\"\n")
                .find(":4: email.from must not contain control characters"),
            std::string::npos);
  EXPECT_NE(error_of(email + "from = \"a@b.example\"\nto = [\"c@d.example\\nBcc: x@y\"]\n")
                .find(":5: email.to must not contain control characters"),
            std::string::npos);
}

TEST(HostileConfig, Finding13_ReferencesMustPointSomewhere) {
  const std::string hook = "[[webhook]]\nname = \"w\"\nurl = \"https://hooks.example/x\"\nsecret = \"" +
                           std::string("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") + "\"\n";
  EXPECT_EQ(error_of(hook + "feeds = [\"nosuchfeed\"]\n"),
            "/etc/redline/redline.toml:5: webhook.feeds names \"nosuchfeed\", but no [[feed]] has that name");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://a.example/rss\"\nname = \"news\"\n"
                     "[[feed]]\nurl = \"https://b.example/rss\"\nname = \"news\"\n" +
                     hook + "feeds = [\"news\"]\n"),
            "/etc/redline/redline.toml:6: feed.name \"news\" is used by another [[feed]]; give each feed its own name");
  EXPECT_EQ(error_of("[[feed]]\nurl = \"https://a.example/rss\"\nname = \"news\"\n" + hook + "feeds = [\"news\"]\n"),
            "");
  EXPECT_EQ(error_of("[[site]]\nmatch = \"https://a.example/\"\n"),
            "/etc/redline/redline.toml:2: site.match is \"https://a.example/\", expected a host name such as "
            "\"dw.com\" (it matches that host and its subdomains)");
  EXPECT_EQ(error_of("[store]\npath = \"\"\n"),
            "/etc/redline/redline.toml:2: store.path must not be empty: the SQLite file of the store");
  EXPECT_EQ(error_of("[difflog]\npath = \"/tmp\"\n"),
            "/etc/redline/redline.toml:2: difflog.path \"/tmp\" is a directory; expected a file name");
  EXPECT_EQ(error_of("[difflog]\npath = \"/proc/x\"\n"),
            "/etc/redline/redline.toml:2: difflog.path \"/proc/x\" lies on a kernel pseudo file system (/proc), "
            "where files cannot be created");
  EXPECT_EQ(error_of("[difflog]\njsonl_path = \"/sys/kernel/a/b.jsonl\"\n"),
            "/etc/redline/redline.toml:2: difflog.jsonl_path \"/sys/kernel/a/b.jsonl\" lies on a kernel pseudo file "
            "system (/sys/kernel), where files cannot be created");
  EXPECT_EQ(error_of("[difflog]\npath = \"/etc/hostname/diff.log\"\n"),
            "/etc/redline/redline.toml:2: difflog.path \"/etc/hostname/diff.log\" cannot be created: "
            "\"/etc/hostname\" is not a folder");
  EXPECT_EQ(error_of("[difflog]\npath = \"/dev/null\"\njsonl_path = \"/tmp/redline-new/x/diff.jsonl\"\n"), "");
}

TEST(HostileConfig, Finding11_WatchUrlsAreCheckedWithLibcurl) {
  EXPECT_EQ(error_of("[[watch]]\nurl = \"http://exa mple.com/x\"\n"),
            "/etc/redline/redline.toml:2: watch.url: the URL has a space or a control character at byte 11 (spaces "
            "must be written %20)");
  EXPECT_NE(error_of("[[watch]]\nurl = \"http://example.com/x\\u0000y\"\n").find("control character at byte 21"),
            std::string::npos);
  EXPECT_NE(error_of("[[watch]]\nurl = \"http://example.com:99999/\"\n").find("Port number"), std::string::npos);
  const auto idn = redline::testing::parse("[[watch]]\nurl = \"http://bücher.example/x#top\"\n");
  ASSERT_EQ(idn.watches.size(), 1u);
  EXPECT_EQ(idn.watches[0].url, "http://xn--bcher-kva.example/x");
}

TEST(HostileConfig, Finding14_InvalidPatternsSayWhatRe2Refuses) {
  const auto message = error_of("[[site]]\nmatch = \"dw.com\"\ndrop_text = ['*bad']\n");
  EXPECT_NE(message.find(":3: site.drop_text has an invalid regular expression \"*bad\": no argument for "
                         "repetition operator"),
            std::string::npos)
      << message;
  EXPECT_NE(error_of("[[site]]\nmatch = \"dw.com\"\nid = '/a-(\\d+)-\\1'\n").find("RE2 syntax"), std::string::npos);
  EXPECT_EQ(error_of("[[site]]\nmatch = \"dw.com\"\nid = '/a-\\d+'\n"),
            "/etc/redline/redline.toml:3: site.id must contain a capture group: the article id");
}

}  // namespace
}  // namespace redline
