// SqliteStore under trouble: missing, read-only, corrupt, locked and full databases; a reader
// running while a writer writes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "store/migrations.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class RobustnessTest : public StoreTest {};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(RobustnessTest, ReadOnlyOpenOfAMissingFileIsNotFoundAndCreatesNothing) {
  const auto path = m_dir / "sub" / "missing.db";
  auto store = SqliteStore::open(path, OpenMode::read_only);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::not_found);
  EXPECT_EQ(store.error().message, "no store at " + path.string());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(m_dir / "sub"));
}

TEST_F(RobustnessTest, ReadWriteOpenCreatesParentDirectoriesAndMigrates) {
  const auto path = m_dir / "a" / "b" / "store.db";
  auto store = SqliteStore::open(path, OpenMode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(std::filesystem::exists(path));
  auto schema = (*store)->schema_version();
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(*schema, sqlite::latest_schema_version());
  auto check = (*store)->integrity_check();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(*check, "ok");
}

TEST_F(RobustnessTest, ReadOnlyStoreReadsButRefusesWrites) {
  {
    auto writer = open_store();
    auto a = writer->ensure_article("k", "https://example.com/a", at_ms(0));
    ASSERT_TRUE(writer->add_version(make_version(a->id, at_ms(1), "one", {"hook"})).ok());
  }
  auto reader = open_store(OpenMode::read_only);
  ASSERT_TRUE(reader);
  auto a = reader->find_article("k");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ(reader->versions((*a)->id)->size(), 1u);

  auto w = reader->add_version(make_version((*a)->id, at_ms(2), "two"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::io);
  EXPECT_TRUE(contains(w.error().message, "read-only")) << w.error().message;
  auto m = reader->mark_delivered(1, at_ms(3));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, Errc::io);
}

TEST_F(RobustnessTest, AWriteProtectedFileIsOneClearError) {
  {
    auto store = open_store();
    ASSERT_TRUE(store->ensure_article("k", "https://example.com/a", at_ms(0)).ok());
  }  // closed: WAL checkpointed and removed
  std::filesystem::permissions(db_path(), std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
  bool immutable = false;
  if (access(db_path().c_str(), W_OK) == 0) {  // root ignores permissions; try the immutable flag
    immutable = std::system(("chattr +i '" + db_path().string() + "' 2>/dev/null").c_str()) == 0;
    if (!immutable) GTEST_SKIP() << "cannot write-protect a file here (root without chattr)";
  }
  auto store = SqliteStore::open(db_path(), OpenMode::read_write);
  auto reader = SqliteStore::open(db_path(), OpenMode::read_only);
  if (immutable) (void)std::system(("chattr -i '" + db_path().string() + "'").c_str());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::io);
  EXPECT_TRUE(contains(store.error().message, "read-only")) << store.error().message;
  EXPECT_TRUE(contains(store.error().message, db_path().string())) << store.error().message;
  // Readers are unaffected.
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_TRUE((*reader)->find_article("k")->has_value());
}

TEST_F(RobustnessTest, AFileThatIsNotADatabaseIsOneClearError) {
  {
    std::ofstream out(db_path(), std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not sqlite ";
  }
  for (auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    auto store = SqliteStore::open(db_path(), mode);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_TRUE(contains(store.error().message, db_path().string())) << store.error().message;
    EXPECT_TRUE(contains(store.error().message, "not a database")) << store.error().message;
  }
}

TEST_F(RobustnessTest, DamagedPagesAreReportedNotCrashedOn) {
  int64_t article = 0;
  {
    auto store = open_store();
    article = store->ensure_article("k", "https://example.com/a", at_ms(0))->id;
    std::vector<NewVersion> batch;
    for (int i = 0; i < 200; ++i)
      batch.push_back(make_version(article, at_ms(i), std::string(500, static_cast<char>('a' + i % 26)), {"h"}));
    ASSERT_TRUE(store->add_versions(batch).ok());
  }  // closing checkpoints the WAL into the main file
  const auto size = std::filesystem::file_size(db_path());
  ASSERT_GT(size, 20u * 4096u);
  {
    std::fstream f(db_path(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(4096 * 8, '\x5a');
    f.seekp(4096 * 4);  // leave page 1 (the header and schema root) intact
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto store = SqliteStore::open(db_path(), OpenMode::read_write);
  if (!store.ok()) {
    EXPECT_EQ(store.error().code, Errc::io);
    return;
  }
  auto check = (*store)->integrity_check();
  auto versions = (*store)->versions(article);
  const bool check_failed = !check.ok() || *check != "ok";
  EXPECT_TRUE(check_failed);
  if (!versions.ok()) {
    EXPECT_EQ(versions.error().code, Errc::io);
    EXPECT_TRUE(contains(versions.error().message, db_path().string())) << versions.error().message;
  }
}

TEST_F(RobustnessTest, ALockedDatabaseFailsAfterTheBusyTimeout) {
  auto store = open_store(OpenMode::read_write, SqliteOptions{.busy_timeout = 200ms});
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok());

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  const auto start = std::chrono::steady_clock::now();
  auto r = store->add_version(make_version(a->id, at_ms(1), "one"));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_TRUE(contains(r.error().message, "locked")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, db_path().string())) << r.error().message;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 3s);
  // Reads go on while the lock is held (WAL).
  EXPECT_TRUE(store->find_article("k").ok());

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  auto again = store->add_version(make_version(a->id, at_ms(1), "one"));
  EXPECT_TRUE(again.ok()) << again.error().message;
}

TEST_F(RobustnessTest, AFullDatabaseFailsCleanlyAndKeepsWhatWasCommitted) {
  // max_page_count stands in for a full disk: SQLite reports SQLITE_FULL either way.
  auto store = open_store(OpenMode::read_write, SqliteOptions{.max_page_count = 60});
  ASSERT_TRUE(store);
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok()) << a.error().message;
  int written = 0;
  Error last;
  for (int i = 0; i < 1000; ++i) {
    auto r = store->add_version(make_version(a->id, at_ms(i), std::string(3000, 'x') + std::to_string(i), {"h"}));
    if (!r.ok()) {
      last = r.error();
      break;
    }
    ++written;
  }
  ASSERT_GT(written, 0);
  ASSERT_LT(written, 1000);
  EXPECT_EQ(last.code, Errc::io);
  EXPECT_TRUE(contains(last.message, "full")) << last.message;

  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  EXPECT_EQ(versions->size(), static_cast<size_t>(written));
  EXPECT_EQ(store->list_outbox(std::nullopt)->size(), static_cast<size_t>(written));
  auto check = store->integrity_check();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(*check, "ok");
  // Small writes still fit, or fail the same clean way.
  ASSERT_TRUE(store->mark_delivered(store->list_outbox(std::nullopt)->front().id, at_ms(5)).ok());
}

TEST_F(RobustnessTest, AReaderSeesConsistentDataWhileAWriterWrites) {
  auto writer = open_store();
  auto a = writer->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok());
  constexpr int k_versions = 300;
  std::atomic<bool> done{false};
  std::atomic<bool> failed{false};
  std::atomic<int> reads{0};
  std::string reader_error;  // written by the reader only, read after join()
  size_t last_seen = 0;

  std::thread reader([&] {
    auto fail = [&](std::string why) {
      reader_error = std::move(why);
      failed = true;
    };
    auto store = SqliteStore::open(db_path(), OpenMode::read_only, SqliteOptions{});
    if (!store) return fail(store.error().message);
    for (;;) {
      const bool finished = done.load();
      auto latest = (*store)->latest_version(a->id);
      auto versions = (*store)->versions(a->id);
      if (!latest.ok()) return fail(latest.error().message);
      if (!versions.ok()) return fail(versions.error().message);
      if (versions->size() < last_seen) return fail("version count went backwards");
      last_seen = versions->size();
      for (size_t i = 0; i < versions->size(); ++i)
        if ((*versions)[i].number != static_cast<int64_t>(i + 1) || (*versions)[i].content.blocks.size() != 1)
          return fail("incomplete version read");
      if (latest->has_value() && (*latest)->number > static_cast<int64_t>(last_seen))
        return fail("latest_version ahead of versions()");
      ++reads;
      if (finished) return;
    }
  });

  int64_t previous = 0;
  int written = 0;
  for (int i = 0; i < k_versions && !failed.load(); ++i) {
    NewVersion v = make_version(a->id, at_ms(i + 1), "v" + std::to_string(i), {"hook", "difflog"});
    if (previous != 0) v.change = make_change(previous);
    auto id = writer->add_version(v);
    if (!id.ok()) {
      ADD_FAILURE() << id.error().message;
      break;
    }
    previous = *id;
    ++written;
  }
  done = true;
  reader.join();
  EXPECT_EQ(reader_error, "");
  EXPECT_EQ(written, k_versions);
  EXPECT_EQ(last_seen, static_cast<size_t>(written));
  EXPECT_GT(reads.load(), 1);
}

