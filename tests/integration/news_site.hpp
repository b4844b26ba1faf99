// NewsSite: a LocalHttpServer that serves articles a test can edit between rounds. Every page is
// wrapped in chrome that changes on every request (a ticker with the request count and time, a
// "most read" box in a new order, a rotating ad), as real news sites do.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "support/local_http_server.hpp"

namespace redline::testing {

struct SiteArticle {
  std::string headline;
  std::string byline;
  std::vector<std::string> paragraphs;
};

// Revision `r` of story `k`: every revision differs from the one before in headline and body (the
// articles of the crash and cluster tests).
inline SiteArticle story_revision(int k, int r) {
  return {"Story " + std::to_string(k) + " revision " + std::to_string(r),
          "Ann Reporter",
          {"The council met on Monday to discuss story " + std::to_string(k) + " and its consequences for the town.",
           "This paragraph was last rewritten in revision " + std::to_string(r) + " of the article, officials said.",
           "Residents were asked to follow the updates on the council's website during the week."}};
}

class NewsSite {
 public:
  NewsSite();
  void put(const std::string& path, SiteArticle article);
  // Changes one article; the next request sees the edit.
  template <typename Fn>
  void edit(const std::string& path, Fn&& fn) {
    std::lock_guard lock(m_mutex);
    fn(m_articles.at(path));
  }
  std::string url(const std::string& path) const { return m_server.url(path); }
  // Every answer for an article waits between `lo` and `hi` (spread over the requests), so that a
  // client's requests overlap as they do on a real site; none by default.
  void set_latency(Duration lo, Duration hi) {
    std::lock_guard lock(m_mutex);
    m_latency = {lo, hi};
  }
  // Called (on the server thread, before answering) with every request for an article.
  void on_request(std::function<void(const ServerRequest&)> observer) {
    std::lock_guard lock(m_mutex);
    m_observer = std::move(observer);
  }
  LocalHttpServer& server() { return m_server; }

 private:
  std::string render(const SiteArticle& a, size_t request_number) const;

  LocalHttpServer m_server;
  mutable std::mutex m_mutex;
  std::map<std::string, SiteArticle> m_articles;
  size_t m_requests = 0;
  std::pair<Duration, Duration> m_latency{};
  std::function<void(const ServerRequest&)> m_observer;
};

}  // namespace redline::testing
