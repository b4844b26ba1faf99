#include "notify/diff_log.hpp"

#include "notify/rotating_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace redline {
namespace {

using namespace std::chrono_literals;

Event changed_event() {
  Event e;
  e.id = "evt_aaaabbbbccccddddeeeeffff";
  e.type = EventType::changed;
  e.occurred_at = from_epoch_ms(1'717'243'200'123);
  e.article_key = "example:1";
  e.url = "https://news.example/a/1";
  e.old_version = EventVersion{3, from_epoch_ms(1'717'239'600'000), "Mayor resigns"};
  e.new_version = EventVersion{4, from_epoch_ms(1'717'243'200'000), "Mayor resigns amid probe"};
  e.classes = {"headline", "body"};
  e.diff = "Mayor resigns {+amid probe+}\n\nThe mayor [-said-]{+announced+} on Monday.";
  return e;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DiffLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("redline-difflog-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::filesystem::path m_dir;
};

TEST(DiffLogEntry, HasHeaderHeadlineUrlVersionsDiffAndBlankLine) {
  EXPECT_EQ(render_diff_log_entry(changed_event()),
            "=== 2024-06-01T12:00:00.123Z article.changed [headline, body] evt_aaaabbbbccccddddeeeeffff\n"
            "headline: \"Mayor resigns\" → \"Mayor resigns amid probe\"\n"
            "url: https://news.example/a/1\n"
            "versions: 3 (2024-06-01T11:00:00.000Z) → 4 (2024-06-01T12:00:00.000Z)\n"
            "Mayor resigns {+amid probe+}\n\nThe mayor [-said-]{+announced+} on Monday.\n"
            "\n");
}

TEST(DiffLogEntry, UnchangedHeadlineAndMissingSides) {
  Event e = changed_event();
  e.new_version->headline = e.old_version->headline;
  EXPECT_NE(render_diff_log_entry(e).find("headline: \"Mayor resigns\" (unchanged)\n"), std::string::npos);

  e.type = EventType::deleted;
  e.new_version.reset();
  e.classes.clear();
  e.diff.clear();
  const std::string text = render_diff_log_entry(e);
  EXPECT_NE(text.find("article.deleted [] evt_"), std::string::npos) << text;
  EXPECT_NE(text.find("headline: \"Mayor resigns\" → (none)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("versions: 3 (2024-06-01T11:00:00.000Z) → (none)\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\n\n");
}

TEST_F(DiffLogTest, AppendsEntriesInOrderCreatingDirectories) {
  const DiffLog log(m_dir / "sub" / "diff.log");
  Event first = changed_event();
  Event second = changed_event();
  second.id = "evt_second";
  second.type = EventType::restored;
  ASSERT_TRUE(log.append(render_event(first)).ok());
  ASSERT_TRUE(log.append(second).ok());
  EXPECT_EQ(slurp(log.path()), render_diff_log_entry(first) + render_diff_log_entry(second));
}

TEST_F(DiffLogTest, ReportsBadPayloadAndUnwritableFile) {
  std::filesystem::create_directories(m_dir / "diff.log");
  const DiffLog blocked(m_dir / "diff.log");
  auto io = blocked.append(changed_event());
  ASSERT_FALSE(io.ok());
  EXPECT_EQ(io.error().code, Errc::io);
  EXPECT_NE(io.error().message.find("diff.log"), std::string::npos);

  const DiffLog log(m_dir / "ok.log");
  auto bad = log.append(std::string_view("{\"type\":\"nope\"}"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_input);
  EXPECT_FALSE(std::filesystem::exists(log.path()));
}

TEST_F(DiffLogTest, WritesTheJsonLinesFileBesideTheText) {
  DiffLogTarget target{m_dir / "diff.log", m_dir / "json" / "diff.jsonl", Rotation{0, 5}};
  const DiffLog log(target);
  Event first = changed_event();
  Event second = changed_event();
  second.id = "evt_second";
  ASSERT_TRUE(log.append(render_event(first)).ok());
  ASSERT_TRUE(log.append(render_event(second)).ok());
  EXPECT_EQ(slurp(target.path), render_diff_log_entry(first) + render_diff_log_entry(second));
  // One line per event: exactly the payload webhooks receive.
  EXPECT_EQ(slurp(target.jsonl_path), render_event(first) + "\n" + render_event(second) + "\n");
}

TEST_F(DiffLogTest, RotatesBySizeKeepingMaxFiles) {
  const auto numbered = [](int i) {
    Event e = changed_event();
    e.id = "evt_" + std::to_string(i);
    return e;
  };
  const size_t entry = render_diff_log_entry(numbered(0)).size();
  const size_t line = render_event(numbered(0)).size() + 1;
  // Room for two text entries per file; the JSON-lines file rotates by the same size.
  DiffLogTarget target{m_dir / "diff.log", m_dir / "diff.jsonl", Rotation{2 * entry + 10, 2}};
  const DiffLog log(target);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(log.append(numbered(i)).ok()) << i;
  // 9 entries, two per file: 8,  6 7 (.1),  4 5 (.2); .3 is never kept.
  EXPECT_EQ(std::filesystem::file_size(target.path), entry);
  EXPECT_EQ(std::filesystem::file_size(m_dir / "diff.log.1"), 2 * entry);
  EXPECT_EQ(std::filesystem::file_size(m_dir / "diff.log.2"), 2 * entry);
  EXPECT_FALSE(std::filesystem::exists(m_dir / "diff.log.3"));
  EXPECT_NE(slurp(target.path).find("evt_8"), std::string::npos);
  EXPECT_NE(slurp(m_dir / "diff.log.1").find("evt_6"), std::string::npos);
  EXPECT_NE(slurp(m_dir / "diff.log.2").find("evt_4"), std::string::npos);
  // Every file holds whole entries only.
  for (const char* name : {"diff.log", "diff.log.1", "diff.log.2"}) {
    const std::string text = slurp(m_dir / name);
    EXPECT_EQ(text.rfind("=== ", 0), 0u) << name;
    EXPECT_EQ(text.substr(text.size() - 2), "\n\n") << name;
  }
  for (const char* name : {"diff.jsonl", "diff.jsonl.1", "diff.jsonl.2"}) {
    const std::string text = slurp(m_dir / name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(text.size() % line, 0u) << name;
    EXPECT_LE(text.size(), std::max(2 * entry + 10, line)) << name;
  }
}

TEST_F(DiffLogTest, ZeroMaxSizeNeverRotates) {
  const DiffLog log(DiffLogTarget{m_dir / "diff.log", {}, Rotation{0, 1}});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.append(changed_event()).ok());
  EXPECT_EQ(std::filesystem::file_size(m_dir / "diff.log"), 5 * render_diff_log_entry(changed_event()).size());
  EXPECT_FALSE(std::filesystem::exists(m_dir / "diff.log.1"));
}

TEST_F(DiffLogTest, AnEntryLargerThanMaxSizeIsWrittenWholeToAFreshFile) {
  const DiffLog log(DiffLogTarget{m_dir / "diff.log", {}, Rotation{10, 1}});
  ASSERT_TRUE(log.append(changed_event()).ok());
  ASSERT_TRUE(log.append(changed_event()).ok());
  EXPECT_EQ(slurp(m_dir / "diff.log"), render_diff_log_entry(changed_event()));
  EXPECT_EQ(slurp(m_dir / "diff.log.1"), render_diff_log_entry(changed_event()));
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST_F(DiffLogTest, AppendAllWritesEveryGoodPayloadInOrderAndReportsEachOne) {
  const DiffLog log(DiffLogTarget{m_dir / "diff.log", m_dir / "diff.jsonl", Rotation{0, 1}});
  Event first = changed_event();
  Event second = changed_event();
  second.id = "evt_second";
  const std::string payloads[] = {render_event(first), "{\"type\":\"nope\"}", render_event(second)};
  const std::vector<std::string_view> views(std::begin(payloads), std::end(payloads));
  const auto statuses = log.append_all(views);
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok());
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].error().code, Errc::invalid_input);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(slurp(log.path()), render_diff_log_entry(first) + render_diff_log_entry(second));
  EXPECT_EQ(slurp(m_dir / "diff.jsonl"), payloads[0] + "\n" + payloads[2] + "\n");

  std::filesystem::create_directories(m_dir / "blocked.log");
  const auto io = DiffLog(m_dir / "blocked.log").append_all(views);
  EXPECT_EQ(io[0].error().code, Errc::io);
  EXPECT_EQ(io[1].error().code, Errc::invalid_input);
  EXPECT_EQ(io[2].error().code, Errc::io);
}

TEST_F(DiffLogTest, AppendAllStillRotatesBySize) {
  const size_t entry = render_diff_log_entry(changed_event()).size();
  const DiffLog log(DiffLogTarget{m_dir / "diff.log", {}, Rotation{2 * entry + 10, 3}});
  const std::string payload = render_event(changed_event());
  const std::vector<std::string_view> five(5, payload);
  for (const auto& s : log.append_all(five)) EXPECT_TRUE(s.ok());
  // Two entries fit in a file: 5 entries make diff.log (1) + diff.log.1 (2) + diff.log.2 (2).
  EXPECT_EQ(std::filesystem::file_size(log.path()), entry);
  EXPECT_EQ(std::filesystem::file_size(rotated_name(log.path(), 1)), 2 * entry);
  EXPECT_EQ(std::filesystem::file_size(rotated_name(log.path(), 2)), 2 * entry);
  EXPECT_FALSE(std::filesystem::exists(rotated_name(log.path(), 3)));
}

}  // namespace
}  // namespace redline
