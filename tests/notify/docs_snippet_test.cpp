// Runs the Python verification snippet of docs/webhooks.md against requests signed by redline, so the
// documentation cannot drift from what the signer does. Skipped when python3 is not installed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "notify/event.hpp"
#include "notify/webhook_signer.hpp"

namespace redline {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// The ```python block that follows the "verify-snippet" marker.
std::string python_snippet() {
  const std::string doc = read_text(std::filesystem::path(REDLINE_SOURCE_DIR) / "docs" / "webhooks.md");
  const size_t marker = doc.find("<!-- verify-snippet");
  if (marker == std::string::npos) return {};
  const std::string open = "```python\n";
  const size_t start = doc.find(open, marker);
  if (start == std::string::npos) return {};
  const size_t end = doc.find("\n```", start + open.size());
  if (end == std::string::npos) return {};
  return doc.substr(start + open.size(), end - start - open.size() + 1);
}

// Reads a JSON array of {secret, headers, body} cases, prints one line per case: "ok" or "rejected".
constexpr const char* k_driver = R"(
import json, sys
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        verify_redline_webhook(case["secret"], case["headers"], case["body"].encode("utf-8"))
        print("ok")
    except ValueError:
        print("rejected")
)";

struct Case {
  std::string secret;
  Headers headers;
  std::string body;
};

class DocsSnippetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("python3 -c pass >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 not available";
    m_dir = std::filesystem::temp_directory_path() / ("redline-snippet-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_dir);
    const std::string snippet = python_snippet();
    ASSERT_FALSE(snippet.empty()) << "no verify-snippet python block in docs/webhooks.md";
    write_text(m_dir / "verify.py", snippet + k_driver);
  }
  void TearDown() override {
    if (!m_dir.empty()) std::filesystem::remove_all(m_dir);
  }

  // The snippet's verdict for each case, in order ("ok" or "rejected"); one python3 run for all.
  std::vector<std::string> run(const std::vector<Case>& cases) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& c : cases) {
      nlohmann::json h = nlohmann::json::object();
      for (const auto& [k, v] : c.headers) h[k] = v;
      all.push_back({{"secret", c.secret}, {"headers", h}, {"body", c.body}});
    }
    write_text(m_dir / "cases.json", all.dump());
    const std::string cmd = "python3 " + (m_dir / "verify.py").string() + " " + (m_dir / "cases.json").string() +
                            " > " + (m_dir / "out.txt").string();
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "python3 failed: " << status;
    std::vector<std::string> verdicts;
    std::istringstream out(read_text(m_dir / "out.txt"));
    for (std::string line; std::getline(out, line);) verdicts.push_back(line);
    return verdicts;
  }

  std::filesystem::path m_dir;
};

TEST_F(DocsSnippetTest, PythonSnippetAcceptsRedlineSignaturesAndRejectsForgeries) {
  const std::string current = generate_webhook_secret();
  const std::string previous = generate_webhook_secret();
  auto signer = WebhookSigner::create({current, previous});
  ASSERT_TRUE(signer.ok());

  Event e;
  e.id = make_event_id();
  e.occurred_at = SystemClock().now();
  e.article_key = "example:1";
  e.url = "https://news.example/1";
  e.new_version = EventVersion{1, e.occurred_at, "Überschrift – “quoted”"};
  e.diff = "{+Überschrift+}\n";
  const std::string body = render_event(e);
  const Headers headers = signer->headers(e.id, SystemClock().now(), body);

  const Headers stale = signer->headers(e.id, SystemClock().now() - 10min, body);
  const std::vector<Case> cases = {
      {current, headers, body},
      {previous, headers, body},  // a receiver still on the old secret during rotation
      {generate_webhook_secret(), headers, body},
      {current, headers, body + " "},
      {current, stale, body},
  };
  EXPECT_EQ(run(cases), (std::vector<std::string>{"ok", "ok", "rejected", "rejected", "rejected"}));
}

}  // namespace
}  // namespace redline
