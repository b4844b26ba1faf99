// Service: redlined's body. Owns the io_context (one thread: sockets, timers, signals), the store,
// the curl client, the monitor and the dispatcher, and wires them together.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>

#include "api/api_service.hpp"
#include "api/metrics.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/curl_client.hpp"
#include "monitor/feed_watcher.hpp"
#include "monitor/monitor.hpp"
#include "notify/dispatcher.hpp"
#include "store/sqlite_store.hpp"

namespace redline {

class Service {
 public:
  Service(std::string config_path, Config config);
  ~Service();

  // Opens the store and plans the watches. Returns an exit status (0 when ready).
  int start();
  // --once: checks every watch now, attempts each due delivery once, returns 0.
  int run_once();
  // Runs until SIGTERM/SIGINT; SIGHUP reloads the configuration. Returns the exit status.
  int run();

 private:
  // [api] listen: serves the API on its own thread. Returns an exit status (0 when serving or off).
  int start_api();
  void publish_metrics();
  void publish_deliveries(Dispatcher& dispatcher);
  void schedule_tick();
  void on_tick();
  void request_dispatch();
  void wait_signals();
  void reload();
  void stop();
  std::string status_line() const;

  std::string m_config_path;
  std::shared_ptr<const Config> m_config;
  SystemClock m_clock;
  boost::asio::io_context m_io;
  boost::asio::steady_timer m_tick_timer;
  boost::asio::signal_set m_signals;
  std::unique_ptr<Store> m_store;
  std::unique_ptr<CurlClient> m_http;          // article pages: per-origin politeness
  std::unique_ptr<CurlClient> m_webhook_http;  // webhook deliveries: the dispatcher paces those
  std::unique_ptr<CurlMailSender> m_mail;      // [[email]] delivery on its own worker thread
  std::unique_ptr<Monitor> m_monitor;
  std::unique_ptr<FeedWatcher> m_feeds;
  std::unique_ptr<Dispatcher> m_dispatcher;
  std::unique_ptr<Dispatcher> m_pending_dispatcher;  // from a reload, used from the next round on
  bool m_dispatching = false;
  bool m_dispatch_again = false;
  bool m_stopping = false;
  unsigned m_ticks = 0;
  api::Metrics m_metrics{REDLINE_VERSION};
  std::unique_ptr<api::ApiService> m_api;
  // Extraction and comparison run here, off the io_context thread. Declared last: joined first.
  std::unique_ptr<boost::asio::thread_pool> m_cpu_pool;
};

}  // namespace redline
