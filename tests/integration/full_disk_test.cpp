// A full disk under a running redlined: the store lives on a small tmpfs, mounted in a private mount
// namespace of this test process (the daemon, forked from it, sees it too; nothing outside does, and
// it disappears with the process). The disk fills up while an edit is waiting to be stored; the daemon
// must say so clearly, keep running, keep what was committed, and store the edit once space returns.
//
// Mounting needs CAP_SYS_ADMIN: run as root (as CI does) or under `unshare -rm`; otherwise it skips.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "integration/news_site.hpp"
#include "integration/redline_env.hpp"
#include "integration/webhook_receiver.hpp"
#include "store/sqlite_store.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

// A tmpfs of `megabytes` at `dir`, private to this process and its children. Returns "" on success,
// else why it could not be mounted.
std::string mount_small_disk(const std::filesystem::path& dir, int megabytes) {
  std::filesystem::create_directories(dir);
  if (unshare(CLONE_NEWNS) != 0) return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
  if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("making / private: ") + std::strerror(errno);
  const std::string options = "size=" + std::to_string(megabytes) + "m,mode=0755";
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0)
    return std::string("mounting a tmpfs: ") + std::strerror(errno);
  return "";
}

// Writes `path` until the file system has no space left; returns the bytes written.
size_t fill_disk(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::setvbuf(f, nullptr, _IONBF, 0);
  const std::string chunk(4096, 'x');
  size_t written = 0;
  while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size()) written += chunk.size();
  // The last partial page, byte by byte, so not even a few hundred bytes are left.
  while (std::fwrite("x", 1, 1, f) == 1) ++written;
  std::fclose(f);
  return written;
}

// `n` paragraphs of words that do not compress away, so storing them needs new pages.
std::vector<std::string> long_paragraphs(size_t n, unsigned seed) {
  static const char* const k_words[] = {"council",   "river",  "bridge",   "minister", "flood",  "residents",
                                        "officials", "Monday", "evening",  "closed",   "report", "weather",
                                        "emergency", "crews",  "downtown", "schools",  "budget", "election"};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string p = "Paragraph " + std::to_string(i) + ":";
    for (int w = 0; w < 120; ++w) {
      p += ' ';
      p += k_words[rng() % std::size(k_words)];
      p += std::to_string(rng() % 100000);
    }
    out.push_back(p + ".");
  }
  return out;
}

std::string header(const Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "";
}

