// One metadata signal per test, on small hand-written pages.
#include "extract/metadata.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "extract/extractor.hpp"

namespace redline {
namespace {

const std::string k_body =
    "<p>The council approved the budget on Tuesday after a long debate about schools, roads and parks.</p>";

Article extract(const std::string& head, const std::string& body = k_body, const std::string& url = "",
                const std::string& html_attrs = "") {
  const std::string page =
      "<!DOCTYPE html><html" + html_attrs + "><head>" + head + "</head><body>" + body + "</body></html>";
  auto a = extract_page(PageInput{page, url, ""});
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Article{};
}

std::string ld(const std::string& json) { return "<script type=\"application/ld+json\">" + json + "</script>"; }

std::string rfc(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : "none"; }

TEST(Headline, JsonLdNewsArticleWins) {
  const auto a = extract(ld(R"({"@context":"https://schema.org","@type":"NewsArticle","headline":"From LD"})") +
                         R"(<meta property="og:title" content="From OG"><title>From title</title>)");
  EXPECT_EQ(a.headline, "From LD");
}

TEST(Headline, JsonLdGraphArrayTypeAndReportageNews) {
  EXPECT_EQ(extract(ld(R"({"@graph":[{"@type":"WebSite","name":"Site"},{"@type":["ReportageNews"],"headline":"G"}]})"))
                .headline,
            "G");
  EXPECT_EQ(extract(ld(R"([{"@type":"Organization","name":"O"},{"@type":"Article","headline":"In array"}])")).headline,
            "In array");
}

TEST(Headline, JsonLdWithRawNewlinesInStrings) {
  EXPECT_EQ(extract(ld("{\"@type\":\"NewsArticle\",\"headline\":\"Two\nlines\"}")).headline, "Two lines");
}

TEST(Headline, FallbackOrder) {
  EXPECT_EQ(extract(R"(<meta property="og:title" content="OG"><meta name="twitter:title" content="TW">)").headline,
            "OG");
  EXPECT_EQ(extract(R"(<meta name="twitter:title" content="TW"><title>T</title>)").headline, "TW");
  EXPECT_EQ(extract("<title>T</title>", "<h1> The  H1 </h1>" + k_body).headline, "The H1");
  EXPECT_EQ(extract("<title>Budget passes after long debate | Daily Example</title>").headline,
            "Budget passes after long debate");
}

TEST(Headline, NotRepeatedInBody) {
  const auto a = extract("<title>T</title>", "<article><h1>Budget passes</h1>" + k_body + "</article>");
  EXPECT_EQ(a.headline, "Budget passes");
  ASSERT_EQ(a.blocks.size(), 1u);
  EXPECT_EQ(a.blocks[0].kind, BlockKind::paragraph);
}

TEST(Headline, HeadingThatContainsTheHeadlineIsNotBodyEither) {
  const auto a = extract(R"(<meta property="og:title" content="Budget passes after debate">)",
                         "<article><h1>Politics: Budget passes after debate</h1>" + k_body + "</article>");
  EXPECT_EQ(a.headline, "Budget passes after debate");
  ASSERT_EQ(a.blocks.size(), 1u);
  EXPECT_EQ(a.blocks[0].kind, BlockKind::paragraph);
}

TEST(Byline, JsonLdAuthorsStringsObjectsArraysAndReferences) {
  EXPECT_EQ(extract(ld(R"({"@type":"NewsArticle","author":"Jane Doe"})")).byline(), "Jane Doe");
  EXPECT_EQ(
      extract(ld(R"({"@type":"NewsArticle","author":[{"@type":"Person","name":"A B"},{"name":"C D"}]})")).byline(),
      "A B, C D");
  EXPECT_EQ(extract(ld(R"({"@graph":[{"@type":"NewsArticle","author":{"@id":"#p1"}},
                                     {"@type":"Person","@id":"#p1","name":"Ref Erenced"}]})"))
                .byline(),
            "Ref Erenced");
  EXPECT_EQ(
      extract(ld(R"({"@type":"NewsArticle","author":{"@type":"Person","author":{"name":"Nested Name"}}})")).byline(),
      "Nested Name");
}

TEST(Byline, MetaArticleAuthorAndRelAuthor) {
  EXPECT_EQ(extract(R"(<meta name="author" content="By Max Muster">)").byline(), "Max Muster");
  // article:author is often a profile URL: not a name.
  EXPECT_EQ(extract(R"(<meta property="article:author" content="https://example.com/max">)").byline(), "");
  EXPECT_EQ(extract(R"(<meta property="article:author" content="Erika Muster">)").byline(), "Erika Muster");
  EXPECT_EQ(extract("", "<article><p>By <a rel=\"author\" href=\"/a\">Li Wei</a></p>" + k_body + "</article>").byline(),
            "Li Wei");
}

TEST(Dates, JsonLdPublishedAndModified) {
  const auto a = extract(ld(
      R"({"@type":"NewsArticle","datePublished":"2024-06-01T12:00:00+02:00","dateModified":"2024-06-02T08:30:00Z"})"));
  EXPECT_EQ(rfc(a.published), "2024-06-01T10:00:00.000Z");
  EXPECT_EQ(rfc(a.modified), "2024-06-02T08:30:00.000Z");
}

TEST(Dates, OpenGraphArticleTimes) {
  const auto a = extract(R"(<meta property="article:published_time" content="2023-01-05T07:00:00+0800">
                            <meta property="article:modified_time" content="2023-01-06T00:00:00Z">)");
  EXPECT_EQ(rfc(a.published), "2023-01-04T23:00:00.000Z");
  EXPECT_EQ(rfc(a.modified), "2023-01-06T00:00:00.000Z");
}

TEST(Dates, TimeElementAndDublinCore) {
  EXPECT_EQ(rfc(extract("", "<article><time datetime=\"2022-03-04T05:06:07Z\">4 March</time>" + k_body + "</article>")
                    .published),
            "2022-03-04T05:06:07.000Z");
  EXPECT_EQ(rfc(extract(R"(<meta name="DC.date.issued" content="2021-12-24">)").published), "2021-12-24T00:00:00.000Z");
  EXPECT_EQ(rfc(extract(R"(<meta name="dcterms.modified" content="2021/12/25 10:00">)").modified),
            "2021-12-25T10:00:00.000Z");
}

TEST(Dates, GarbageIsIgnored) {
  EXPECT_EQ(rfc(extract(R"(<meta property="article:published_time" content="yesterday">)").published), "none");
}

TEST(CanonicalUrl, LinkRelCanonicalResolvedAgainstPageUrl) {
  EXPECT_EQ(
      extract(R"(<link rel="canonical" href="/news/1?x=1">)", k_body, "https://example.com/a/b?utm=1").canonical_url,
      "https://example.com/news/1?x=1");
  EXPECT_EQ(extract(R"(<meta property="og:url" content="https://example.org/og">)").canonical_url,
            "https://example.org/og");
  EXPECT_EQ(extract("").canonical_url, "");
}

TEST(Language, HtmlLangOgLocaleAndContentLanguage) {
  EXPECT_EQ(extract("", k_body, "", " lang=\"de-de\"").language, "de-DE");
  EXPECT_EQ(extract(R"(<meta property="og:locale" content="pt_BR">)").language, "pt-BR");
  EXPECT_EQ(extract(R"(<meta http-equiv="content-language" content="fr">)").language, "fr");
  EXPECT_EQ(extract("").language, "");
  // ICU's BCP 47 canonical case: script title-case, region upper-case; what is not a tag is dropped.
  EXPECT_EQ(extract("", k_body, "", " lang=\"zh-hant-tw\"").language, "zh-Hant-TW");
  EXPECT_EQ(extract("", k_body, "", " lang=\"SR-LATN\"").language, "sr-Latn");
  EXPECT_EQ(extract("", k_body, "", " lang=\"EN\"").language, "en");
  EXPECT_EQ(extract("", k_body, "", " lang=\"en-\"").language, "");
  EXPECT_EQ(extract("", k_body, "", " lang=\"12-ab\"").language, "");
}

TEST(SiteName, OgSiteNameThenPublisher) {
  EXPECT_EQ(extract(R"(<meta property="og:site_name" content="Daily Example">)").site_name, "Daily Example");
  EXPECT_EQ(extract(ld(R"({"@type":"NewsArticle","publisher":{"@type":"Organization","name":"Pub"}})")).site_name,
            "Pub");
}

TEST(CleanAuthor, PrefixesNullAndUrls) {
  EXPECT_EQ(clean_author("  By  Jane   Doe "), "Jane Doe");
  EXPECT_EQ(clean_author("null 杜宗熹"), "杜宗熹");
  EXPECT_EQ(clean_author("null"), "");
  EXPECT_EQ(clean_author("https://example.com/jane"), "");
}

}  // namespace
}  // namespace redline
