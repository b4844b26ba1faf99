#include "feeds/feed_poller.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "feeds/feed_article.hpp"
#include "feeds/feed_parser.hpp"
#include "feeds/feed_tracker.hpp"
#include "util/crypto.hpp"
#include "util/file.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

constexpr std::string_view k_accept =
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "*/*;q=0.5";

// What is remembered about one fetched document (the feed, or a sitemap below it).
struct DocumentCache {
  std::string etag;
  std::string last_modified;
  std::string digest;                // sha256 of the last body parsed
  std::vector<SitemapRef> sitemaps;  // when it was a sitemap index: its children, to revisit when unchanged
};

struct FeedState {
  explicit FeedState(const FeedTrackerOptions& options) : tracker(options) {}
  FeedTracker tracker;
  std::map<std::string, DocumentCache> documents;
  bool busy = false;
};

struct Pending {
  std::string url;
  int depth = 0;  // 0: the feed itself
};

FeedTrackerOptions tracker_options(const FeedSource& feed, const FeedPollerOptions& options) {
  FeedTrackerOptions t;
  t.max_age = feed.max_age;
  t.track_content = feed.mode == FeedMode::content;
  t.forget_after = std::max(options.forget_after, feed.max_age);
  t.max_items = options.max_remembered_items;
  return t;
}

std::string describe_failure(const std::string& url, const HttpResponse& response) {
  if (response.error != FetchError::none)
    return "GET " + url + ": " + std::string(to_string(response.error)) + ": " + response.error_message;
  return "GET " + url + ": HTTP " + std::to_string(response.status);
}

}  // namespace

std::string_view to_string(FeedMode mode) { return mode == FeedMode::content ? "content" : "link"; }

std::optional<FeedMode> feed_mode_from_string(std::string_view text) {
  if (text == "link") return FeedMode::link;
  if (text == "content") return FeedMode::content;
  return std::nullopt;
}

