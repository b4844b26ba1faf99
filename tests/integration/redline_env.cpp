#include "integration/redline_env.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace redline::testing {

RedlineEnv::RedlineEnv() {
  std::random_device rd;
  m_dir = std::filesystem::temp_directory_path() / ("redline-it-" + std::to_string(rd()));
  std::filesystem::create_directories(m_dir);
}

RedlineEnv::~RedlineEnv() {
  std::error_code ec;
  std::filesystem::remove_all(m_dir, ec);
}

void RedlineEnv::write_config(const std::string& text) const {
  std::ofstream out(config_path());
  out << text;
  if (!out) throw std::runtime_error("cannot write " + config_path().string());
}

std::string RedlineEnv::read_difflog() const {
  std::ifstream in(difflog_path());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RedlineEnv::redlined_path() { return std::string(REDLINE_BINARY_DIR) + "/daemon/redlined"; }
std::string RedlineEnv::redline_path() { return std::string(REDLINE_BINARY_DIR) + "/daemon/redline"; }

RunResult RedlineEnv::run_once() const {
  Process p(redlined_path(), {{"--config", config_path().string(), "--once"}, {}, m_dir.string(), "", ""});
  if (!p.start()) throw std::runtime_error("cannot start redlined");
  const auto status = p.wait(std::chrono::minutes(1));
  if (!status) {
    (void)p.kill();
    throw std::runtime_error("redlined --once did not finish within a minute:\n" + p.stderr_text());
  }
  return {*status, p.stdout_text(), p.stderr_text()};
}

RunResult RedlineEnv::cli(std::vector<std::string> args) const {
  args.insert(args.begin(), {"--config", config_path().string()});
  Process p(redline_path(), {args, {}, m_dir.string(), "", ""});
  if (!p.start()) throw std::runtime_error("cannot start redline");
  const auto status = p.wait(std::chrono::seconds(30));
  if (!status) {
    (void)p.kill();
    throw std::runtime_error("redline did not finish within 30 s");
  }
  return {*status, p.stdout_text(), p.stderr_text()};
}

}  // namespace redline::testing
