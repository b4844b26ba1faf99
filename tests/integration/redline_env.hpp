// Integration-test scaffolding: a temporary folder with a config file, and helpers that run the real
// `redlined` and `redline` binaries on it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace redline::testing {

inline const std::string k_test_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct RunResult {
  ExitStatus status;
  std::string out;
  std::string err;
};

class RedlineEnv {
 public:
  RedlineEnv();
  ~RedlineEnv();

  const std::filesystem::path& dir() const { return m_dir; }
  std::filesystem::path config_path() const { return m_dir / "redline.toml"; }
  std::filesystem::path store_path() const { return m_dir / "state" / "redline.db"; }
  std::filesystem::path difflog_path() const { return m_dir / "state" / "diff.log"; }

  void write_config(const std::string& text) const;
  std::string read_difflog() const;

  static std::string redlined_path();
  static std::string redline_path();

  // `redlined --config <config> --once`, waiting up to a minute.
  RunResult run_once() const;
  // `redline --config <config> ARGS…`.
  RunResult cli(std::vector<std::string> args) const;

 private:
  std::filesystem::path m_dir;
};

}  // namespace redline::testing
