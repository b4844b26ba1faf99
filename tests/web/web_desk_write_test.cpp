// The web desk's write side over HTTP from the real redlined: the login cookie, the forms of /watches
// and /status (CSRF token, Origin, scope), what they change in the store, and what they refuse.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <thread>

#include "api/router.hpp"
#include "integration/webhook_receiver.hpp"
#include "web/desk_fixture.hpp"

namespace redline::testing {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string k_form = "application/x-www-form-urlencoded";

class WebDeskWriteTest : public DeskFixture {
 protected:
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }

  // POST /login with `token`; the reply.
  ApiReply login(const std::string& token, const std::string& next = "/watches") {
    return api_request(port, "POST", "/login", {{"Origin", origin()}, {"Content-Type", k_form}},
                       "token=" + percent_encode(token) + "&next=" + percent_encode(next));
  }

  // The cookie pair ("redline_token=…") a login with `token` sets.
  std::string cookie_for(const std::string& token) {
    const auto reply = login(token);
    EXPECT_EQ(reply.status, 303) << reply.body;
    const std::string set = reply.header("set-cookie");
    return set.substr(0, set.find(';'));
  }

  // The CSRF token the page at `path` gives this cookie ("" when the page has none).
  std::string csrf_of(const std::string& path, const std::string& cookie) {
    const auto page = api_get(port, path, {{"Cookie", cookie}});
    EXPECT_EQ(page.status, 200) << page.body;
    std::smatch m;
    if (!std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]*)\""))) return "";
    return m[1];
  }

  ApiReply post(const std::string& path, const Headers& headers, const std::string& body) {
    return api_request(port, "POST", path, headers, body);
  }

  Headers form_headers(const std::string& cookie) const {
    return {{"Origin", origin()}, {"Content-Type", k_form}, {"Cookie", cookie}};
  }

  std::vector<std::string> watched_urls() {
    std::vector<std::string> out;
    const json list = json::parse(api_get(port, "/api/v1/watches").body);
    for (const auto& w : list["items"]) out.push_back(w["url"]);
    return out;
  }

  bool watched(const std::string& url) {
    const auto all = watched_urls();
    return std::find(all.begin(), all.end(), url) != all.end();
  }

  json outbox(const std::string& state) {
    return json::parse(api_get(port, "/api/v1/outbox?state=" + state).body)["items"];
  }

  bool in_outbox(const std::string& state, const std::string& event_id) {
    for (const auto& e : outbox(state))
      if (e["event_id"] == event_id) return true;
    return false;
  }

  template <class F>
  bool eventually(F&& condition, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
  }
};

// Markup from hostile text would appear as one of these; escaped text never does.
void expect_inert(const std::string& body, const std::string& what) {
  for (const char* bad : {"<script>", "\"onmouseover=", "href=\"javascript:", "<img", "<svg"})
    EXPECT_EQ(body.find(bad), std::string::npos) << what << " holds " << bad;
}

