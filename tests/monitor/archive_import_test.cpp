// Archive import: the DW revision corpus (tests/data/revisions/dw, see its README) into a real store.
#include "monitor/archive_import.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "extract/archive_writer.hpp"
#include "monitor/identity.hpp"
#include "monitor/monitor_fixture.hpp"
#include "util/file.hpp"

namespace redline::testing {
namespace {

const std::filesystem::path k_corpus = REDLINE_TEST_DATA_DIR "/revisions/dw";

// The [[site]] rule of config/redline.toml: DW articles are keyed by their a-NNN id, feedx footers dropped.
const std::string k_dw_site = R"toml(
[[site]]
match = "dw.com"
id = '/a-(\d+)'
drop_text = ['^获取更多RSS', 'feedx\.(?:net|fun|run|top)']
)toml";

const std::string k_hook = R"toml(
[[webhook]]
name = "hook"
url = "http://127.0.0.1:9/hook"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)toml";

// Per article of the corpus README ("Kinds of change"): for each consecutive pair, whether the
// headline and whether the body text changed. The feedx footer (dropped by the site rule) and a
// <p> → <p><em> wrapper are not changes; a-70072918's recapture is no change at all.
struct Expected {
  std::vector<std::pair<bool, bool>> transitions;  // {headline, body}
};
const std::map<std::string, Expected> k_expected = {
    {"a-61992878", {{{true, false}}}},
    {"a-62037205", {{{true, false}}}},
    {"a-62040219", {{{true, true}}}},
    {"a-62043662", {{{true, true}, {true, true}}}},
    {"a-62043880", {{{true, true}, {true, true}}}},
    {"a-62047862", {{{true, true}}}},
    {"a-62064461", {{{true, true}}}},
    {"a-62105792", {{{true, false}}}},
    {"a-62109091", {{{true, false}}}},
    {"a-62120601", {{{true, true}}}},
    {"a-70038267", {{{true, true}}}},
    {"a-70039385", {{{true, true}}}},
    {"a-70045986", {{{true, false}}}},
    {"a-70072918", {{}}},
    {"a-70086777", {{{true, true}}}},
    {"a-70111745", {{{true, false}}}},
    {"a-70131509", {{{true, false}}}},
    {"a-70241396", {{{true, true}}}},
    {"a-70283291", {{{true, true}}}},
    {"a-70295048", {{{true, true}}}},
};

bool has(const std::vector<std::string>& classes, const std::string& c) {
  return std::find(classes.begin(), classes.end(), c) != classes.end();
}

class ArchiveImportTest : public MonitorFixture {
 protected:
  void SetUp() override {
    MonitorFixture::SetUp();
    spdlog::set_level(spdlog::level::warn);  // one info line per stored version otherwise
    // Imports refuse captures more than a day ahead of now: the clock stands after the corpus's newest.
    clock.set(from_epoch_ms(1'800'000'000'000));
  }
  void TearDown() override {
    spdlog::set_level(spdlog::level::info);
    MonitorFixture::TearDown();
  }

  ImportReport import_paths(const std::vector<std::filesystem::path>& paths, CaptureNotify notify = CaptureNotify::no,
                            bool reverse = false) {
    auto files = collect_import_files(paths);
    EXPECT_TRUE(files.ok()) << files.error().message;
    if (reverse) std::reverse(files->begin(), files->end());
    ArchiveImporter importer(config, *store_, clock, notify);
    std::vector<SourcedCapture> captures;
    ImportReport report;
    importer.read_files(*files, captures, report);
    auto done = importer.import(std::move(captures), report);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? *done : ImportReport{};
  }

  int64_t total_versions() {
    int64_t n = 0;
    for (const auto& a : *store_->list_articles()) n += a.version_count;
    return n;
  }

  std::shared_ptr<const Config> config = make_config(k_dw_site);
};

