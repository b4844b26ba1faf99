// Shared fixture for the http tests: an io_context driven by the test thread, a LocalHttpServer, and
// helpers that run the io_context until a condition holds.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "http/curl_client.hpp"
#include "support/local_http_server.hpp"

namespace redline::testing {

inline HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  r.connect_timeout = std::chrono::seconds(2);
  r.timeout = std::chrono::seconds(5);
  return r;
}

// Resets the peak RSS (VmHWM) to the current RSS, so a later peak_rss_kib() measures what came after.
inline void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// Peak resident set size of this process, in KiB (VmHWM).
inline long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

class HttpFixture : public ::testing::Test {
 protected:
  // Runs the io_context until `done()` or the timeout; returns done().
  bool run_until(const std::function<bool()>& done, Duration timeout = std::chrono::seconds(10)) {
    io.restart();  // a previous run may have run out of work, which stops the io_context
    auto guard = boost::asio::make_work_guard(io);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(5));
    return done();
  }

  // Fetches one request with `client` and returns its response (fails the test on a hang).
  HttpResponse fetch(HttpClient& client, HttpRequest request) {
    std::optional<HttpResponse> result;
    client.fetch(std::move(request), [&](HttpResponse r) { result = std::move(r); });
    EXPECT_TRUE(run_until([&] { return result.has_value(); })) << "no callback";
    return result.value_or(HttpResponse{});
  }

  // Runs the io_context for `d` (even if it ran out of work before).
  void run_for(Duration d) {
    io.restart();
    io.run_for(d);
  }

  void SetUp() override { server.start(); }

  boost::asio::io_context io;
  LocalHttpServer server;
};

}  // namespace redline::testing