TEST_F(WebDeskWriteTest, LoginCookieAndWatchForms) {
  env.write_config(config_text + "[schedule]\ncatch_up = \"1s\"\n");
  ASSERT_NO_FATAL_FAILURE(start());

  // The login: a wrong token is refused and sets nothing; a good one sets the cookie.
  auto bad = login(std::string(40, 'x'));
  EXPECT_EQ(bad.status, 401) << bad.body;
  EXPECT_EQ(bad.header("set-cookie"), "");
  EXPECT_NE(bad.body.find("not one of the configured tokens"), std::string::npos);
  EXPECT_NE(bad.body.find("<form id=\"login\""), std::string::npos);
  auto no_origin = api_request(port, "POST", "/login", {{"Content-Type", k_form}},
                               "token=" + k_desk_write_token + "&next=%2Fwatches");
  EXPECT_EQ(no_origin.status, 403);
  EXPECT_EQ(no_origin.header("set-cookie"), "");
  auto good = login(k_desk_write_token, "/watches");
  ASSERT_EQ(good.status, 303) << good.body;
  EXPECT_EQ(good.header("location"), "/watches");
  const std::string set_cookie = good.header("set-cookie");
  EXPECT_EQ(set_cookie.rfind("redline_token=", 0), 0u) << set_cookie;
  for (const char* attribute : {"; HttpOnly", "; SameSite=Strict", "; Path=/"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << set_cookie << " lacks " << attribute;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "base_url is http: " << set_cookie;
  // An open redirect is not on offer.
  EXPECT_EQ(login(k_desk_write_token, "//evil.example/x").header("location"), "/");
  EXPECT_EQ(login(k_desk_write_token, "https://evil.example/").header("location"), "/");

  const std::string writer = set_cookie.substr(0, set_cookie.find(';'));
  const std::string reader = cookie_for(k_desk_read_token);
  const std::string csrf = csrf_of("/watches", writer);
  ASSERT_EQ(csrf.size(), 64u);
  EXPECT_EQ(csrf_of("/watches", ""), "");  // no session, no form token

  // The page: the forms with the names the browser tests use, the configuration's watches, the
  // session, the security headers.
  auto page = api_get(port, "/watches", {{"Cookie", writer}});
  ASSERT_EQ(page.status, 200);
  for (const char* part : {"<form id=\"add-watch\"", "name=\"url\" id=\"add-url\"", "<label for=\"add-url\">",
                           "Logged in as “writer” (write)", "aria-current=\"page\">Watches"})
    EXPECT_NE(page.body.find(part), std::string::npos) << part;
  EXPECT_NE(page.body.find(site.url("/news/floods")), std::string::npos);
  EXPECT_EQ(page.header("referrer-policy"), "same-origin");
  EXPECT_NE(page.header("content-security-policy").find("form-action 'self'"), std::string::npos);

  // Adding through the form: 303 back with the outcome, on the page and in the store.
  const std::string added = site.url("/news/added");
  auto add = post("/watches", form_headers(writer), "csrf=" + csrf + "&url=" + percent_encode(added) + "&every=");
  ASSERT_EQ(add.status, 303) << add.body;
  EXPECT_EQ(add.header("location"), "/watches?done=added&what=" + percent_encode(added));
  EXPECT_TRUE(watched(added));
  auto after_add = api_get(port, add.header("location"), {{"Cookie", writer}});
  EXPECT_NE(after_add.body.find("Now watching " + added), std::string::npos);
  EXPECT_NE(after_add.body.find("<button type=\"submit\" name=\"remove\" value=\"" + added + "\">"), std::string::npos)
      << after_add.body;
  EXPECT_EQ(post("/watches", form_headers(writer), "csrf=" + csrf + "&url=" + percent_encode(added)).header("location"),
            "/watches?done=exists&what=" + percent_encode(added));
  EXPECT_EQ(post("/watches", form_headers(writer), "csrf=" + csrf + "&url=ftp%3A%2F%2Fx").status, 400);

  // Refused, and nothing changes: no cookie, a read token, a wrong or missing CSRF token, a foreign,
  // missing or null Origin, another content type.
  const std::string other = site.url("/news/other");
  const std::string body = "&url=" + percent_encode(other);
  auto anonymous = post("/watches", {{"Origin", origin()}, {"Content-Type", k_form}}, "csrf=" + csrf + body);
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.header("location"), "/login?next=%2Fwatches&need=write");
  EXPECT_NE(api_get(port, anonymous.header("location")).body.find("Nothing was changed: that needs a token with scope"),
            std::string::npos);
  EXPECT_EQ(post("/watches", form_headers(reader), "csrf=" + csrf_of("/watches", reader) + body).status, 403);
  EXPECT_EQ(post("/watches", form_headers(writer), "csrf=" + std::string(64, '0') + body).status, 403);
  EXPECT_EQ(post("/watches", form_headers(writer), "csrf=" + csrf_of("/watches", reader) + body).status, 403);
  EXPECT_EQ(post("/watches", form_headers(writer), body.substr(1)).status, 403);
  for (const std::string bad_origin : {"http://evil.example", "null", "http://127.0.0.1:1", ""}) {
    Headers h{{"Content-Type", k_form}, {"Cookie", writer}};
    if (!bad_origin.empty()) h.emplace_back("Origin", bad_origin);
    auto refused = post("/watches", h, "csrf=" + csrf + body);
    EXPECT_EQ(refused.status, 403) << bad_origin;
    EXPECT_EQ(refused.header("content-type"), "text/html; charset=utf-8");
  }
  EXPECT_EQ(post("/watches", {{"Origin", origin()}, {"Content-Type", "text/plain"}, {"Cookie", writer}},
                 "csrf=" + csrf + body)
                .status,
            415);
  // The cookie counts for reads only: the JSON API's writes still want the Authorization header.
  EXPECT_EQ(api_request(port, "POST", "/api/v1/watches", {{"Cookie", writer}, {"Content-Type", "application/json"}},
                        "{\"url\": \"" + other + "\"}")
                .status,
            401);
  EXPECT_FALSE(watched(other));

  // Hostile text in a URL: stored as given, shown escaped on /watches and /status (after its 404).
  const std::string hostile =
      site.url("/news/\"onmouseover=alert(1)<script>window.__pwned=1</script>") + "?j=javascript:alert(2)";
  auto add_hostile = post("/watches", form_headers(writer), "csrf=" + csrf + "&url=" + percent_encode(hostile));
  ASSERT_EQ(add_hostile.status, 303) << add_hostile.body;
  ASSERT_TRUE(watched(hostile));
  ASSERT_TRUE(eventually([&] {  // both added pages are checked: 404
    const std::string shown = api_get(port, "/watches").body;
    const std::string error = "<span class=\"error-text\">http 404</span>";
    const size_t first = shown.find(error);
    return first != std::string::npos && shown.find(error, first + 1) != std::string::npos;
  })) << api_get(port, "/watches").body;
  for (const std::string& path : {std::string("/watches"), add_hostile.header("location")}) {
    auto shown = api_get(port, path, {{"Cookie", writer}});
    ASSERT_EQ(shown.status, 200) << path;
    expect_inert(shown.body, path);
    EXPECT_NE(shown.body.find("&quot;onmouseover=alert(1)&lt;script&gt;window.__pwned=1&lt;/script&gt;"),
              std::string::npos)
        << path << shown.body;
  }
  const auto status = api_get(port, "/status");  // the failing origin (its example may be either page)
  expect_inert(status.body, "/status");
  EXPECT_NE(status.body.find("<td>127.0.0.1</td><td>2</td><td><span class=\"badge\">"), std::string::npos)
      << status.body;

  // Removing: refused without the form token, done with it; a configured watch is not removed here.
  const std::string remove = "remove=" + percent_encode(added);
  EXPECT_EQ(post("/watches/remove", form_headers(writer), remove).status, 403);
  EXPECT_EQ(post("/watches/remove", form_headers(reader), "csrf=" + csrf_of("/watches", reader) + "&" + remove).status,
            403);
  EXPECT_TRUE(watched(added));
  auto removed = post("/watches/remove", form_headers(writer), "csrf=" + csrf + "&" + remove);
  ASSERT_EQ(removed.status, 303) << removed.body;
  EXPECT_EQ(removed.header("location"), "/watches?done=removed&what=" + percent_encode(added));
  EXPECT_FALSE(watched(added));
  EXPECT_EQ(api_get(port, "/watches").body.find("value=\"" + added + "\""), std::string::npos);
  EXPECT_EQ(post("/watches/remove", form_headers(writer), "csrf=" + csrf + "&" + remove).status, 404);
  EXPECT_EQ(
      post("/watches/remove", form_headers(writer), "csrf=" + csrf + "&remove=" + percent_encode(site.url("/news/zh")))
          .status,
      409);
  EXPECT_TRUE(watched(site.url("/news/zh")));

  // Logging out clears the cookie; it needs the form token of the session.
  EXPECT_EQ(post("/logout", form_headers(writer), "csrf=").status, 403);
  auto out = post("/logout", form_headers(writer), "csrf=" + csrf);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(out.header("set-cookie").find("redline_token=; "), std::string::npos);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(WebDeskWriteTest, RetryAndDropDeliveries) {
  WebhookReceiver receiver(k_test_secret);
  // A 400 is not retried: every delivery is dead at once, with the receiver's (hostile) answer as its error.
  receiver.answer(400, "<script>window.__pwned=9</script>\"onmouseover=alert(1) javascript:alert(3)");
  env.write_config(config_text + "[[webhook]]\nname = \"newsroom\"\nurl = \"" + receiver.url() + "\"\nsecret = \"" +
                   k_test_secret + "\"\n");
  ASSERT_NO_FATAL_FAILURE(start_with_changes());
  ASSERT_TRUE(eventually([&] { return outbox("dead").size() == 3; })) << outbox("dead").dump();
  const std::string event_id = outbox("dead")[0]["event_id"];

  const std::string writer = cookie_for(k_desk_write_token);
  const std::string reader = cookie_for(k_desk_read_token);
  const std::string csrf = csrf_of("/status", writer);
  auto status = api_get(port, "/status", {{"Cookie", writer}});
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("0 deliveries pending, 3 dead."), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("<button type=\"submit\" name=\"retry\" value=\"" + event_id + "\">"), std::string::npos);
  EXPECT_NE(status.body.find("HTTP 400: &lt;script&gt;window.__pwned=9&lt;/script&gt;&quot;onmouseover=alert(1)"),
            std::string::npos)
      << status.body;
  expect_inert(status.body, "/status");
  EXPECT_NE(status.body.find("aria-current=\"page\">Status"), std::string::npos);

  // Refused without write scope, form token or Origin: still dead.
  const std::string retry = "retry=" + event_id;
  EXPECT_EQ(post("/status/outbox", form_headers(reader), "csrf=" + csrf_of("/status", reader) + "&" + retry).status,
            403);
  EXPECT_EQ(post("/status/outbox", form_headers(writer), "csrf=" + std::string(64, 'f') + "&" + retry).status, 403);
  EXPECT_EQ(post("/status/outbox", {{"Content-Type", k_form}, {"Cookie", writer}}, "csrf=" + csrf + "&" + retry).status,
            403);
  EXPECT_EQ(post("/status/outbox", {{"Origin", origin()}, {"Content-Type", k_form}}, "csrf=" + csrf + "&" + retry)
                .header("location"),
            "/login?next=%2Fstatus&need=write");
  EXPECT_TRUE(in_outbox("dead", event_id));
  EXPECT_EQ(post("/status/outbox", form_headers(writer), "csrf=" + csrf + "&drop=" + event_id).status,
            409);  // dead already: nothing to drop

  // Retry while the receiver is down (503, retried later): the event is pending again.
  receiver.answer(503);
  auto retried = post("/status/outbox", form_headers(writer), "csrf=" + csrf + "&" + retry);
  ASSERT_EQ(retried.status, 303) << retried.body;
  EXPECT_EQ(retried.header("location"), "/status?done=retried&what=" + event_id);
  EXPECT_FALSE(in_outbox("dead", event_id));
  EXPECT_TRUE(in_outbox("pending", event_id));
  auto after = api_get(port, retried.header("location"), {{"Cookie", writer}});
  EXPECT_NE(after.body.find("Queued again for delivery: " + event_id), std::string::npos);
  EXPECT_NE(after.body.find("<button type=\"submit\" name=\"drop\" value=\"" + event_id + "\">"), std::string::npos);

  // Drop it: dead again, by the operator.
  auto dropped = post("/status/outbox", form_headers(writer), "csrf=" + csrf + "&drop=" + event_id);
  ASSERT_EQ(dropped.status, 303) << dropped.body;
  EXPECT_EQ(dropped.header("location"), "/status?done=dropped&what=" + event_id);
  EXPECT_FALSE(in_outbox("pending", event_id));
  bool by_operator = false;
  for (const auto& e : outbox("dead"))
    if (e["event_id"] == event_id) by_operator = e["last_error"].get<std::string>().starts_with("dropped by operator");
  EXPECT_TRUE(by_operator) << outbox("dead").dump();

  // The receiver is back: a retry is delivered by the running daemon.
  receiver.answer(200);
  ASSERT_EQ(post("/status/outbox", form_headers(writer), "csrf=" + csrf + "&" + retry).status, 303);
  EXPECT_TRUE(eventually([&] { return in_outbox("delivered", event_id); })) << outbox("pending").dump();
  EXPECT_EQ(outbox("dead").size(), 2u);
  EXPECT_EQ(post("/status/outbox", form_headers(writer), "csrf=" + csrf + "&retry=evt_unknown").status, 404);
}

// A desk on a non-loopback address behind a TLS proxy: every page asks for the login first; the
// cookie is Secure; the Origin is the proxy's https origin.
TEST_F(WebDeskWriteTest, TokenRequiredBehindProxy) {
  std::string text = std::regex_replace(config_text, std::regex("listen = \"127\\.0\\.0\\.1:0\""),
                                        "listen = \"0.0.0.0:0\"\nbase_url = \"https://desk.example.org\"");
  ASSERT_NE(text, config_text);
  env.write_config(text);
  ASSERT_NO_FATAL_FAILURE(start());
  const Headers proxied{{"Host", "desk.example.org"}, {"X-Forwarded-Proto", "https"}};
  for (const std::string path : {"/", "/watches", "/status", "/a/x", "/a/x/diff?from=1&to=2"}) {
    auto page = api_get(port, path, proxied);
    EXPECT_EQ(page.status, 303) << path;
    EXPECT_EQ(page.header("location"), "/login?next=" + percent_encode(path)) << path;
  }
  EXPECT_EQ(api_get(port, "/login", proxied).status, 200);
  EXPECT_EQ(api_get(port, "/static/app.css", proxied).status, 200);
  EXPECT_EQ(api_get(port, "/", {{"Authorization", "Bearer " + k_desk_read_token}}).status, 200);
  EXPECT_EQ(api_get(port, "/", {{"Authorization", "Bearer " + std::string(40, 'x')}}).status, 401);

  const std::string form = "token=" + k_desk_read_token + "&next=%2Fstatus";
  Headers wrong_scheme = proxied;
  wrong_scheme.emplace_back("Origin", "http://desk.example.org");
  wrong_scheme.emplace_back("Content-Type", k_form);
  EXPECT_EQ(api_request(port, "POST", "/login", wrong_scheme, form).status, 403);
  Headers from_proxy = proxied;
  from_proxy.emplace_back("Origin", "https://desk.example.org");
  from_proxy.emplace_back("Content-Type", k_form);
  auto in = api_request(port, "POST", "/login", from_proxy, form);
  ASSERT_EQ(in.status, 303) << in.body;
  EXPECT_EQ(in.header("location"), "/status");
  const std::string set_cookie = in.header("set-cookie");
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto status = api_get(port, "/status", {{"Cookie", cookie}});
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("Logged in as “reader”, a read token"), std::string::npos);
  EXPECT_EQ(api_get(port, "/api/v1/status", {{"Cookie", cookie}}).status, 200);  // the cookie reads the API too
  EXPECT_EQ(api_get(port, "/", {{"Cookie", "redline_token=" + std::string(40, 'x')}}).status, 303);
}

