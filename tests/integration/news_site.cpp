#include "integration/news_site.hpp"

#include <algorithm>

namespace redline::testing {

NewsSite::NewsSite() {
  m_server.set_fallback([this](const ServerRequest& req) {
    std::lock_guard lock(m_mutex);
    const auto it = m_articles.find(req.path);
    if (it == m_articles.end()) return ServerResponse::text(404, "no such article");
    if (m_observer) m_observer(req);
    auto response = ServerResponse::html(render(it->second, ++m_requests));
    const auto [lo, hi] = m_latency;
    const auto spread = (hi - lo).count() > 0 ? static_cast<Duration::rep>(m_requests * 7919 % (hi - lo).count()) : 0;
    response.with_delay(lo + Duration(spread));
    return response;
  });
  m_server.start();
}

void NewsSite::put(const std::string& path, SiteArticle article) {
  std::lock_guard lock(m_mutex);
  m_articles[path] = std::move(article);
}

std::string NewsSite::render(const SiteArticle& a, size_t n) const {
  std::vector<std::string> most_read = {"Markets rally on rate hopes", "Storm warning for the coast",
                                        "Local team wins the cup", "New museum opens downtown"};
  std::rotate(most_read.begin(), most_read.begin() + static_cast<long>(n % most_read.size()), most_read.end());
  std::string html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + a.headline +
                     " | The Daily Test</title></head><body>";
  html += "<header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>";
  html += "<div class=\"ticker\">Breaking: update number " + std::to_string(n) +
          " at 12:" + std::to_string(10 + n % 50) + " — markets open higher</div></header>";
  html += "<main><article><h1>" + a.headline + "</h1>";
  html += "<p class=\"byline\">By <span rel=\"author\">" + a.byline + "</span></p>";
  for (const auto& p : a.paragraphs) html += "<p>" + p + "</p>";
  html += "</article>";
  html += "<aside class=\"most-read\"><h2>Most read</h2><ol>";
  for (const auto& item : most_read) html += "<li><a href=\"/x\">" + item + "</a></li>";
  html += "</ol></aside>";
  html += "<div class=\"ad\">Advertisement: offer " + std::to_string(n * 7919 % 1000) + " ends soon</div></main>";
  html += "<footer><p>© The Daily Test. All rights reserved.</p></footer></body></html>";
  return html;
}

}  // namespace redline::testing
