#include "feeds/feed_tracker.hpp"

#include <algorithm>

#include "util/crypto.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

std::vector<std::string> keys_of(const FeedItem& item) {
  std::vector<std::string> keys{"id:" + item.id};
  if (!item.link.empty()) keys.push_back("link:" + canonicalize_url(item.link));
  return keys;
}

std::string digest_of(const FeedItem& item) {
  std::string text = item.title + '\x1f' + item.content_html + '\x1f' + item.summary;
  for (const auto& a : item.authors) text += '\x1f' + a;
  return sha256_hex(text);
}

}  // namespace

FeedTracker::FeedTracker(FeedTrackerOptions options) : m_options(options) {}

std::optional<size_t> FeedTracker::find(const std::vector<std::string>& keys) const {
  for (const auto& key : keys)
    if (auto it = m_by_key.find(key); it != m_by_key.end()) return it->second;
  return std::nullopt;
}

bool FeedTracker::knows(const FeedItem& item) const { return find(keys_of(item)).has_value(); }

std::vector<TrackedItem> FeedTracker::update(const std::vector<FeedItem>& items, Timestamp now, size_t* too_old) {
  const Timestamp cutoff = now - m_options.max_age;
  std::vector<TrackedItem> found;
  for (const FeedItem& item : items) {
    const auto date = item.date();
    if (date && *date < cutoff) {
      if (too_old) ++*too_old;
      continue;
    }
    const std::vector<std::string> keys = keys_of(item);
    const std::string digest = m_options.track_content ? digest_of(item) : std::string();
    if (const auto serial = find(keys)) {
      Entry& entry = m_entries.at(*serial);
      entry.last_present = now;
      // The entry learns the item's other keys, so a later change of id or link still matches.
      for (const auto& key : keys)
        if (m_by_key.emplace(key, *serial).second) entry.keys.push_back(key);
      if (m_options.track_content && entry.digest != digest) {
        entry.digest = digest;
        found.push_back({item, false});
      }
      continue;
    }
    const size_t serial = m_next++;
    for (const auto& key : keys) m_by_key.emplace(key, serial);
    m_entries.emplace(serial, Entry{keys, digest, now});
    found.push_back({item, true});
  }
  forget_old(now);

  // Oldest first: dated items by date; undated ones after them, in reverse document order.
  std::vector<TrackedItem> dated, undated;
  for (auto& t : found) (t.item.date() ? dated : undated).push_back(std::move(t));
  std::stable_sort(dated.begin(), dated.end(),
                   [](const TrackedItem& a, const TrackedItem& b) { return *a.item.date() < *b.item.date(); });
  std::reverse(undated.begin(), undated.end());
  for (auto& t : undated) dated.push_back(std::move(t));
  return dated;
}

void FeedTracker::forget_old(Timestamp now) {
  const auto drop = [&](size_t serial) {
    for (const auto& key : m_entries.at(serial).keys) m_by_key.erase(key);
    m_entries.erase(serial);
  };
  std::vector<std::pair<Timestamp, size_t>> by_age;
  for (const auto& [serial, e] : m_entries) by_age.emplace_back(e.last_present, serial);
  std::sort(by_age.begin(), by_age.end());
  size_t excess = by_age.size() > m_options.max_items ? by_age.size() - m_options.max_items : 0;
  for (const auto& [last_present, serial] : by_age) {
    if (excess == 0 && now - last_present <= m_options.forget_after) break;
    drop(serial);
    if (excess > 0) --excess;
  }
}

}  // namespace redline
