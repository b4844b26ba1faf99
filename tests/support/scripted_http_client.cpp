#include "support/scripted_http_client.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <utility>

namespace redline::testing {

HttpResponse ScriptedHttpClient::reply(long status, std::string body, Headers headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpResponse ScriptedHttpClient::failure(FetchError error, std::string message) {
  HttpResponse r;
  r.error = error;
  r.error_message = message.empty() ? std::string(to_string(error)) : std::move(message);
  return r;
}

void ScriptedHttpClient::push(HttpResponse response) {
  std::lock_guard lock(m_mutex);
  m_queue.push_back(std::move(response));
}

void ScriptedHttpClient::push_for(const std::string& url, HttpResponse response) {
  std::lock_guard lock(m_mutex);
  m_queue_by_url[url].push_back(std::move(response));
}

void ScriptedHttpClient::set(std::string url, HttpResponse response) {
  std::lock_guard lock(m_mutex);
  m_by_url[std::move(url)] = std::move(response);
}

void ScriptedHttpClient::erase(const std::string& url) {
  std::lock_guard lock(m_mutex);
  m_by_url.erase(url);
}

void ScriptedHttpClient::set_responder(Responder responder) {
  std::lock_guard lock(m_mutex);
  m_responder = std::move(responder);
}

void ScriptedHttpClient::set_delay(Duration delay) {
  std::lock_guard lock(m_mutex);
  m_delay = delay;
}

HttpResponse ScriptedHttpClient::answer_for(const HttpRequest& request) {
  // Called with m_mutex held (the responder is handled by fetch(), outside the lock).
  if (auto it = m_queue_by_url.find(request.url); it != m_queue_by_url.end() && !it->second.empty()) {
    HttpResponse r = std::move(it->second.front());
    it->second.pop_front();
    return r;
  }
  if (auto it = m_by_url.find(request.url); it != m_by_url.end()) return it->second;
  if (!m_queue.empty()) {
    HttpResponse r = std::move(m_queue.front());
    m_queue.pop_front();
    return r;
  }
  return failure(FetchError::other, "no scripted response for " + request.url);
}

void ScriptedHttpClient::fetch(HttpRequest request, Callback done) {
  HttpResponse response;
  Duration delay{0};
  Responder responder;
  {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(request);
    responder = m_responder;
    if (!responder) response = answer_for(request);
    delay = m_delay;
  }
  if (responder) response = responder(request);  // outside the lock: it may call back into the client
  if (response.effective_url.empty()) response.effective_url = request.url;
  if (delay.count() <= 0) {
    boost::asio::post(
        m_io, [done = std::move(done), response = std::move(response)]() mutable { done(std::move(response)); });
    return;
  }
  response.elapsed = delay;
  auto timer = std::make_shared<boost::asio::steady_timer>(m_io, delay);
  timer->async_wait(
      [timer, done = std::move(done), response = std::move(response)](auto) mutable { done(std::move(response)); });
}

std::vector<HttpRequest> ScriptedHttpClient::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

size_t ScriptedHttpClient::request_count() const {
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

size_t ScriptedHttpClient::count_for(const std::string& url) const {
  std::lock_guard lock(m_mutex);
  size_t n = 0;
  for (const auto& r : m_requests)
    if (r.url == url) ++n;
  return n;
}

size_t ScriptedHttpClient::queued() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

void ScriptedHttpClient::clear_requests() {
  std::lock_guard lock(m_mutex);
  m_requests.clear();
}

}  // namespace redline::testing
