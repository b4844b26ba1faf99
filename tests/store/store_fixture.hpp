// Test helpers for the store: a fresh temp directory per test case and small record builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_store.hpp"

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
