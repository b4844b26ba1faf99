// Process: runs a program for integration tests (the real `redlined` / `redline` binaries).
//
//   ProcessOptions options;
//   options.args = {"--config", path};
//   options.env = {{"REDLINE_LOG", "debug"}};
//   Process daemon(REDLINE_BINARY_DIR "/daemon/redlined", options);
//   ASSERT_TRUE(daemon.start().ok());
//   ASSERT_TRUE(daemon.wait_for_output("ready", std::chrono::seconds(5)));
//   daemon.terminate();                                   // SIGTERM
//   auto status = daemon.wait(std::chrono::seconds(5));   // nullopt on timeout
//   EXPECT_EQ(status->code, 0);
//
// The child inherits the environment plus `env`, runs in `working_dir` (if set), reads stdin from
// /dev/null, and writes stdout/stderr either to the given files or into pipes that a background
// thread drains into strings (readable at any time). fork + execvp; PATH is searched when `program`
// has no '/'. If exec fails the child exits with 127 and says why on stderr.
//
// The child leads its own process group (so a terminal's Ctrl-C does not reach it); signal() goes to
// the child only, the destructor SIGKILLs the whole group (grandchildren too) and reaps the child.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline::testing {

struct ProcessOptions {
  std::vector<std::string> args;                         // argv[1..]
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) the inherited environment
  std::string working_dir;                               // "" = the current directory
  std::string stdout_path;                               // "" = capture into stdout_text()
  std::string stderr_path;                               // "" = capture into stderr_text()
};

struct ExitStatus {
  int code = -1;   // exit code when the process exited normally, else -1
  int signal = 0;  // the signal that killed it, else 0
  bool exited() const { return signal == 0 && code >= 0; }
  std::string describe() const;  // "exit 0", "signal 9"
};

class Process {
 public:
  Process(std::string program, ProcessOptions options = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  Status start();
  pid_t pid() const { return m_pid; }
  bool running();

  // Waits for the process to exit (and for its captured output to be drained); nullopt on timeout.
  std::optional<ExitStatus> wait(Duration timeout);
  Status signal(int sig);
  Status terminate();  // SIGTERM
  Status hangup();     // SIGHUP
  Status kill();       // SIGKILL

  std::string stdout_text() const;
  std::string stderr_text() const;
  // Blocks until `needle` appears in captured stdout or stderr; false on timeout or once the
  // output is closed without it.
  bool wait_for_output(std::string_view needle, Duration timeout) const;

  // Convenience: start, wait up to `timeout`, SIGKILL on timeout. Returns the exit status
  // (code -1 / signal 9 after a kill) or an error if the program could not be started.
  static Result<ExitStatus> run(std::string program, ProcessOptions options, Duration timeout);

 private:
  void drain(int out_fd, int err_fd);
  std::optional<ExitStatus> try_reap(bool block);

  std::string m_program;
  ProcessOptions m_options;
  pid_t m_pid = -1;
  std::optional<ExitStatus> m_status;
  std::thread m_reader;

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_output_changed;
  std::string m_stdout;
  std::string m_stderr;
  bool m_output_closed = false;
  std::mutex m_reap_mutex;
};

}  // namespace redline::testing
