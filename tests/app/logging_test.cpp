// The daemon's log format: journald's <N> priority prefixes only when stderr really is the journal stream.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/logging.hpp"

namespace redline {
namespace {

// Runs setup_logging and logs one line with fd 2 pointing at a file; returns what the file received.
std::string log_into_file(const std::filesystem::path& file, const char* journal_stream_of) {
  std::fflush(stderr);
  const int saved = dup(2);
  FILE* f = std::fopen(file.c_str(), "w");
  dup2(fileno(f), 2);
  if (journal_stream_of != nullptr) {
    struct stat st {};
    stat(journal_stream_of, &st);
    const std::string value = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    setenv("JOURNAL_STREAM", value.c_str(), 1);
  }
  app::setup_logging("info");
  spdlog::info("hello journal");
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::fclose(f);
  unsetenv("JOURNAL_STREAM");
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Logging, PrefixesOnlyWhenStderrIsTheJournalStream) {
  const auto dir = std::filesystem::temp_directory_path() / ("redline-log-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto log = dir / "stderr.log";
  const auto other = dir / "other";
  std::ofstream(other) << "x";

  // Inherited from a systemd unit, but stderr was redirected to a file since: no <N> prefixes.
  std::string text = log_into_file(log, other.c_str());
  EXPECT_EQ(text.find("<6>"), std::string::npos) << text;
  EXPECT_NE(text.find("hello journal"), std::string::npos) << text;

  // stderr is the stream JOURNAL_STREAM names: journald reads the priority.
  std::ofstream(log) << "";
  text = log_into_file(log, log.c_str());
  EXPECT_EQ(text, "<6>hello journal\n");

  // Not under systemd at all.
  text = log_into_file(log, nullptr);
  EXPECT_EQ(text.find("<6>"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace redline
