#include "monitor/feed_watcher.hpp"

#include <spdlog/spdlog.h>

#include "monitor/check_pipeline.hpp"
#include "monitor/identity.hpp"
#include "monitor/schedule.hpp"
#include "monitor/site_rules.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

FeedSource source_of(const FeedConfig& f) {
  return FeedSource{f.url, f.name, feed_mode_from_string(f.mode).value_or(FeedMode::link), f.max_age};
}

// "news" → the news tiers (nullopt); a duration → that fixed interval.
std::optional<Duration> every_of(const FeedConfig& f) {
  if (f.schedule == "news") return std::nullopt;
  return parse_duration(f.schedule);
}

}  // namespace

FeedWatcher::FeedWatcher(std::shared_ptr<const Config> config, Store& store, HttpClient& http, const Clock& clock,
                         Monitor& monitor, uint32_t seed)
    : m_config(std::move(config)),
      m_store(store),
      m_clock(clock),
      m_monitor(monitor),
      m_rng(seed),
      m_poller(http, clock,
               FeedCallbacks{
                   [this](const FeedSource& s, const FeedItem& item) { on_link(s, item); },
                   [this](const FeedSource& s, const FeedItem& item, const Article& a) { on_content(s, item, a); },
                   [this](const FeedSource& s, const std::string& message) {
                     spdlog::warn("feed {}: {}", s.name, message);
                     if (auto it = m_feeds.find(s.url); it != m_feeds.end()) it->second.poll_error = message;
                   },
               },
               FeedPollerOptions{
                   .rules_for = [this](const std::string& url) { return extract_rules_for(*m_config, url); }}) {
  reconfigure(m_config);
}

void FeedWatcher::reconfigure(std::shared_ptr<const Config> config) {
  m_config = std::move(config);
  const Timestamp now = m_clock.now();
  std::map<std::string, Feed> feeds;
  for (const auto& f : m_config->feeds) {
    auto old = m_feeds.find(f.url);
    Feed feed;
    feed.config = f;
    if (old != m_feeds.end()) {
      feed = old->second;
      feed.config = f;
    } else {
      const Duration spread = std::min(m_config->schedule.catch_up, f.every);
      feed.next_due = now + Duration(std::uniform_int_distribution<long long>(0, spread.count())(m_rng));
    }
    feeds.emplace(f.url, std::move(feed));
  }
  for (const auto& [url, feed] : m_feeds)
    if (!feeds.count(url)) m_poller.forget(url);
  m_feeds = std::move(feeds);
}

void FeedWatcher::tick() {
  const Timestamp now = m_clock.now();
  for (auto& [url, feed] : m_feeds) {
    if (feed.polling || feed.next_due > now) continue;
    if (m_claims) {
      // Another node's feed this interval (or the store cannot say: nobody polls rather than everybody).
      auto mine = m_claims->owns_origin(m_node, url_origin(url), now, m_lease);
      if (!mine || !*mine) {
        if (!mine) spdlog::debug("feed {}: store: {}", url, mine.error().message);
        feed.next_due = now + jittered(feed.config.every, m_config->schedule.jitter, m_rng);
        continue;
      }
    }
    poll(feed);
  }
}

void FeedWatcher::poll_all(std::function<void()> done) {
  m_all_done = std::move(done);
  for (auto& [url, feed] : m_feeds)
    if (!feed.polling) poll(feed);
  maybe_done();
}

void FeedWatcher::poll(Feed& feed) {
  feed.polling = true;
  ++m_in_flight;
  m_poller.poll(source_of(feed.config), [this, url = feed.config.url](const FeedPollResult& result) {
    --m_in_flight;
    ++m_stats.polls;
    if (!result.ok) ++m_stats.failed_polls;
    if (result.ok && !result.not_modified)
      spdlog::info("feed {}: {} items seen, {} new, {} older than max_age", url, result.items, result.new_items,
                   result.too_old);
    auto it = m_feeds.find(url);
    if (it != m_feeds.end()) {
      Feed& f = it->second;
      f.polling = false;
      f.last_poll = m_clock.now();
      f.ok = result.ok;
      f.last_error = std::move(f.poll_error);
      f.poll_error.clear();
      if (!result.ok && f.last_error.empty()) f.last_error = "the feed could not be fetched or read";
      ++f.polls;
      if (!result.ok) ++f.failed_polls;
      f.next_due = m_clock.now() + jittered(f.config.every, m_config->schedule.jitter, m_rng);
    }
    maybe_done();
  });
}

const FeedWatcher::Feed* FeedWatcher::feed_named(const std::string& name) const {
  for (const auto& [url, feed] : m_feeds)
    if (feed.config.name == name) return &feed;
  return nullptr;
}

std::vector<FeedState> FeedWatcher::states() const {
  std::vector<FeedState> out;
  for (const auto& f : m_config->feeds) {
    auto it = m_feeds.find(f.url);
    if (it == m_feeds.end()) continue;
    const Feed& feed = it->second;
    out.push_back(
        {f.name, f.url, feed.last_poll, feed.next_due, feed.ok, feed.last_error, feed.polls, feed.failed_polls});
  }
  return out;
}

void FeedWatcher::on_link(const FeedSource& source, const FeedItem& item) {
  if (item.link.empty()) return;
  const Feed* feed = feed_named(source.name);
  if (!feed) return;
  auto added = m_monitor.add_watch(item.link, every_of(feed->config), "feed:" + source.name);
  if (!added) {
    spdlog::error("feed {}: cannot add an item's link: {}", source.name, added.error().message);
    return;
  }
  if (*added) {
    ++m_stats.links;
    spdlog::info("feed {}: watching {}", source.name, item.link);
  }
}

void FeedWatcher::on_content(const FeedSource& source, const FeedItem& item, const Article& article) {
  if (item.link.empty()) return;
  const auto link = check_http_url(item.link);
  if (!link) {
    spdlog::error("feed {}: an item's link is refused: {}", source.name, link.error().message);
    return;
  }
  const Timestamp now = m_clock.now();
  auto record = m_store.ensure_article(article_key(*m_config, *link), *link, now);
  if (!record) {
    spdlog::error("feed {}: {}: {}", source.name, item.link, record.error().message);
    return;
  }
  CheckPipeline pipeline(m_config, m_store, m_clock);
  pipeline.set_feed(source.name);
  auto outcome = pipeline.store_capture(*record, article, now, *link);
  if (!outcome) {
    spdlog::error("feed {}: {}: {}", source.name, *link, outcome.error().message);
    return;
  }
  ++m_stats.contents;
}

void FeedWatcher::maybe_done() {
  if (m_in_flight == 0 && m_all_done) {
    auto done = std::move(m_all_done);
    m_all_done = nullptr;
    done();
  }
}

}  // namespace redline
