// The web desk's pages over HTTP from the real redlined (no browser: tests/web/browser_test.py drives
// Chromium over the same setting): escaping, security headers, gzip, the three diff views, filters,
// keyset paging and the answers to bad input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include <regex>
#include <thread>

#include "api/router.hpp"
#include "util/file.hpp"
#include "web/desk_fixture.hpp"

namespace redline::testing {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Live markup from the hostile article would appear as one of these; escaped text never does.
void expect_inert(const std::string& body, const std::string& what) {
  for (const char* bad : {"<script>", "<img", "<svg", "<iframe", "href=\"javascript:", "</textarea>", "<b "})
    EXPECT_EQ(body.find(bad), std::string::npos) << what << " holds " << bad;
}

std::string key_of(uint16_t port, const std::string& path_suffix) {
  const auto reply = api_get(port, "/api/v1/articles?limit=10");
  const auto list = nlohmann::json::parse(reply.body);
  for (const auto& a : list["items"])
    if (a["url"].get<std::string>().ends_with(path_suffix)) return a["key"];
  return "";
}

class WebDeskTest : public DeskFixture {};

TEST_F(WebDeskTest, PagesOverRealData) {
  ASSERT_NO_FATAL_FAILURE(start_with_changes());

  // The timeline: three changes, hostile text inert but shown, the security headers.
  auto timeline = api_get(port, "/");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  EXPECT_EQ(timeline.header("content-type"), "text/html; charset=utf-8");
  const std::string csp = timeline.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(timeline.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(count_of(timeline.body, "<li class=\"row\""), 3u) << timeline.body;
  expect_inert(timeline.body, "timeline");
  EXPECT_NE(timeline.body.find("&lt;script&gt;window.__pwned=1&lt;/script&gt;"), std::string::npos);
  // The Chinese headline's own redline, and the body edit's excerpt.
  EXPECT_NE(timeline.body.find("<del class=\"edit\">通过</del><ins class=\"edit\">否决</ins>"), std::string::npos)
      << timeline.body;
  EXPECT_NE(timeline.body.find("<del>Friday</del>"), std::string::npos) << timeline.body;
  EXPECT_EQ(timeline.body.find("<script>"), std::string::npos);
  EXPECT_NE(timeline.body.find("<script src=\"/static/app.js\" defer></script>"), std::string::npos);

  // gzip when accepted, the same page inflated.
  auto packed = api_get(port, "/", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(packed.status, 200);
  EXPECT_EQ(packed.header("content-encoding"), "gzip");
  EXPECT_EQ(packed.header("vary"), "Accept-Encoding");
  auto inflated = gunzip(packed.body);
  ASSERT_TRUE(inflated.ok());
  EXPECT_EQ(std::regex_replace(*inflated, std::regex("[0-9]{2}:[0-9]{2} UTC"), ""),
            std::regex_replace(timeline.body, std::regex("[0-9]{2}:[0-9]{2} UTC"), ""));
  EXPECT_LT(packed.body.size(), timeline.body.size());
  EXPECT_EQ(timeline.header("content-encoding"), "");

  // Filters, each a link.
  EXPECT_EQ(count_of(api_get(port, "/?classes=headline").body, "<li class=\"row\""), 2u);
  EXPECT_EQ(count_of(api_get(port, "/?classes=body&classes=headline").body, "<li class=\"row\""), 3u);
  EXPECT_EQ(count_of(api_get(port, "/?site=127.0.0.1").body, "<li class=\"row\""), 3u);
  EXPECT_EQ(count_of(api_get(port, "/?site=example.org").body, "<li class=\"row\""), 0u);
  const auto search = api_get(port, "/?q=" + redline::percent_encode("联邦预算"));
  EXPECT_EQ(count_of(search.body, "<li class=\"row\""), 1u) << search.body;
  EXPECT_NE(search.body.find("否决"), std::string::npos);
  EXPECT_EQ(count_of(api_get(port, "/?since=2000-01-01&until=2000-01-02").body, "<li class=\"row\""), 0u);
  EXPECT_EQ(count_of(api_get(port, "/?since=2000-01-01").body, "<li class=\"row\""), 3u);
  EXPECT_EQ(api_get(port, "/?since=yesterday").status, 400);
  EXPECT_EQ(api_get(port, "/?before=x").status, 400);
  EXPECT_EQ(api_get(port, "/?limit=0").status, 400);

  // Keyset paging: one row a page, three distinct pages, then no "older".
  std::set<std::string> seen;
  std::string next = "/?limit=1";
  for (int i = 0; i < 3; ++i) {
    const auto page = api_get(port, next);
    ASSERT_EQ(page.status, 200) << next;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page.body, m, std::regex("data-event=\"(evt_[a-z2-7]+)\""))) << page.body;
    seen.insert(m[1]);
    std::smatch older;
    if (i < 2) {
      ASSERT_TRUE(std::regex_search(page.body, older, std::regex("rel=\"next\" href=\"([^\"]+)\""))) << page.body;
      next = std::regex_replace(older[1].str(), std::regex("&amp;"), "&");
    }
  }
  EXPECT_EQ(seen.size(), 3u);

  // The article page and the diff's three views: the edit exactly.
  const std::string floods = key_of(port, "/news/floods");
  ASSERT_FALSE(floods.empty());
  const std::string base = "/a/" + redline::percent_encode(floods);
  auto article = api_get(port, base);
  ASSERT_EQ(article.status, 200) << article.body;
  EXPECT_NE(article.body.find("<h2>Versions</h2>"), std::string::npos);
  EXPECT_NE(article.body.find("<del class=\"edit\">Friday</del>"), std::string::npos) << article.body;
  for (const std::string view : {"inline", "side", "changes"}) {
    auto diff = api_get(port, base + "/diff?from=1&to=2&view=" + view);
    ASSERT_EQ(diff.status, 200) << view << diff.body;
    EXPECT_EQ(count_of(diff.body, "<del class=\"edit\">"), 1u) << view;
    EXPECT_EQ(count_of(diff.body, "<ins class=\"edit\">"), 1u) << view;
    EXPECT_NE(diff.body.find("<del class=\"edit\">Friday</del>"), std::string::npos) << view;
    EXPECT_NE(diff.body.find("<ins class=\"edit\">Monday</ins>"), std::string::npos) << view;
    EXPECT_NE(diff.body.find("aria-current=\"page\">"), std::string::npos);
  }
  // Changes only: the edited paragraph and its neighbours, all three here.
  EXPECT_EQ(count_of(api_get(port, base + "/diff?view=side").body, "<div class=\"side\">"), 3u);
  EXPECT_EQ(api_get(port, base + "/diff?view=sideways").status, 400);
  EXPECT_EQ(api_get(port, base + "/diff?from=1&to=9").status, 404);
  auto v1 = api_get(port, base + "/v/1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_NE(v1.body.find("until Friday"), std::string::npos);
  EXPECT_NE(api_get(port, base + "/v/-1").body.find("until Monday"), std::string::npos);
  EXPECT_EQ(api_get(port, base + "/v/3").status, 404);
  EXPECT_EQ(api_get(port, base + "/v/abc").status, 404);
  EXPECT_EQ(api_get(port, "/a/nothing-here").status, 404);
  EXPECT_EQ(api_get(port, "/a/nothing-here").header("content-type"), "text/html; charset=utf-8");

  // The hostile article on every page: inert, shown literally.
  const std::string hostile = "/a/" + redline::percent_encode(key_of(port, "/news/hostile"));
  for (const std::string& path : {hostile, hostile + "/diff", hostile + "/diff?view=side",
                                  hostile + "/diff?view=changes", hostile + "/v/1", hostile + "/v/2"}) {
    auto page = api_get(port, path);
    ASSERT_EQ(page.status, 200) << path;
    expect_inert(page.body, path);
    EXPECT_NE(page.body.find("&lt;/textarea&gt;"), std::string::npos) << path;
  }

  // Assets from the binary.
  auto js = api_get(port, "/static/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(api_get(port, "/static/app.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(api_get(port, "/static/favicon.svg").header("content-type"), "image/svg+xml");
  EXPECT_NE(timeline.body.find("<link rel=\"icon\" href=\"/static/favicon.svg\""), std::string::npos);
  EXPECT_EQ(api_get(port, "/static/other.js").status, 404);
}

// The version slider (docs/web.md): only with three or more versions, hidden until app.js shows it,
// labelled, its aria-valuetext naming the version and its time; the pickers stay for the script-less.
TEST_F(WebDeskTest, VersionSlider) {
  using namespace std::chrono_literals;
  ASSERT_NO_FATAL_FAILURE(start_with_changes());
  const std::string base = "/a/" + redline::percent_encode(key_of(port, "/news/floods"));
  auto two = api_get(port, base + "/diff");
  ASSERT_EQ(two.status, 200);
  EXPECT_EQ(two.body.find("type=\"range\""), std::string::npos);  // one change: nothing to step through
  EXPECT_NE(two.body.find("id=\"pick-from\""), std::string::npos);

  site.edit("/news/floods", [](SiteArticle& a) { a.headline = "River road reopens after floods"; });
  ASSERT_TRUE(wait_count("changed [", 4, 30s)) << daemon->stderr_text();
  auto last = api_get(port, base + "/diff?view=side");
  ASSERT_EQ(last.status, 200) << last.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(last.body, m, std::regex("<form class=\"slider\"[^>]*>.*?</form>"))) << last.body;
  const std::string form = m[0];
  EXPECT_NE(form.find("action=\"" + base + "/diff#slide-to\" hidden>"), std::string::npos) << form;
  EXPECT_NE(form.find("<input type=\"hidden\" name=\"from\" value=\"2\">"), std::string::npos) << form;
  EXPECT_NE(form.find("<input type=\"hidden\" name=\"view\" value=\"side\">"), std::string::npos) << form;
  EXPECT_NE(form.find("<label for=\"slide-to\">"), std::string::npos) << form;
  EXPECT_TRUE(std::regex_search(form, std::regex("<input type=\"range\" id=\"slide-to\" name=\"to\" min=\"2\" "
                                                 "max=\"3\" step=\"1\" value=\"3\" aria-valuetext=\"version 3 of 3, "
                                                 "[0-9-]{10} [0-9:]{5} UTC \\(compared with version 2\\)\"")))
      << form;
  EXPECT_EQ(count_of(form, " UTC|"), 2u) << form;  // the three versions' times, for the script
  EXPECT_EQ(form.find("<script"), std::string::npos);
  // An older change: the slider stands on its newer version.
  auto first = api_get(port, base + "/diff?from=1&to=2");
  EXPECT_NE(first.body.find("value=\"2\" aria-valuetext=\"version 2 of 3, "), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("name=\"from\" value=\"1\">"), std::string::npos);
  // The script shows it and sends it; the stylesheet keeps it hidden until then.
  const auto js = api_get(port, "/static/app.js").body;
  EXPECT_NE(js.find("form.hidden = false"), std::string::npos);
  EXPECT_NE(js.find("aria-valuetext"), std::string::npos);
  EXPECT_NE(api_get(port, "/static/app.css").body.find(".slider[hidden]{display:none}"), std::string::npos);
}

}  // namespace
}  // namespace redline::testing
