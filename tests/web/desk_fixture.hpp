// The web desk's test setting: the real redlined (API on an ephemeral port, a read and a write token)
// watching a local news site with three articles (English, Chinese, and one whose text is hostile
// markup), each edited once after its first version. The site also answers POST /_control/edit
// (the browser test's way to make a change happen during a test: the floods headline changes).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"

namespace redline::testing {

inline const std::string k_desk_read_token(40, 'r');
inline const std::string k_desk_write_token(40, 'w');

// Hostile text as the page shows it (escaped in the page's HTML, so the extractor reads it literally).
inline SiteArticle hostile_desk_article() {
  return {
      "Floods &lt;script&gt;window.__pwned=1&lt;/script&gt; \"&gt;&lt;img src=x onerror=window.__pwned=2&gt; "
      "&lt;/textarea&gt; end",
      "Ann &lt;b onmouseover=window.__pwned=4&gt;Reporter&lt;/b&gt;",
      {"Officials said &lt;a href=\"javascript:window.__pwned=3\"&gt;click here&lt;/a&gt; on Monday morning.",
       "The road stays closed &lt;script&gt;window.__pwned=5&lt;/script&gt; until the water recedes.",
       "Residents were asked to move their cars &lt;/textarea&gt;&lt;svg onload=window.__pwned=6&gt; uphill."}};
}

class DeskFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    site.put("/news/floods", {"River road closed after floods",
                              "Jane Doe",
                              {"Heavy rain overnight flooded the river road between the two bridges, officials said.",
                               "The road will stay closed until Friday, the council said in a statement.",
                               "Residents of the lower town were asked to move their cars to higher ground."}});
    site.put("/news/zh", {"德国联邦议院今天通过新的联邦预算法案",
                          "德国之声中文网",
                          {"德国联邦议院周四以多数票通过了明年的联邦预算，总额约为四千八百亿欧元。",
                           "反对党批评政府在国防和社会福利方面的支出安排不够透明。",
                           "预算法案还需经过联邦参议院的审议才能正式生效。"}});
    site.put("/news/hostile", hostile_desk_article());
    site.server().route("/_control/edit", [this](const ServerRequest&) {
      site.edit("/news/floods", [](SiteArticle& a) { a.headline = "River road reopens after floods"; });
      return ServerResponse::text(200, "edited\n");
    });
    config_text =
        "[log]\nlevel = \"info\"\n[store]\npath = \"state/redline.db\"\n[http]\nper_host_rate = 0\n"
        "[api]\nlisten = \"127.0.0.1:0\"\n[[api.token]]\nname = \"reader\"\ntoken = \"" +
        k_desk_read_token + "\"\nscope = \"read\"\n[[api.token]]\nname = \"writer\"\ntoken = \"" + k_desk_write_token +
        "\"\nscope = \"write\"\n" + watch("/news/floods") + watch("/news/zh") + watch("/news/hostile");
    env.write_config(config_text);
  }

  std::string watch(const std::string& path) { return "[[watch]]\nurl = \"" + site.url(path) + "\"\nevery = \"1s\"\n"; }

  // Starts redlined and reads the API's port from its log.
  void start() {
    using namespace std::chrono_literals;
    daemon = std::make_unique<Process>(RedlineEnv::redlined_path(),
                                       ProcessOptions{{"--config", env.config_path().string()}, {}, "", "", ""});
    ASSERT_TRUE(daemon->start().ok());
    ASSERT_TRUE(daemon->wait_for_output("API listening on", 20s)) << daemon->stderr_text();
    std::smatch m;
    const std::string log = daemon->stderr_text();
    ASSERT_TRUE(std::regex_search(log, m, std::regex("listening on [0-9.]+:([0-9]+)"))) << log;
    port = static_cast<uint16_t>(std::stoi(m[1]));
  }

  // Starts redlined, waits for the three first versions, edits each article and waits for the three changes.
  void start_with_changes() {
    using namespace std::chrono_literals;
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_TRUE(wait_count("first version stored", 3, 30s)) << daemon->stderr_text();
    site.edit("/news/floods", [](SiteArticle& a) {
      a.paragraphs[1] = "The road will stay closed until Monday, the council said in a statement.";
    });
    site.edit("/news/zh", [](SiteArticle& a) { a.headline = "德国联邦议院今天否决新的联邦预算法案"; });
    site.edit("/news/hostile", [](SiteArticle& a) {
      a.headline += " &lt;script&gt;window.__pwned=7&lt;/script&gt;";
      a.paragraphs.push_back("A new paragraph &lt;iframe src=javascript:window.__pwned=8&gt; was added.");
    });
    ASSERT_TRUE(wait_count("changed [", 3, 30s)) << daemon->stderr_text();
  }

  bool wait_count(const std::string& needle, size_t count, std::chrono::seconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      const std::string log = daemon->stderr_text();
      size_t n = 0;
      for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
      if (n >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void TearDown() override {
    if (daemon) {
      (void)daemon->terminate();
      daemon->wait(std::chrono::seconds(10));
    }
  }

  NewsSite site;
  RedlineEnv env;
  std::string config_text;  // what SetUp wrote
  std::unique_ptr<Process> daemon;
  uint16_t port = 0;
};

}  // namespace redline::testing
