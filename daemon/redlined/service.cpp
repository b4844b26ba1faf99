#include "redlined/service.hpp"

#include <libxml/parser.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>

#include <algorithm>
#include <csignal>
#include <thread>

#include "app/http_options.hpp"
#include "app/logging.hpp"
#include "app/notifiers.hpp"
#include "app/open_store.hpp"
#include "app/systemd_notify.hpp"
#include "core/exit_code.hpp"

namespace redline {

namespace {
constexpr auto k_tick = std::chrono::seconds(1);
constexpr unsigned k_dispatch_every_ticks = 5;  // retries are picked up at least this often
}  // namespace

Service::Service(std::string config_path, Config config)
    : m_config_path(std::move(config_path)),
      m_config(std::make_shared<const Config>(std::move(config))),
      m_tick_timer(m_io),
      m_signals(m_io, SIGINT, SIGTERM, SIGHUP) {}

Service::~Service() {
  if (m_api) m_api->stop();
}

int Service::start_api() {
  if (m_config->api.listen.empty()) return k_exit_ok;
  m_api = std::make_unique<api::ApiService>(m_config, m_clock, m_metrics);
  auto bound = m_api->start();
  if (!bound) {
    m_api.reset();
    if (!m_config->api.listen_configured) {  // the built-in default may be taken by another daemon
      spdlog::warn("API not served: {} (set [api] listen, or \"\" to turn it off)", bound.error().message);
      return k_exit_ok;
    }
    spdlog::critical("cannot serve the API: {}", bound.error().message);
    return k_exit_unavailable;
  }
  spdlog::info("API listening on {} ({})", *bound, m_api->base_url());
  return k_exit_ok;
}

// Hands what the monitor and the dispatcher do to the metrics as it happens (the io thread counts into
// atomics; the API's thread reads them).
void Service::publish_metrics() {
  m_monitor->observe({[this](std::chrono::microseconds elapsed, size_t bytes) {
                        m_metrics.observe_fetch(std::chrono::duration<double>(elapsed).count(), bytes);
                      },
                      [this](const std::string& result, const std::vector<std::string>& classes) {
                        m_metrics.count_check(result);
                        if (result == "changed" || result == "first_version") m_metrics.count_version();
                        if (result == "changed") m_metrics.count_change(classes);
                      }});
}

void Service::publish_deliveries(Dispatcher& dispatcher) {
  dispatcher.on_attempt(
      [this](const std::string& notifier, std::string_view result) { m_metrics.count_delivery(notifier, result); });
}

int Service::start() {
  auto store = app::open_store(*m_config, OpenMode::read_write);
  if (!store) {
    spdlog::critical("cannot open the store: {}", store.error().message);
    return exit_code_for(store.error().code);
  }
  m_store = std::move(*store);
  m_http = std::make_unique<CurlClient>(m_io, app::curl_options(*m_config), m_clock);
  m_webhook_http = std::make_unique<CurlClient>(m_io, app::webhook_curl_options(*m_config), m_clock);
  m_mail = std::make_unique<CurlMailSender>(m_io.get_executor());
  m_monitor = std::make_unique<Monitor>(m_config, *m_store, *m_http, m_clock);
  xmlInitParser();  // libxml2's global state, before several threads parse
  m_cpu_pool = std::make_unique<boost::asio::thread_pool>(std::max(1u, std::thread::hardware_concurrency()));
  m_monitor->use_cpu_pool(m_cpu_pool->get_executor(), m_io.get_executor());
  // A store shared by several nodes hands out the work: checks are claimed, not planned here.
  if (auto* claims = dynamic_cast<WorkClaims*>(m_store.get()))
    m_monitor->share_work(*claims, {.node = m_config->node.name, .lease = m_config->node.lease});
  if (auto s = m_monitor->load(); !s) {
    spdlog::critical("cannot load the watches: {}", s.error().message);
    return exit_code_for(s.error().code);
  }
  m_feeds = std::make_unique<FeedWatcher>(m_config, *m_store, *m_http, m_clock, *m_monitor);
  if (auto* claims = dynamic_cast<WorkClaims*>(m_store.get()))
    m_feeds->share_work(*claims, m_config->node.name, m_config->node.lease);
  auto dispatcher =
      app::make_dispatcher(*m_config, *m_store, *m_webhook_http, m_clock, m_io.get_executor(), m_mail.get());
  if (!dispatcher) {
    spdlog::critical("cannot set up notifications: {}", dispatcher.error().message);
    return exit_code_for(dispatcher.error().code);
  }
  m_dispatcher = std::move(*dispatcher);
  publish_metrics();
  publish_deliveries(*m_dispatcher);
  spdlog::info("redlined {} started: {} watches, {} feeds, store {}", REDLINE_VERSION, m_monitor->watch_count(),
               m_config->feeds.size(), app::store_name(*m_config));
  return k_exit_ok;
}

int Service::run_once() {
  // The loop must not run dry between the checks and the deliveries (curl may briefly have neither a
  // socket nor a timer registered): keep it alive until the round is done.
  auto keep_alive = boost::asio::make_work_guard(m_io);
  const auto started = std::chrono::steady_clock::now();
  wait_signals();  // SIGTERM/SIGINT end the round early (stop())
  // Feeds first, so that the articles they announce are checked in the same round.
  m_feeds->poll_all([this] {
    if (m_stopping) return;
    m_monitor->check_all([this] {
      if (m_stopping) return;
      // Every due delivery, in per-article order (Dispatcher::drain).
      m_dispatcher->drain([this](const DrainReport& r) {
        if (m_stopping) return;
        const auto& s = m_monitor->stats();
        spdlog::info(
            "round done: {} checked, {} failed, {} new, {} changed, {} unchanged; {} feeds polled; "
            "deliveries: {} delivered, {} failed, {} left for later",
            s.checks, s.failures, s.first_versions, s.changes, s.unchanged + s.not_modified, m_feeds->stats().polls,
            r.delivered, r.failed, r.left);
        m_signals.cancel();
        m_io.stop();
      });
    });
  });
  m_io.run();
  m_metrics.observe_round(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (m_stopping) {
    const auto& d = m_dispatcher->stats();
    spdlog::info("round stopped: {} checked, {} delivered, {} failed; the rest is left for the next run",
                 m_monitor->stats().checks, d.delivered, d.retried + d.dead);
  }
  return k_exit_ok;
}

int Service::run() {
  // Deliver as soon as a change is stored (--once delivers once, after all checks).
  m_monitor->on_change([this] { request_dispatch(); });
  if (const int rc = start_api(); rc != k_exit_ok) return rc;
  wait_signals();
  schedule_tick();
  request_dispatch();  // deliveries left over from a previous run
  app::notify_ready(status_line());
  m_io.run();
  spdlog::info("redlined stopped");
  return k_exit_ok;
}

void Service::schedule_tick() {
  m_tick_timer.expires_after(k_tick);
  m_tick_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || m_stopping) return;
    on_tick();
    schedule_tick();
  });
}

