#include "cli/store_access.hpp"

#include "app/open_store.hpp"
#include "core/exit_code.hpp"
#include "monitor/identity.hpp"
#include "util/url.hpp"

namespace redline::cli {

std::unique_ptr<Store> open_store_for_reading(const Config& config, int& status) {
  auto store = app::open_store(config, OpenMode::read_only);
  if (!store) {
    status = fail(exit_code_for(store.error().code), store.error().message);
    return nullptr;
  }
  return std::move(*store);
}

std::unique_ptr<Store> open_store_for_writing(const Config& config, int& status) {
  auto store = app::open_store(config, OpenMode::read_write);
  if (!store) {
    status = fail(exit_code_for(store.error().code), store.error().message);
    return nullptr;
  }
  return std::move(*store);
}

std::optional<ArticleHistory> find_history(const Config& config, ArticleStore& store, const std::string& url,
                                           int& status) {
  std::optional<ArticleRecord> found;
  for (const std::string& key : {url, canonicalize_url(url), article_key(config, url)}) {
    auto r = store.find_article(key);
    if (!r) {
      status = fail(exit_code_for(r.error().code), r.error().message);
      return std::nullopt;
    }
    if (*r) {
      found = **r;
      break;
    }
  }
  if (!found) {
    status = fail(k_exit_usage, "no article is known for " + url + " (see `redline list`)");
    return std::nullopt;
  }
  auto versions = store.versions(found->id);
  if (!versions) {
    status = fail(exit_code_for(versions.error().code), versions.error().message);
    return std::nullopt;
  }
  return ArticleHistory{*found, std::move(*versions)};
}

std::optional<OpenedHistory> open_history(const CommandContext& ctx, const std::string& url, int& status) {
  auto config = load_cli_config(ctx);
  if (!config) {
    status = k_exit_config;
    return std::nullopt;
  }
  auto store = open_store_for_reading(*config, status);
  if (!store) return std::nullopt;
  auto history = find_history(*config, *store, url, status);
  if (!history) return std::nullopt;
  return OpenedHistory{std::move(*config), std::move(store), std::move(*history)};
}

const VersionRecord* pick_version(const ArticleHistory& history, long long number, int& status) {
  const auto n = static_cast<long long>(history.versions.size());
  const long long index = number > 0 ? number - 1 : n + number;
  if (number == 0 || index < 0 || index >= n) {
    status = fail(k_exit_usage, "version " + std::to_string(number) + " does not exist: " + history.article.url +
                                    " has " + std::to_string(n) + " version" + (n == 1 ? "" : "s"));
    return nullptr;
  }
  return &history.versions[static_cast<size_t>(index)];
}

}  // namespace redline::cli