// /watches pages the run-time watches by URL: every watch once, in order, then no "Next".
TEST_F(WebDeskWriteTest, WatchesArePagedByUrl) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::vector<std::string> urls;
  for (int i = 0; i < 57; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/news/p%03d", i);
    urls.push_back(site.url(name));
    const auto added =
        api_request(port, "POST", "/api/v1/watches",
                    {{"Authorization", "Bearer " + k_desk_write_token}, {"Content-Type", "application/json"}},
                    json{{"url", urls.back()}, {"every", "1h"}}.dump());
    ASSERT_EQ(added.status, 201) << added.body;
  }
  std::vector<std::string> seen;
  std::string next = "/watches";
  for (int page = 0; page < 3 && !next.empty(); ++page) {
    // Another cookie beside the login's: the right one is picked.
    const auto shown = api_get(port, next, {{"Cookie", "theme=dark; " + cookie_for(k_desk_write_token) + "; x=1"}});
    ASSERT_EQ(shown.status, 200) << next;
    EXPECT_NE(shown.body.find("Logged in as “writer” (write)"), std::string::npos);
    const std::regex button("name=\"remove\" value=\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(shown.body.begin(), shown.body.end(), button); it != std::sregex_iterator();
         ++it)
      seen.push_back((*it)[1]);
    std::smatch m;
    next = std::regex_search(shown.body, m, std::regex("rel=\"next\" href=\"([^\"]+)\"")) ? m[1].str() : "";
    if (page == 0) {
      EXPECT_EQ(seen.size(), 50u);
    }
  }
  EXPECT_EQ(next, "");
  EXPECT_EQ(seen, urls);  // sorted by URL, each once
}