TEST_F(RobustnessTest, TwoWritersTakeTurnsWithoutErrors) {
  auto first = open_store();
  ASSERT_TRUE(first);
  constexpr int k_each = 150;
  auto write = [&](const std::string& key, std::string* error) {
    auto store = SqliteStore::open(db_path(), OpenMode::read_write);
    if (!store) {
      *error = store.error().message;
      return;
    }
    auto a = (*store)->ensure_article(key, "https://example.com/" + key, at_ms(0));
    if (!a) {
      *error = a.error().message;
      return;
    }
    for (int i = 0; i < k_each; ++i) {
      NewVersion v = make_version(a->id, at_ms(i), key + std::to_string(i), {"hook"});
      v.url = "https://example.com/" + key;  // each article's own URL (a URL names one article)
      auto id = (*store)->add_version(std::move(v));
      if (!id) {
        *error = id.error().message;
        return;
      }
    }
  };
  std::string error_a, error_b;
  std::thread ta(write, "a", &error_a);
  std::thread tb(write, "b", &error_b);
  ta.join();
  tb.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  auto list = first->list_articles();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version_count, k_each);
  EXPECT_EQ((*list)[1].version_count, k_each);
  EXPECT_EQ(first->list_outbox(OutboxState::pending)->size(), 2u * k_each);
}

TEST(SynchronousNames, ParseTheConfigValues) {
  EXPECT_EQ(synchronous_from_string("off"), Synchronous::off);
  EXPECT_EQ(synchronous_from_string("normal"), Synchronous::normal);
  EXPECT_EQ(synchronous_from_string("full"), Synchronous::full);
  EXPECT_EQ(synchronous_from_string("extra"), Synchronous::extra);
  EXPECT_FALSE(synchronous_from_string("FULL"));
  EXPECT_FALSE(synchronous_from_string(""));
}

}  // namespace
}  // namespace redline::testing