TEST_F(ArchiveImportTest, TheDwCorpusIsTwentyArticlesAndFortyOneVersionsWithTheReadmesChanges) {
  // Files in reverse order: captures of one article must still be stored oldest first.
  const ImportReport report = import_paths({k_corpus}, CaptureNotify::no, /*reverse=*/true);
  EXPECT_EQ(report.captures, 42);
  EXPECT_EQ(report.articles, 20);
  EXPECT_EQ(report.versions, 41);
  EXPECT_EQ(report.unchanged, 1);
  EXPECT_EQ(report.already, 0);
  ASSERT_EQ(report.skipped.size(), 1u);  // MANIFEST.tsv
  EXPECT_NE(report.skipped.front().find("MANIFEST.tsv: not a feed-archive capture"), std::string::npos);

  auto articles = store_->list_articles();
  ASSERT_TRUE(articles.ok());
  ASSERT_EQ(articles->size(), 20u);
  EXPECT_EQ(total_versions(), 41);
  EXPECT_TRUE(store_->list_outbox(std::nullopt)->empty());  // no --notify: no notifications

  for (const auto& [id, expected] : k_expected) {
    SCOPED_TRACE(id);
    auto article = store_->find_article("dw.com:" + id.substr(2));
    ASSERT_TRUE(article.ok() && article->has_value());
    auto versions = *store_->versions((*article)->id);
    auto changes = *store_->changes((*article)->id);
    ASSERT_EQ(versions.size(), expected.transitions.size() + 1);
    ASSERT_EQ(changes.size(), expected.transitions.size());
    // Stored at the capture times of the corpus, oldest first, each from its own (slug) URL.
    std::set<std::string> stems;
    for (const auto& entry : std::filesystem::directory_iterator(k_corpus / id))
      stems.insert(entry.path().stem().string());
    std::vector<std::string> stored;
    for (const auto& v : versions) {
      stored.push_back(std::to_string(to_epoch_ms(v.captured_at)));
      EXPECT_NE(v.url.find(id), std::string::npos);
      EXPECT_EQ(v.content.headline.empty(), false);
    }
    EXPECT_TRUE(std::is_sorted(stored.begin(), stored.end()));
    for (const auto& s : stored) EXPECT_TRUE(stems.count(s)) << s;
    for (size_t i = 0; i < changes.size(); ++i) {
      SCOPED_TRACE("change " + std::to_string(i + 1));
      EXPECT_EQ(changes[i].from_version, versions[i].id);
      EXPECT_EQ(changes[i].to_version, versions[i + 1].id);
      EXPECT_EQ(has(changes[i].classes, "headline"), expected.transitions[i].first);
      EXPECT_EQ(has(changes[i].classes, "body"), expected.transitions[i].second);
      EXPECT_EQ(versions[i].content.headline != versions[i + 1].content.headline, expected.transitions[i].first);
    }
  }

  // Details the README names: a-62043662's third version adds a paragraph on the Russian reaction;
  // a-70241396 fixes 汪文涛 → 王文涛; a-70111745 only lost the feedx footer (dropped by the site rule).
  auto body_of = [&](const std::string& id, size_t n) {
    auto a = store_->find_article("dw.com:" + id.substr(2));
    return (*store_->versions((*a)->id))[n].content.body();
  };
  auto v2 = store_->versions((*store_->find_article("dw.com:62043662"))->id);
  EXPECT_GT((*v2)[2].content.blocks.size(), (*v2)[1].content.blocks.size());
  EXPECT_NE(body_of("a-70241396", 0).find("汪文涛"), std::string::npos);
  EXPECT_EQ(body_of("a-70241396", 1).find("汪文涛"), std::string::npos);
  EXPECT_NE(body_of("a-70241396", 1).find("王文涛"), std::string::npos);
  EXPECT_EQ(body_of("a-70111745", 0), body_of("a-70111745", 1));
  EXPECT_EQ(body_of("a-70111745", 0).find("feedx"), std::string::npos);
  // The unchanged recapture is a sighting: last_checked moved to its time.
  auto control = store_->find_article("dw.com:70072918");
  EXPECT_EQ((*control)->last_checked, from_epoch_ms(1725949024000));
}

TEST_F(ArchiveImportTest, ImportingTheSameFilesAgainAddsNothing) {
  const ImportReport first = import_paths({k_corpus});
  ASSERT_EQ(first.versions, 41);
  const auto before = *store_->list_articles();

  const ImportReport again = import_paths({k_corpus});
  EXPECT_EQ(again.versions, 0);
  EXPECT_EQ(again.already, 41);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(total_versions(), 41);
  const auto after = *store_->list_articles();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].last_checked, before[i].last_checked);
    EXPECT_EQ(after[i].last_changed, before[i].last_changed);
    EXPECT_EQ(store_->changes(after[i].id)->size(), store_->changes(before[i].id)->size());
  }
}

