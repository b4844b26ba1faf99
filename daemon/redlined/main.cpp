// redlined: the redline daemon. `redlined --config FILE [--once]`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "app/logging.hpp"
#include "config/config.hpp"
#include "core/exit_code.hpp"
#include "redlined/service.hpp"

int main(int argc, char** argv) {
  using namespace redline;
  CLI::App cli{"redlined: watches news articles and reports how they change"};
  std::string config_path;
  bool once = false;
  cli.add_option("--config", config_path,
                 "configuration file (default $REDLINE_CONFIG, else /etc/redline/redline.toml)");
  cli.add_flag("--once", once, "check every watch now, attempt due deliveries once, then exit");
  cli.set_version_flag("--version", std::string("redlined ") + REDLINE_VERSION);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = cli.exit(e);
    return rc == 0 ? k_exit_ok : k_exit_usage;
  }
  if (config_path.empty()) {
    const char* env = std::getenv("REDLINE_CONFIG");
    config_path = env && *env ? env : "/etc/redline/redline.toml";
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
  return once ? service.run_once() : service.run();
}
