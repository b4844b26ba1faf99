#include "notify/email_message.hpp"

#include <gtest/gtest.h>

#include "mail_test_util.hpp"
#include "sample_event.hpp"

namespace redline {
namespace {

using testing::decode_encoded_words;
using testing::decode_quoted_printable;
using testing::mail_header;
using testing::mime_part;
using testing::sample_event;

const EmailAddresses k_addresses{"redline <redline@alerts.example>", {"desk@news.example", "ed@news.example"}};

TEST(EmailMessage, HeadersIdentifyTheEvent) {
  const std::string m = render_email(sample_event(), k_addresses);
  EXPECT_EQ(mail_header(m, "Date"), "Sat, 01 Jun 2024 12:00:00 +0000");
  EXPECT_EQ(mail_header(m, "From"), "redline <redline@alerts.example>");
  EXPECT_EQ(mail_header(m, "To"), "desk@news.example, ed@news.example");
  EXPECT_EQ(mail_header(m, "Message-ID"), "<evt_k3bq7m2xw4ndh6yzq5r2a7tc@alerts.example>");
  EXPECT_EQ(mail_header(m, "MIME-Version"), "1.0");
  EXPECT_EQ(mail_header(m, "Auto-Submitted"), "auto-generated");
  const auto type = mail_header(m, "Content-Type");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->rfind("multipart/alternative; boundary=", 0), 0u);
}

TEST(EmailMessage, NonAsciiSubjectIsEncodedWords) {
  const std::string m = render_email(sample_event(), k_addresses);
  const auto subject = mail_header(m, "Subject");
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(decode_encoded_words(*subject), "[redline] Mayor Resigns → Mayor Resigns Amid Corruption Probe — Zürich");
  // Each encoded-word is at most 75 characters, each header line within 78.
  const std::string head = m.substr(0, m.find("\r\n\r\n"));
  size_t pos = 0;
  while (pos < head.size()) {
    const size_t end = std::min(head.find("\r\n", pos), head.size());
    EXPECT_LE(end - pos, 998u);
    if (head.compare(pos, 8, "Subject:") == 0 || head[pos] == ' ') {
      EXPECT_LE(end - pos, 78u);
    }
    pos = end + 2;
  }
  Event ascii = sample_event();
  ascii.old_version->headline = ascii.new_version->headline = "Plain headline";
  EXPECT_EQ(mail_header(render_email(ascii, k_addresses), "Subject"), "[redline] Plain headline");
}

TEST(EmailMessage, BodiesAreQuotedPrintableTextAndHtmlRedline) {
  const std::string m = render_email(sample_event(), k_addresses);
  EXPECT_EQ(m.find('\n'), m.find("\r\n") + 1);  // CRLF line ends
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_EQ(m[i - 1], '\r') << "bare LF at " << i;
    }
    ASSERT_LT(static_cast<unsigned char>(m[i]), 0x80) << "8-bit byte at " << i;
  }
  const auto text = mime_part(m, "text/plain");
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("The mayor [-said-]{+announced+} on Monday"), std::string::npos) << *text;
  EXPECT_NE(text->find("Zürich"), std::string::npos);
  const auto html = mime_part(m, "text/html");
  ASSERT_TRUE(html);
  EXPECT_NE(html->find("<del>said</del><ins>announced</ins>"), std::string::npos) << *html;
  EXPECT_NE(html->find("&lt;she&gt; &amp; her"), std::string::npos);
  EXPECT_NE(html->find("href=\"https://www.news.example/politics/mayor-resigns-12345.html\""), std::string::npos);
}

TEST(EmailMessage, HeaderInjectionIsImpossible) {
  Event e = sample_event();
  e.new_version->headline = "Evil\r\nBcc: victim@example.org";
  const std::string m = render_email(e, k_addresses);
  EXPECT_FALSE(mail_header(m, "Bcc"));
}

TEST(EmailMessage, QuotedPrintableRoundTripsAndKeepsLinesShort) {
  std::string text = "a=b tail \nünïcödé\t\n";
  for (int i = 0; i < 200; ++i) text += "long line ";
  text += "\n.leading dot\n";
  const std::string qp = quoted_printable(text);
  EXPECT_EQ(decode_quoted_printable(qp), text);
  size_t pos = 0;
  while (pos < qp.size()) {
    const size_t end = std::min(qp.find("\r\n", pos), qp.size());
    EXPECT_LE(end - pos, 76u);
    pos = end + 2;
  }
  EXPECT_NE(qp.find("a=3Db tail=20\r\n"), std::string::npos) << qp.substr(0, 40);
}

TEST(EmailMessage, SameEventSameBytes) {
  EXPECT_EQ(render_email(sample_event(), k_addresses), render_email(sample_event(), k_addresses));
}

TEST(EmailMessage, AddressOfMailbox) {
  EXPECT_EQ(email_address_of("Desk <desk@news.example>"), "desk@news.example");
  EXPECT_EQ(email_address_of(" desk@news.example "), "desk@news.example");
}

}  // namespace
}  // namespace redline