class FeedPoller::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(HttpClient& http, const Clock& clock, FeedCallbacks callbacks, FeedPollerOptions options)
      : m_http(http), m_clock(clock), m_callbacks(std::move(callbacks)), m_options(std::move(options)) {}

  // One poll in progress.
  struct Poll {
    FeedSource feed;
    Done done;
    std::shared_ptr<FeedState> state;
    FeedPollResult result;
    std::deque<Pending> queue;
    std::vector<FeedItem> items;
    std::string language;
    std::set<std::string> visited;  // document URLs fetched by this poll
  };

  void start(const FeedSource& feed, Done done) {
    auto& state = m_feeds[feed.url];
    if (!state) state = std::make_shared<FeedState>(tracker_options(feed, m_options));
    if (state->busy) {
      FeedPollResult busy;
      busy.busy = true;
      if (done) done(busy);
      return;
    }
    state->busy = true;
    state->tracker.set_options(tracker_options(feed, m_options));
    auto poll = std::make_shared<Poll>();
    poll->feed = feed;
    if (poll->feed.name.empty()) poll->feed.name = url_host_or_url(feed.url);
    poll->done = std::move(done);
    poll->state = state;
    poll->queue.push_back({feed.url, 0});
    next(poll);
  }

  bool polling(std::string_view url) const {
    auto it = m_feeds.find(std::string(url));
    return it != m_feeds.end() && it->second->busy;
  }

  void forget(std::string_view url) { m_feeds.erase(std::string(url)); }

 private:
  static std::string url_host_or_url(const std::string& url);

  void next(const std::shared_ptr<Poll>& poll) {
    if (poll->queue.empty()) return finish(poll);
    const Pending pending = poll->queue.front();
    poll->queue.pop_front();
    const DocumentCache& cache = poll->state->documents[pending.url];
    HttpRequest request;
    request.url = pending.url;
    request.headers.emplace_back("Accept", std::string(k_accept));
    if (!cache.etag.empty()) request.headers.emplace_back("If-None-Match", cache.etag);
    if (!cache.last_modified.empty()) request.headers.emplace_back("If-Modified-Since", cache.last_modified);
    request.max_body = m_options.max_body;
    request.timeout = m_options.timeout;
    request.html_only = false;
    std::weak_ptr<Impl> weak = weak_from_this();
    m_http.fetch(std::move(request), [weak, poll, pending](HttpResponse response) {
      if (auto self = weak.lock()) self->on_response(poll, pending, std::move(response));
    });
  }

  void on_response(const std::shared_ptr<Poll>& poll, const Pending& pending, HttpResponse response) {
    ++poll->result.documents;
    poll->visited.insert(pending.url);
    const bool top = pending.depth == 0;
    DocumentCache& cache = poll->state->documents[pending.url];
    if (response.error == FetchError::none && response.status == 304) {
      if (top) poll->result.ok = poll->result.not_modified = true;
      follow_sitemaps(poll, pending, cache.sitemaps);
      return next(poll);
    }
    if (!response.ok()) {
      report_error(poll, describe_failure(pending.url, response));
      return next(poll);
    }
    std::string body = std::move(response.body);
    if (std::string_view(body).starts_with("\x1f\x8b")) {  // a .xml.gz sitemap served as a file
      auto unzipped = gunzip(body, m_options.max_body);
      if (!unzipped) {
        report_error(poll, pending.url + ": " + unzipped.error().message);
        return next(poll);
      }
      body = std::move(*unzipped);
    }
    const std::string digest = sha256_hex(body);
    cache.etag = response.header("etag");
    cache.last_modified = response.header("last-modified");
    if (digest == cache.digest) {
      if (top) poll->result.ok = poll->result.not_modified = true;
      follow_sitemaps(poll, pending, cache.sitemaps);
      return next(poll);
    }
    const std::string base = response.effective_url.empty() ? pending.url : response.effective_url;
    auto parsed = parse_feed(body, base, response.header("content-type"));
    if (!parsed) {
      cache = DocumentCache{};  // parse again next time, and do not send validators of a failed document
      report_error(poll, pending.url + ": " + parsed.error().message);
      return next(poll);
    }
    cache.digest = digest;
    cache.sitemaps = parsed->sitemaps;
    if (top) poll->result.ok = true;
    poll->result.items += parsed->items.size();
    if (poll->language.empty()) poll->language = parsed->language;
    for (auto& item : parsed->items) poll->items.push_back(std::move(item));
    follow_sitemaps(poll, pending, parsed->sitemaps);
    next(poll);
  }

  // Queues the newest children of a sitemap index that are within the feed's age.
  void follow_sitemaps(const std::shared_ptr<Poll>& poll, const Pending& parent, std::vector<SitemapRef> children) {
    if (children.empty() || parent.depth >= m_options.max_sitemap_depth) return;
    const Timestamp cutoff = m_clock.now() - poll->feed.max_age;
    std::stable_sort(children.begin(), children.end(), [](const SitemapRef& a, const SitemapRef& b) {
      return a.lastmod.value_or(Timestamp::min()) > b.lastmod.value_or(Timestamp::min());
    });
    size_t taken = 0;
    for (const auto& child : children) {
      if (taken == m_options.max_sitemap_children) break;
      if (child.lastmod && *child.lastmod < cutoff) continue;
      poll->queue.push_back({child.url, parent.depth + 1});
      ++taken;
    }
  }

  void finish(const std::shared_ptr<Poll>& poll) {
    if (!poll->items.empty()) {
      const auto found = poll->state->tracker.update(poll->items, m_clock.now(), &poll->result.too_old);
      poll->result.new_items = found.size();
      for (const auto& tracked : found) report(poll, tracked);
    }
    // Documents no longer linked (last month's sitemap) are forgotten, so the cache stays bounded.
    if (poll->result.ok)
      std::erase_if(poll->state->documents, [&](const auto& d) { return !poll->visited.count(d.first); });
    poll->state->busy = false;
    if (poll->done) poll->done(poll->result);
  }

  void report(const std::shared_ptr<Poll>& poll, const TrackedItem& tracked) {
    const FeedItem& item = tracked.item;
    const bool has_text = !is_blank(item.best_html());
    if (poll->feed.mode == FeedMode::link || !has_text) {
      if (!tracked.first_seen || item.link.empty()) return;
      ++poll->result.reported;
      if (m_callbacks.on_new_link) m_callbacks.on_new_link(poll->feed, item);
      return;
    }
    const ExtractRules rules = m_options.rules_for ? m_options.rules_for(item.link) : ExtractRules{};
    ExtractWarnings warnings;
    auto article = feed_item_article(item, poll->language, rules, warnings);
    for (const auto& w : warnings) report_error(poll, item.link + ": " + w);
    if (!article) return report_error(poll, item.id + ": " + article.error().message);
    ++poll->result.reported;
    if (m_callbacks.on_content) m_callbacks.on_content(poll->feed, item, *article);
  }

  void report_error(const std::shared_ptr<Poll>& poll, const std::string& message) {
    ++poll->result.errors;
    if (m_callbacks.on_error) m_callbacks.on_error(poll->feed, message);
  }

  HttpClient& m_http;
  const Clock& m_clock;
  FeedCallbacks m_callbacks;
  FeedPollerOptions m_options;
  std::map<std::string, std::shared_ptr<FeedState>> m_feeds;
};

std::string FeedPoller::Impl::url_host_or_url(const std::string& url) {
  const std::string host = url_host(url);
  return host.empty() ? url : host;
}

FeedPoller::FeedPoller(HttpClient& http, const Clock& clock, FeedCallbacks callbacks, FeedPollerOptions options)
    : m_impl(std::make_shared<Impl>(http, clock, std::move(callbacks), std::move(options))) {}

FeedPoller::~FeedPoller() = default;

void FeedPoller::poll(const FeedSource& feed, Done done) { m_impl->start(feed, std::move(done)); }

bool FeedPoller::polling(std::string_view url) const { return m_impl->polling(url); }

void FeedPoller::forget(std::string_view url) { m_impl->forget(url); }

}  // namespace redline
