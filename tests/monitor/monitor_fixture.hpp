// Shared setup for monitor tests: a config, a real SqliteStore in a temp dir, a FakeClock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "config/config.hpp"
#include "store/sqlite_store.hpp"
#include "support/fake_clock.hpp"

namespace redline::testing {

inline std::string article_html(const std::string& headline, const std::vector<std::string>& paragraphs,
                                const std::string& chrome = "") {
  std::string html = "<html><head><title>" + headline + "</title></head><body><nav>Home World Sport " + chrome +
                     "</nav><article><h1>" + headline + "</h1>";
  for (const auto& p : paragraphs) html += "<p>" + p + "</p>";
  return html + "</article><aside>Most read: " + chrome + "</aside></body></html>";
}

inline const std::vector<std::string> k_paragraphs = {
    "The harbour authority said on Monday that the old pier would close for repairs next month.",
    "Engineers found cracks in two of the supporting columns during a routine inspection in May.",
    "Ferries will use the new terminal on the north side of the bay while the work goes on."};

class MonitorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("redline-monitor-" + std::to_string(std::random_device{}()));
    auto store = SqliteStore::open(m_dir / "redline.db", OpenMode::read_write);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(m_dir);
  }

  std::shared_ptr<const Config> make_config(const std::string& text) {
    return std::make_shared<const Config>(parse_config(text, m_dir / "redline.toml", ConfigEnvironment{}));
  }

  std::filesystem::path m_dir;
  std::unique_ptr<SqliteStore> store_;
  FakeClock clock;
};

}  // namespace redline::testing
