// ScriptedHttpClient: a fake HttpClient for unit tests of logic that fetches (monitor, notify, ...).
//
// Answers come, in this order of precedence, from:
//   1. a responder function, if set (sees every request, returns the response; called inside fetch()
//      without the lock held, so it may use the client);
//   2. a per-URL FIFO queue (push_for: successive versions of one page, each consumed once);
//   3. a url -> response map (every request for that exact URL gets a copy);
//   4. a FIFO queue of responses (each consumed once);
//   5. otherwise FetchError::other with "no scripted response for <url>".
// Every request is recorded (in arrival order) before it is answered.
//
// The callback is posted on the given io_context (optionally after a delay), so it never runs inside
// fetch(); it runs when the test drives the io_context (io.run(), io.poll(), run_for()).
// If the answer has no effective_url, the request URL is filled in.
//
// Thread safety: all members may be called from any thread; callbacks run on the io_context thread.
// The io_context must outlive the client's pending callbacks (they hold only copies, not `this`).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_client.hpp"

namespace redline::testing {

class ScriptedHttpClient final : public HttpClient {
 public:
  using Responder = std::function<HttpResponse(const HttpRequest&)>;

  explicit ScriptedHttpClient(boost::asio::io_context& io) : m_io(io) {}

  // Canned responses.
  static HttpResponse reply(long status, std::string body, Headers headers = {});
  static HttpResponse html(std::string body) { return reply(200, std::move(body), {{"content-type", "text/html"}}); }
  static HttpResponse failure(FetchError error, std::string message = {});

  void push(HttpResponse response);                              // queue (FIFO, each used once)
  void push_for(const std::string& url, HttpResponse response);  // per-URL queue (each used once)
  void set(std::string url, HttpResponse response);              // map (used for every request to url)
  void erase(const std::string& url);
  void set_responder(Responder responder);
  void set_delay(Duration delay);  // answers arrive after this delay (steady timer); default 0

  void fetch(HttpRequest request, Callback done) override;

  std::vector<HttpRequest> requests() const;
  size_t request_count() const;
  size_t count_for(const std::string& url) const;
  size_t queued() const;  // responses still waiting in the queue
  void clear_requests();

 private:
  HttpResponse answer_for(const HttpRequest& request);

  boost::asio::io_context& m_io;
  mutable std::mutex m_mutex;
  std::deque<HttpResponse> m_queue;
  std::map<std::string, HttpResponse> m_by_url;
  std::map<std::string, std::deque<HttpResponse>> m_queue_by_url;
  Responder m_responder;
  Duration m_delay{0};
  std::vector<HttpRequest> m_requests;
};

}  // namespace redline::testing
