// Test helpers for the store: a fresh temp directory per test case, the store contract fixture
// (every backend), and small record builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "support/postgres_cluster.hpp"

namespace redline::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "redline-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }

  std::filesystem::path db_path() const { return m_dir / "store.db"; }

  std::unique_ptr<SqliteStore> open_store(OpenMode mode = OpenMode::read_write, SqliteOptions options = {}) {
    auto store = SqliteStore::open(db_path(), mode, options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (!store) return nullptr;
    return std::move(*store);
  }

  std::filesystem::path m_dir;
};

// The store contract: a test written once against Store and run on every backend
// (INSTANTIATE_STORE_CONTRACT). Each case gets an empty store: a fresh SQLite file, or a fresh schema
// in the test cluster (tests/support/postgres_cluster.hpp; skipped with its reason when PostgreSQL is
// absent). open_store() opens another connection to the same store each time it is called.
enum class Backend { sqlite, postgres };

class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "redline-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    m_dir = tmpl;
    if (GetParam() == Backend::postgres) {
      auto db = TestDatabase::create();
      if (!db) GTEST_SKIP() << db.error().message;
      m_pg.emplace(std::move(*db));
    }
  }
  void TearDown() override {
    m_pg.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }

  bool is_sqlite() const { return GetParam() == Backend::sqlite; }

  std::unique_ptr<Store> open_store(OpenMode mode = OpenMode::read_write) {
    Result<std::unique_ptr<Store>> store = make_error(Errc::internal, "no backend");
    if (GetParam() == Backend::sqlite) {
      auto s = SqliteStore::open(m_dir / "store.db", mode);
      store = s ? Result<std::unique_ptr<Store>>(std::move(*s)) : Result<std::unique_ptr<Store>>(s.error());
    } else {
      auto s = PostgresStore::open(m_pg->url(), mode, PostgresOptions{.node = "test"});
      store = s ? Result<std::unique_ptr<Store>>(std::move(*s)) : Result<std::unique_ptr<Store>>(s.error());
    }
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (!store) return nullptr;
    return std::move(*store);
  }

  // One integer from a query run directly on the backend's tables (inspection beside the interface).
  int64_t query_int(const std::string& sql) {
    if (GetParam() == Backend::sqlite) {
      auto db = sqlite::SqliteDb::open(m_dir / "store.db", SQLITE_OPEN_READONLY);
      EXPECT_TRUE(db.ok());
      auto v = db ? db->query_int(sql) : Result<int64_t>(db.error());
      EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
      return v ? *v : -1;
    }
    auto conn = pg::Connection::open(m_pg->url(), "redline-test");
    EXPECT_TRUE(conn.ok());
    if (!conn) return -1;
    auto rows = (*conn)->exec(sql);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows && rows->size() > 0 ? rows->integer(0, 0) : -1;
  }

  std::filesystem::path m_dir;
  std::optional<TestDatabase> m_pg;
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "Sqlite" : "Postgres";
}

#define INSTANTIATE_STORE_CONTRACT(suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values(Backend::sqlite, Backend::postgres), backend_name)

inline Timestamp at_ms(long long ms) { return from_epoch_ms(1'700'000'000'000 + ms); }

// A version of `article_id` captured at `when` whose body says `text`, with one outbox row per notifier.
inline NewVersion make_version(int64_t article_id, Timestamp when, const std::string& text,
                               std::vector<std::string> notifiers = {}) {
  NewVersion v;
  v.article_id = article_id;
  v.captured_at = when;
  v.url = "https://example.com/a";
  v.content.headline = "Headline " + text;
  v.content.authors = {"A. Writer"};
  v.content.blocks = {Block{BlockKind::paragraph, text}};
  v.fingerprint = "fp-" + text;
  for (const auto& n : notifiers) {
    OutboxEntry e;
    e.event_id = "evt-" + std::to_string(article_id) + "-" + std::to_string(to_epoch_ms(when));
    e.notifier = n;
    e.payload = R"({"text":")" + text + R"("})";
    v.outbox.push_back(std::move(e));
  }
  return v;
}

inline ChangeRecord make_change(int64_t from_version, std::vector<std::string> classes = {"body"}) {
  ChangeRecord c;
  c.from_version = from_version;
  c.classes = std::move(classes);
  c.stats_json = R"({"words_added":1})";
  return c;
}

}  // namespace redline::testing