TEST_F(ArchiveImportTest, NotifyQueuesOneEventPerChangeForEveryNotifier) {
  config = make_config(k_dw_site + k_hook);
  const ImportReport report = import_paths({k_corpus / "a-62043662", k_corpus / "a-70072918"}, CaptureNotify::yes);
  EXPECT_EQ(report.versions, 4);
  auto outbox = *store_->list_outbox(OutboxState::pending);
  // Two changes of a-62043662, each to the webhook and the diff log; first versions announce nothing.
  ASSERT_EQ(outbox.size(), 4u);
  std::set<std::string> events;
  for (const auto& e : outbox) events.insert(e.event_id);
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(ArchiveImportTest, AnOlderDifferentCaptureDoesNotRewriteHistory) {
  // The newest capture first, then the older ones: the older ones differ and are reported, not stored.
  const auto dir = k_corpus / "a-62043880";
  import_paths({dir / "1654528624000.txt"});
  const ImportReport older = import_paths({dir / "1654512425000.txt", dir / "1654523224000.txt"});
  EXPECT_EQ(older.versions, 0);
  ASSERT_EQ(older.skipped.size(), 2u);
  EXPECT_NE(older.skipped[0].find("older than the newest stored version"), std::string::npos) << older.skipped[0];
  EXPECT_EQ(total_versions(), 1);
}

TEST_F(ArchiveImportTest, ExportedArchivesImportIntoTheSameVersions) {
  ASSERT_EQ(import_paths({k_corpus}).versions, 41);
  // Export every version as `redline export --format archive --output DIR` does, and all of them
  // concatenated as `--output -` does.
  const auto out = m_dir / "export";
  std::string concatenated;
  for (const auto& a : *store_->list_articles()) {
    for (const auto& v : *store_->versions(a.id)) {
      const std::string text = format_archive(v.captured_at, v.url, v.content);
      const auto file = out / archive_file_name(a.key, v.captured_at);
      std::filesystem::create_directories(file.parent_path());
      std::ofstream(file) << text;
      concatenated += text;
    }
  }
  EXPECT_TRUE(std::filesystem::exists(out / "dw.com_62043662" / "1654523224000.txt"));
  std::ofstream(m_dir / "all.txt") << concatenated;

  for (const auto& source : {out, m_dir / "all.txt"}) {
    SCOPED_TRACE(source.string());
    auto fresh = SqliteStore::open(m_dir / ("fresh-" + source.filename().string() + ".db"), OpenMode::read_write);
    ASSERT_TRUE(fresh.ok());
    auto files = collect_import_files({source});
    ArchiveImporter importer(config, **fresh, clock);
    std::vector<SourcedCapture> captures;
    ImportReport report;
    importer.read_files(*files, captures, report);
    auto done = importer.import(std::move(captures), report);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->versions, 41);
    EXPECT_TRUE(done->skipped.empty()) << done->skipped.front();
    for (const auto& a : *store_->list_articles()) {
      auto copy = (*fresh)->find_article(a.key);
      ASSERT_TRUE(copy.ok() && copy->has_value()) << a.key;
      const auto want = *store_->versions(a.id);
      const auto got = *(*fresh)->versions((*copy)->id);
      ASSERT_EQ(got.size(), want.size()) << a.key;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].captured_at, want[i].captured_at);
        EXPECT_EQ(got[i].url, want[i].url);
        EXPECT_EQ(got[i].content.headline, want[i].content.headline);
        EXPECT_EQ(got[i].content.blocks, want[i].content.blocks) << a.key << " version " << i + 1;
        EXPECT_EQ(got[i].content.published, want[i].content.published);
        EXPECT_EQ(got[i].content.authors, want[i].content.authors);
        EXPECT_EQ(got[i].fingerprint, want[i].fingerprint);
      }
    }
  }
}

TEST_F(ArchiveImportTest, ConcatenatedCapturesSplitAtTheirTimeLines) {
  const std::string one = "<!--1000-->\n[A](https://www.dw.com/zh/a/a-1)\n------\n\n<p>x <!--2000--> y</p>\n";
  const std::string two = "<!--2000-->\n[B](https://www.dw.com/zh/b/a-1)\n------\n\n<p>z</p>\n";
  const std::string both = one + two;
  const auto parts = split_captures(both);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], one);
  EXPECT_EQ(parts[1], two);
  EXPECT_TRUE(split_captures("<html></html>").empty());
  EXPECT_EQ(split_captures(two).size(), 1u);
}

TEST_F(ArchiveImportTest, MissingPathsAreAnError) {
  auto files = collect_import_files({m_dir / "nope"});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, Errc::not_found);
}

}  // namespace
}  // namespace redline::testing
