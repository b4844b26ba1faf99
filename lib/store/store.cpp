#include "store/store.hpp"

#include <array>

#include "store/read_model.hpp"

namespace redline {

namespace {
constexpr std::array<std::string_view, 3> k_state_names = {"pending", "delivered", "dead"};
}  // namespace

void StoreGauges::set(std::string_view name, int64_t value, bool null) {
  if (name == "outbox:pending")
    outbox_pending = value;
  else if (name == "outbox:dead")
    outbox_dead = value;
  else if (name.starts_with("articles:"))
    articles_by_state[std::string(name.substr(9))] = value;
  else if (name == "oldest_pending" && !null)
    oldest_pending = from_epoch_ms(value);
  else if (name == "events")
    events = value;
  else if (name == "bytes")
    store_bytes = value;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string_view to_string(OutboxState s) { return k_state_names.at(static_cast<size_t>(s)); }

std::optional<OutboxState> outbox_state_from_string(std::string_view name) {
  for (size_t i = 0; i < k_state_names.size(); ++i)
    if (k_state_names[i] == name) return static_cast<OutboxState>(i);
  return std::nullopt;
}

ArticleTimes times_of(const ArticleRecord& article) {
  ArticleTimes t;
  t.first_seen = article.first_seen;
  t.published = article.published;
  if (article.version_count > 1) t.last_change = article.last_changed;
  t.next_check = article.next_check;
  return t;
}

CheckBasis check_basis_of(const ArticleRecord& article, std::string_view watch_url) {
  CheckBasis b;
  if (article.version_count > 0) {
    b.etag = article.etag;
    b.last_modified = article.last_modified;
    b.body_hash = article.body_hash;
  }
  b.quiet = article.state == "active" && article.last_error.empty() && article.url == watch_url;
  return b;
}

Status OutboxStore::mark_all_delivered(std::span<const int64_t> outbox_ids, Timestamp now) {
  Status first;
  for (const int64_t id : outbox_ids)
    if (Status s = mark_delivered(id, now); !s && first) first = s;
  return first;
}

Error stale_latest_error(const NewVersion& version, int64_t latest) {
  const auto name = [](int64_t id) { return id == 0 ? std::string("none") : std::to_string(id); };
  return Error{Errc::conflict, "article " + std::to_string(version.article_id) + ": its latest version is " +
                                   name(latest) + ", not " + name(version.expected_latest.value_or(0)) +
                                   " (another process stored one meanwhile)"};
}

Result<int64_t> ArticleStore::latest_version_id(int64_t article_id) {
  auto latest = latest_version(article_id);
  if (!latest) return latest.error();
  return *latest ? (*latest)->id : 0;
}

Result<std::optional<ArticleForCheck>> ArticleStore::find_article_for_check(std::string_view key_or_url) {
  auto found = find_article(key_or_url);
  if (!found) return found.error();
  if (!*found) return std::optional<ArticleForCheck>();
  auto context = check_context((*found)->id);
  if (!context) return context.error();
  return std::optional<ArticleForCheck>(ArticleForCheck{std::move(**found), std::move(*context)});
}

Result<std::vector<int64_t>> ArticleStore::add_versions(std::span<const NewVersion> versions) {
  std::vector<int64_t> ids;
  ids.reserve(versions.size());
  for (const auto& v : versions) {
    auto id = add_version(v);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  return ids;
}

Result<std::vector<ArticleRecord>> ArticleStore::ensure_articles(
    std::span<const std::pair<std::string, std::string>> keys_urls, Timestamp now) {
  std::vector<ArticleRecord> out;
  out.reserve(keys_urls.size());
  for (const auto& [key, url] : keys_urls) {
    auto a = ensure_article(key, url, now);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

Status WatchStore::record_checks(std::span<const CheckRecord> checks) {
  for (const auto& c : checks)
    if (auto s = record_check(c); !s) return s;
  return {};
}

}  // namespace redline