// /watches shows each feed's polls from the daemon's memory: a good feed "ok" with its last and next
// poll, a broken one "failing" with the poll's error (escaped).
TEST_F(WebDeskWriteTest, FeedsShowTheirPolls) {
  site.server().route("/feed.xml", [this](const ServerRequest&) {
    return ServerResponse::text(200,
                                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title><item>"
                                "<title>Floods</title><link>" +
                                    site.url("/news/floods") + "</link></item></channel></rss>",
                                "application/rss+xml");
  });
  site.server().route("/broken.xml", [](const ServerRequest&) {
    return ServerResponse::text(200, "<html><body>not a feed <script>x</script></body></html>", "text/html");
  });
  env.write_config(config_text + "[[feed]]\nname = \"local\"\nurl = \"" + site.url("/feed.xml") +
                   "\"\nevery = \"2s\"\n[[feed]]\nname = \"broken\"\nurl = \"" + site.url("/broken.xml") +
                   "\"\nevery = \"2s\"\n");
  ASSERT_NO_FATAL_FAILURE(start());
  std::string body;
  const auto row_of = [&](const std::string& name) {
    const size_t at = body.find("<tr><td>" + name + "</td>");
    return at == std::string::npos ? std::string() : body.substr(at, body.find("</tr>", at) - at);
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto shown = api_get(port, "/watches");
    ASSERT_EQ(shown.status, 200);
    body = shown.body;
    if (row_of("local").find("ok (") != std::string::npos && row_of("broken").find("failing") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const std::string local = row_of("local"), broken = row_of("broken");
  EXPECT_NE(local.find("ok ("), std::string::npos) << local;
  EXPECT_NE(local.find("0 failed"), std::string::npos) << local;
  EXPECT_EQ(local.find("error-text"), std::string::npos) << local;
  EXPECT_NE(local.find("<time datetime="), std::string::npos) << local;  // last and next poll
  EXPECT_NE(broken.find("failing"), std::string::npos) << broken;
  EXPECT_NE(broken.find("error-text"), std::string::npos) << broken;
  EXPECT_EQ(broken.find("<script>"), std::string::npos) << broken;
}

}  // namespace
}  // namespace redline::testing
