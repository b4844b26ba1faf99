#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace redline::testing {

std::string ExitStatus::describe() const {
  if (signal != 0) return "signal " + std::to_string(signal);
  return "exit " + std::to_string(code);
}

Process::Process(std::string program, ProcessOptions options)
    : m_program(std::move(program)), m_options(std::move(options)) {}

Process::~Process() {
  if (m_pid > 0) {
    // The whole process group: a grandchild holding the output pipes would otherwise block the reader.
    ::kill(-m_pid, SIGKILL);
    if (!m_status) try_reap(true);
  }
  if (m_reader.joinable()) m_reader.join();
}

namespace {

// Opens `path` for the child's output, or returns -1 with errno set.
int open_output(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Status Process::start() {
  if (m_pid > 0) return make_error(Errc::internal, "process already started");
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<std::string> argv_storage{m_program};
  argv_storage.insert(argv_storage.end(), m_options.args.begin(), m_options.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env_map[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : m_options.env) env_map[k] = v;
  std::vector<std::string> env_storage;
  for (const auto& [k, v] : env_map) env_storage.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  int out_fd = -1, err_fd = -1;  // what the child gets as 1 and 2
  auto fail = [&](const std::string& what) {
    std::string message = what + ": " + std::strerror(errno);
    for (int* fd : {&out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1]}) close_fd(*fd);
    if (!m_options.stdout_path.empty()) close_fd(out_fd);
    if (!m_options.stderr_path.empty()) close_fd(err_fd);
    return make_error(Errc::io, message);
  };
  if (m_options.stdout_path.empty()) {
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail("pipe");
    out_fd = out_pipe[1];
  } else if ((out_fd = open_output(m_options.stdout_path)) < 0) {
    return fail("open " + m_options.stdout_path);
  }
  if (m_options.stderr_path.empty()) {
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return fail("pipe");
    err_fd = err_pipe[1];
  } else if ((err_fd = open_output(m_options.stderr_path)) < 0) {
    return fail("open " + m_options.stderr_path);
  }
  const char* dir = m_options.working_dir.empty() ? nullptr : m_options.working_dir.c_str();
  const bool search_path = m_program.find('/') == std::string::npos;

  pid_t pid = ::fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    ::setpgid(0, 0);  // own process group, so the destructor can take down grandchildren too
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (dir != nullptr && ::chdir(dir) != 0) {
      const char msg[] = "process: chdir failed\n";
      [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
      ::_exit(127);
    }
    if (search_path)
      ::execvpe(argv[0], argv.data(), envp.data());
    else
      ::execve(argv[0], argv.data(), envp.data());
    const char msg[] = "process: exec failed: ";
    [[maybe_unused]] auto n1 = ::write(2, msg, sizeof msg - 1);
    const char* why = std::strerror(errno);  // not strictly async-signal-safe; the child is about to die
    [[maybe_unused]] auto n2 = ::write(2, why, std::strlen(why));
    [[maybe_unused]] auto n3 = ::write(2, "\n", 1);
    ::_exit(127);
  }
  m_pid = pid;
  close_fd(out_fd);
  close_fd(err_fd);
  m_reader = std::thread([this, o = out_pipe[0], e = err_pipe[0]] { drain(o, e); });
  return {};
}

void Process::drain(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  char buffer[16384];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative fds
        continue;
      }
      std::lock_guard lock(m_mutex);
      (i == 0 ? m_stdout : m_stderr).append(buffer, static_cast<size_t>(n));
      m_output_changed.notify_all();
    }
  }
  std::lock_guard lock(m_mutex);
  m_output_closed = true;
  m_output_changed.notify_all();
}

std::optional<ExitStatus> Process::try_reap(bool block) {
  std::lock_guard lock(m_reap_mutex);
  if (m_status) return m_status;
  if (m_pid <= 0) return std::nullopt;
  int raw = 0;
  pid_t r;
  do {
    r = ::waitpid(m_pid, &raw, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != m_pid) return std::nullopt;
  ExitStatus s;
  if (WIFEXITED(raw)) s.code = WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) s.signal = WTERMSIG(raw);
  m_status = s;
  return s;
}

bool Process::running() { return m_pid > 0 && !try_reap(false); }

std::optional<ExitStatus> Process::wait(Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<ExitStatus> status;
  while (!(status = try_reap(false))) {
    if (m_pid <= 0 || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The output pipes close when the last writer exits; a grandchild may keep them open, so bound it.
  std::unique_lock lock(m_mutex);
  m_output_changed.wait_until(lock, std::max(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1)),
                              [this] { return m_output_closed; });
  return status;
}

Status Process::signal(int sig) {
  if (m_pid <= 0) return make_error(Errc::internal, "process not started");
  if (try_reap(false)) return make_error(Errc::not_found, "process already exited");
  if (::kill(m_pid, sig) != 0) return make_error(Errc::io, std::string("kill: ") + std::strerror(errno));
  return {};
}

Status Process::terminate() { return signal(SIGTERM); }
Status Process::hangup() { return signal(SIGHUP); }
Status Process::kill() { return signal(SIGKILL); }

std::string Process::stdout_text() const {
  std::lock_guard lock(m_mutex);
  return m_stdout;
}

std::string Process::stderr_text() const {
  std::lock_guard lock(m_mutex);
  return m_stderr;
}

bool Process::wait_for_output(std::string_view needle, Duration timeout) const {
  std::unique_lock lock(m_mutex);
  auto found = [&] { return m_stdout.find(needle) != std::string::npos || m_stderr.find(needle) != std::string::npos; };
  m_output_changed.wait_for(lock, timeout, [&] { return found() || m_output_closed; });
  return found();
}

Result<ExitStatus> Process::run(std::string program, ProcessOptions options, Duration timeout) {
  Process p(std::move(program), std::move(options));
  if (Status s = p.start(); !s) return s.error();
  if (auto status = p.wait(timeout)) return *status;
  (void)p.kill();
  if (auto status = p.wait(std::chrono::seconds(5))) return *status;
  return make_error(Errc::internal, "process did not die after SIGKILL");
}

}  // namespace redline::testing