size_t count_lines_with(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(FullDiskTest, TheDaemonSaysSoKeepsWhatWasCommittedAndStoresTheEditWhenSpaceReturns) {
  RedlineEnv env;
  const auto disk = env.dir() / "state";
  if (const auto why = mount_small_disk(disk, 6); !why.empty())
    GTEST_SKIP() << "needs a private tmpfs (root, or run under `unshare -rm`): " << why;

  NewsSite site;
  WebhookReceiver receiver{k_test_secret};
  site.put("/news/floods", {"Floods close the river road",
                            "Ann Reporter",
                            {"Heavy rain overnight flooded the river road between the two bridges, officials said.",
                             "The road will stay closed until the water recedes, which could take several days."}});
  const std::string url = site.url("/news/floods");
  env.write_config(
      "[store]\npath = \"state/redline.db\"\n[difflog]\npath = \"state/diff.log\"\n"
      "[[watch]]\nurl = \"" +
      url + "\"\nevery = \"1s\"\n[[webhook]]\nname = \"hook\"\nurl = \"" + receiver.url() + "\"\nsecret = \"" +
      k_test_secret + "\"\n");

  Process daemon(RedlineEnv::redlined_path(),
                 {{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(daemon.wait_for_output("first version stored", 30s)) << daemon.stderr_text();
  // The line is written as the version goes into the check's transaction: wait for its commit.
  const auto committed = [&] {
    auto store = SqliteStore::open(env.store_path(), OpenMode::read_only);
    if (!store) return false;
    auto article = (*store)->find_article(url);
    return article && *article && (**article).version_count == 1;
  };
  for (int i = 0; i < 100 && !committed(); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(committed());

  // The disk fills up (another program's file), then the article grows by some 150 kB of text.
  const auto filler = disk / "filler";
  ASSERT_GT(fill_disk(filler), 0u);
  const auto added = long_paragraphs(20, 7);
  site.edit("/news/floods",
            [&](SiteArticle& a) { a.paragraphs.insert(a.paragraphs.end(), added.begin(), added.end()); });

  // One clear error that names the file, the cause and what to do; the daemon keeps running and
  // keeps checking (the edit is retried at every check, not remembered as seen).
  ASSERT_TRUE(daemon.wait_for_output("store error", 30s)) << daemon.stderr_text();
  ASSERT_TRUE(daemon.wait_for_output("free disk space", 10s)) << daemon.stderr_text();
  const std::string full_log = daemon.stderr_text();
  EXPECT_NE(full_log.find("redline.db"), std::string::npos) << full_log;
  EXPECT_NE(full_log.find("full"), std::string::npos) << full_log;
  std::this_thread::sleep_for(3s);  // several more checks against the full disk
  EXPECT_TRUE(daemon.running()) << daemon.stderr_text();
  EXPECT_EQ(count_lines_with(daemon.stderr_text(), " error "), 1u) << daemon.stderr_text();

  // What was committed is intact and readable while the disk is full.
  {
    auto store = SqliteStore::open(env.store_path(), OpenMode::read_only);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(*(*store)->integrity_check(), "ok");
    auto article = *(*store)->find_article(url);
    ASSERT_TRUE(article);
    EXPECT_EQ((*store)->versions(article->id)->size(), 1u);
  }
  EXPECT_TRUE(receiver.received().empty());  // a first version is not a change

  // Killed while the disk is full, and started again: it starts (reading needs no space), says once
  // that it cannot write, and keeps checking.
  ASSERT_TRUE(daemon.kill());
  ASSERT_TRUE(daemon.wait(10s));
  Process restarted(RedlineEnv::redlined_path(),
                    {{"--config", env.config_path().string()}, {}, env.dir().string(), "", ""});
  ASSERT_TRUE(restarted.start());
  ASSERT_TRUE(restarted.wait_for_output("store error", 30s)) << restarted.stderr_text();
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(restarted.running()) << restarted.stderr_text();
  const std::string restart_log = restarted.stderr_text();
  EXPECT_EQ(count_lines_with(restart_log, " error "), 1u) << restart_log;  // not one line per check

  // Space returns: the next check stores the edit and the webhook delivers it.
  std::filesystem::remove(filler);
  ASSERT_TRUE(restarted.wait_for_output("changed [body", 30s)) << restarted.stderr_text();
  ASSERT_TRUE(restarted.wait_for_output("store: writing again", 10s)) << restarted.stderr_text();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (receiver.received().empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(restarted.terminate());
  const auto status = restarted.wait(20s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0) << restarted.stderr_text();

  auto opened = SqliteStore::open(env.store_path(), OpenMode::read_only);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteStore& store = **opened;
  EXPECT_EQ(*store.integrity_check(), "ok");
  auto article = *store.find_article(url);
  ASSERT_TRUE(article);
  const auto versions = *store.versions(article->id);
  ASSERT_EQ(versions.size(), 2u);
  const auto& blocks = versions[1].content.blocks;
  ASSERT_EQ(blocks.size(), 2 + added.size());
  EXPECT_EQ(blocks.back().text, added.back());  // the whole edit, not a truncated one

  // Exactly one event for the one change (deduplicated by webhook-id), none missing.
  std::set<std::string> ids;
  for (const auto& hook : receiver.received()) {
    EXPECT_TRUE(hook.signature_ok) << hook.verify_error;
    ids.insert(header(hook.headers, "webhook-id"));
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_TRUE(store.list_outbox(OutboxState::pending)->empty());
}

}  // namespace
}  // namespace redline::testing
