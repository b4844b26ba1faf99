// SqliteStore survives kill -9 in the middle of writes: every version that add_version() reported
// committed is there, complete with its change and outbox rows, and the file passes integrity_check.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

class DurabilityTest : public StoreTest {};

// The child: appends versions (each with a change, two outbox rows and raw bytes) until killed,
// writing one byte to `ack_fd` after each add_version() returned.
[[noreturn]] void write_forever(const std::filesystem::path& path, Synchronous sync, int ack_fd) {
  auto store = SqliteStore::open(path, OpenMode::read_write, SqliteOptions{.synchronous = sync});
  if (!store) _exit(2);
  auto article = (*store)->ensure_article("k", "https://example.com/a", at_ms(0));
  if (!article) _exit(3);
  auto latest = (*store)->latest_version(article->id);
  if (!latest) _exit(4);
  int64_t previous = latest->has_value() ? (*latest)->id : 0;
  long long when = latest->has_value() ? to_epoch_ms((*latest)->captured_at) + 1 : to_epoch_ms(at_ms(1));
  for (long long i = 0;; ++i, ++when) {
    NewVersion v =
        make_version(article->id, from_epoch_ms(when), std::string(200 + i % 700, 'a' + i % 26), {"hook", "difflog"});
    if (previous != 0) v.change = make_change(previous);
    v.raw = "<html>" + std::to_string(when) + "</html>";
    auto id = (*store)->add_version(v);
    if (!id) _exit(5);
    previous = *id;
    const char ack = 'v';
    if (write(ack_fd, &ack, 1) != 1) _exit(6);
  }
}

TEST_F(DurabilityTest, KillNineDuringWritesLosesNothingCommitted) {
  size_t acked_total = 0;
  const Synchronous settings[] = {Synchronous::off, Synchronous::normal, Synchronous::full, Synchronous::normal};
  int round = 0;
  for (Synchronous sync : settings) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      write_forever(db_path(), sync, fds[1]);
    }
    close(fds[1]);
    // Let it commit a few dozen versions, then kill it at a slightly different moment each round.
    size_t acked = 0;
    char buf[64];
    while (acked < 30) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      ASSERT_GT(n, 0) << "child stopped writing";
      acked += static_cast<size_t>(n);
    }
    usleep(static_cast<useconds_t>(1000 + 3000 * round++));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited with " << status;
    for (;;) {  // acknowledgements sent before the kill
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      acked += static_cast<size_t>(n);
    }
    close(fds[0]);
    acked_total += acked;

    auto store = open_store();
    ASSERT_TRUE(store);
    auto check = store->integrity_check();
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_EQ(*check, "ok");
    auto article = store->find_article("k");
    ASSERT_TRUE(article.ok() && article->has_value());
    auto versions = store->versions((*article)->id);
    auto changes = store->changes((*article)->id);
    auto outbox = store->list_outbox(std::nullopt);
    ASSERT_TRUE(versions.ok() && changes.ok() && outbox.ok());
    // Every acknowledged commit survived (at most one more may have committed unacknowledged).
    EXPECT_GE(versions->size(), acked_total);
    EXPECT_LE(versions->size(), acked_total + 1);

    std::map<int64_t, const ChangeRecord*> change_to;
    for (const auto& c : *changes) change_to[c.to_version] = &c;
    std::map<int64_t, int> outbox_rows;
    for (const auto& e : *outbox) ++outbox_rows[e.version_id];
    EXPECT_EQ(changes->size(), versions->size() - 1);
    EXPECT_EQ(outbox->size(), 2 * versions->size());
    for (size_t i = 0; i < versions->size(); ++i) {
      const VersionRecord& v = (*versions)[i];
      ASSERT_EQ(v.content.blocks.size(), 1u);
      EXPECT_EQ(v.content.blocks[0].text.size(), v.fingerprint.size() - 3);
      EXPECT_EQ(outbox_rows[v.id], 2) << "version " << v.id;
      auto raw = store->get_raw(v.raw_sha256);
      ASSERT_TRUE(raw.ok() && raw->has_value());
      EXPECT_EQ(**raw, "<html>" + std::to_string(to_epoch_ms(v.captured_at)) + "</html>");
      if (i == 0) continue;
      auto it = change_to.find(v.id);
      ASSERT_NE(it, change_to.end()) << "version " << v.id << " has no change";
      EXPECT_EQ(it->second->from_version, (*versions)[i - 1].id);
    }
    acked_total = versions->size();  // the next child continues from what is there
  }
}

}  // namespace
}  // namespace redline::testing
