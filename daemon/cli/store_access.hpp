// What the read commands share: opening the store read-only and finding an article and its versions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "core/result.hpp"
#include "store/sqlite_store.hpp"

namespace redline::cli {

struct ArticleHistory {
  ArticleRecord article;
  std::vector<VersionRecord> versions;  // oldest first
};

// Opens the configured store read-only; prints the error and sets `status` on failure.
std::unique_ptr<Store> open_store_for_reading(const Config& config, int& status);

// Opens the configured store for the writing commands (import, gc, outbox retry|drop): creates and
// migrates it like the daemon does; every write is a short transaction, so the daemon may be running.
// Prints the error and sets `status` (74) on failure.
std::unique_ptr<Store> open_store_for_writing(const Config& config, int& status);

// Finds the article for any URL ever seen for it (or its key, or a URL whose [[site]] id matches),
// with its versions. Prints the error and sets `status` on failure.
std::optional<ArticleHistory> find_history(const Config& config, ArticleStore& store, const std::string& url,
                                           int& status);

struct OpenedHistory {
  Config config;
  std::unique_ptr<Store> store;
  ArticleHistory history;
};

// What every per-article command starts with: the configuration, the store opened read-only and the
// article's history. Prints the error and sets `status` (78, 74, 2…) on failure.
std::optional<OpenedHistory> open_history(const CommandContext& ctx, const std::string& url, int& status);

// Resolves a 1-based version number (negative counts from the newest: -1 is the newest).
// Prints the error and sets `status` when it is out of range.
const VersionRecord* pick_version(const ArticleHistory& history, long long number, int& status);

}  // namespace redline::cli
