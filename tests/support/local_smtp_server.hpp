// LocalSmtpServer: a real SMTP server on 127.0.0.1 (ephemeral port) for tests, enough of RFC 5321 for
// libcurl: EHLO/HELO, AUTH PLAIN and LOGIN (with or without an initial response), MAIL FROM, RCPT TO,
// DATA (dot-unstuffed), RSET, NOOP, QUIT, and STARTTLS after use_starttls() (then, like a real
// submission server, AUTH and MAIL are refused until the session is encrypted). It records every
// accepted message and can be told to answer a command with a failure, to test retries (4xx) and dead
// letters (5xx).
//
//   LocalSmtpServer smtp;
//   smtp.require_auth("user", "secret");
//   smtp.fail_command("RCPT", 550, "no such user");
//   smtp.start();                       // url() == "smtp://127.0.0.1:<port>"
//   … smtp.messages() …
//
// Thread safety: every member may be called from any thread. One background thread accepts and serves
// connections one at a time with plain POSIX sockets (poll with short timeouts, so stop() is prompt).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace redline::testing {

struct SmtpMessage {
  std::string helo;                  // the EHLO/HELO argument
  std::string auth_user;             // "" when the client did not authenticate
  std::string mail_from;             // the address inside MAIL FROM:<…>
  std::vector<std::string> rcpt_to;  // the addresses inside RCPT TO:<…>
  std::string data;                  // the message as sent, CRLF line ends, dot-unstuffed, without the final "."
  bool tls = false;                  // it arrived over STARTTLS
};

class LocalSmtpServer {
 public:
  LocalSmtpServer() = default;
  ~LocalSmtpServer();
  LocalSmtpServer(const LocalSmtpServer&) = delete;
  LocalSmtpServer& operator=(const LocalSmtpServer&) = delete;

  // Clients must authenticate with these credentials (else MAIL FROM gets 530).
  void require_auth(std::string user, std::string password);
  // From now on, answer `command` ("MAIL", "RCPT", "DATA" = the reply after the message's final ".",
  // "EHLO") with `code` and `text`. fail_command(cmd, 0, "") restores success.
  void fail_command(const std::string& command, int code, std::string text);

  // From now on, wait this long before answering the end of a message's DATA (a slow server).
  void set_data_delay(Duration delay);

  // Before start(): offer STARTTLS with a fresh self-signed certificate for 127.0.0.1, and demand it
  // before AUTH and MAIL. Clients trust it through certificate_pem().
  void use_starttls();
  std::string certificate_pem() const { return m_cert_pem; }

  void start();  // throws std::runtime_error when it cannot listen
  void stop();   // idempotent; also done by the destructor

  uint16_t port() const { return m_port; }
  std::string url() const;  // "smtp://127.0.0.1:<port>"

  std::vector<SmtpMessage> messages() const;
  size_t connection_count() const;
  size_t failed_auth_count() const;
  // Blocks until at least `n` messages were accepted; false on timeout.
  bool wait_for_messages(size_t n, Duration timeout) const;

 private:
  void serve();
  void session(int fd);

  std::string m_cert_pem, m_key_pem;  // set by use_starttls()
  int m_listen_fd = -1;
  uint16_t m_port = 0;
  std::thread m_thread;
  std::atomic<bool> m_stop{false};

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  std::string m_user, m_password;  // guarded by m_mutex
  std::map<std::string, std::pair<int, std::string>> m_failures;
  std::vector<SmtpMessage> m_messages;
  size_t m_connections = 0;
  size_t m_failed_auth = 0;
  Duration m_data_delay{0};
};

}  // namespace redline::testing
