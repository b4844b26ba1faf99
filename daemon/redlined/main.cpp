// redlined: the redline daemon. `redlined --config FILE [--once]`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/logging.hpp"
#include "app/version.hpp"
#include "config/config.hpp"
#include "core/exit_code.hpp"
#include "redlined/service.hpp"

namespace {

// What is done is stored by the time run()/run_once() returns. Joining the worker threads after that
// must not keep a stopping service alive: a page that takes long to extract or an SMTP server that
// never answers would hold the process past systemd's patience. Past the grace, exit without them.
constexpr auto k_stop_grace = std::chrono::milliseconds(1500);

void exit_within(std::chrono::milliseconds grace, int rc) {
  std::thread([grace, rc] {
    std::this_thread::sleep_for(grace);
    spdlog::warn(
        "a worker is still busy {} ms after the stop (a long extraction or an unanswered e-mail); exiting "
        "without it",
        grace.count());
    spdlog::default_logger()->flush();
    std::_Exit(rc);
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace redline;
  CLI::App cli{"redlined: watches news articles and reports how they change"};
  std::string config_path = k_default_config_path;
  bool once = false;
  cli.add_option("--config", config_path,
                 "configuration file (default $REDLINE_CONFIG, else /etc/redline/redline.toml)")
      ->envname("REDLINE_CONFIG");
  cli.add_flag("--once", once, "check every watch now, attempt due deliveries once, then exit");
  cli.set_version_flag("--version", app::version_text("redlined"));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = cli.exit(e);
    return rc == 0 ? k_exit_ok : k_exit_usage;
  }

  Config config;
  try {
    config = load_config(config_path, ConfigEnvironment::from_process());
  } catch (const ConfigError& e) {
    std::cerr << "redlined: " << e.what() << "\n";
    return k_exit_config;
  }
  app::setup_logging(config.log_level);

  Service service(config_path, std::move(config));
  if (const int rc = service.start(); rc != k_exit_ok) return rc;
  const int rc = once ? service.run_once() : service.run();
  exit_within(k_stop_grace, rc);
  return rc;  // ~Service waits for the extraction threads and the e-mail worker
}