void Service::on_tick() {
  const auto started = std::chrono::steady_clock::now();
  m_feeds->tick();
  m_metrics.set_feeds(m_feeds->states());
  m_monitor->tick();
  m_metrics.set_origins_backing_off(static_cast<int64_t>(m_http->origins_backing_off()));
  if (++m_ticks % k_dispatch_every_ticks == 0) {
    request_dispatch();
    app::notify_status(status_line());
  }
  // The watchdog is fed from the loop itself, so a stuck loop is noticed.
  if (app::watchdog_interval()) app::notify_watchdog();
  m_metrics.observe_round(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void Service::request_dispatch() {
  if (m_stopping) return;
  if (m_dispatching) {
    m_dispatch_again = true;
    return;
  }
  if (m_pending_dispatcher) m_dispatcher = std::move(m_pending_dispatcher);
  m_dispatching = true;
  m_dispatcher->run_once([this] {
    m_dispatching = false;
    if (m_dispatch_again) {
      m_dispatch_again = false;
      request_dispatch();
    }
  });
}

void Service::wait_signals() {
  m_signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      reload();
      wait_signals();
      return;
    }
    spdlog::info("received {}, stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    stop();
  });
}

void Service::reload() {
  app::notify_reloading();
  try {
    auto config = std::make_shared<const Config>(load_config(m_config_path, ConfigEnvironment::from_process()));
    if (config->store.path != m_config->store.path)
      spdlog::warn("reload: store.path changed; the new path takes effect at the next restart");
    spdlog::set_level(spdlog::level::from_str(config->log_level));
    auto dispatcher =
        app::make_dispatcher(*config, *m_store, *m_webhook_http, m_clock, m_io.get_executor(), m_mail.get());
    if (!dispatcher) {
      spdlog::error("reload failed, keeping the old configuration: {}", dispatcher.error().message);
    } else if (auto s = m_monitor->reconfigure(config); !s) {
      spdlog::error("reload failed, keeping the old configuration: {}", s.error().message);
      (void)m_monitor->reconfigure(m_config);
    } else {
      m_config = config;
      m_feeds->reconfigure(config);
      m_pending_dispatcher = std::move(*dispatcher);
      publish_deliveries(*m_pending_dispatcher);  // swapped in when the current round ends
      spdlog::info("configuration reloaded: {} watches", m_monitor->watch_count());
    }
  } catch (const ConfigError& e) {
    spdlog::error("reload failed, keeping the old configuration: {}", e.what());
  }
  app::notify_ready(status_line());
}

void Service::stop() {
  app::notify_stopping();
  m_stopping = true;
  m_tick_timer.cancel();
  m_signals.cancel();
  // In-flight checks are abandoned: nothing of theirs was written, they run again after the restart.
  m_http->cancel_all();
  m_webhook_http->cancel_all();
  // What is done is stored: versions and deliveries already are; the batched check bookkeeping now.
  if (auto s = m_monitor->stop(); !s) spdlog::error("store: could not write the last checks: {}", s.error().message);
  m_io.stop();
  if (m_api) m_api->stop();
}

std::string Service::status_line() const {
  const auto& s = m_monitor->stats();
  return std::to_string(m_monitor->watch_count()) + " watches, " + std::to_string(s.checks) + " checks, " +
         std::to_string(s.changes) + " changes, " + std::to_string(s.failures) + " failures";
}

}  // namespace redline
