#include "support/local_smtp_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>

#include "support/self_signed_certificate.hpp"
#include "util/crypto.hpp"

namespace redline::testing {

namespace {

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// The address inside "<…>", or the trimmed argument when there are no brackets.
std::string angle_address(const std::string& arg) {
  const size_t open = arg.find('<');
  const size_t close = arg.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return arg;
  return arg.substr(open + 1, close - open - 1);
}

// The session's byte stream: the socket, or TLS over it once STARTTLS succeeded.
class Channel {
 public:
  explicit Channel(int fd) : m_fd(fd) {}
  ~Channel() {
    if (m_ssl != nullptr) {
      SSL_shutdown(m_ssl);
      SSL_free(m_ssl);
    }
    if (m_ctx != nullptr) SSL_CTX_free(m_ctx);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  int fd() const { return m_fd; }
  bool tls() const { return m_ssl != nullptr; }
  // Bytes already decrypted and buffered, which poll() on the socket cannot see.
  bool pending() const { return m_ssl != nullptr && SSL_pending(m_ssl) > 0; }

  // The server side of the TLS handshake (blocking, at most 10 s); false on failure.
  bool start_tls(const std::string& cert_pem, const std::string& key_pem) {
    timeval limit{10, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    m_ctx = SSL_CTX_new(TLS_server_method());
    BIO* cert_bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    const bool loaded = m_ctx != nullptr && cert != nullptr && key != nullptr &&
                        SSL_CTX_use_certificate(m_ctx, cert) == 1 && SSL_CTX_use_PrivateKey(m_ctx, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    if (!loaded) return false;
    m_ssl = SSL_new(m_ctx);
    SSL_set_fd(m_ssl, m_fd);
    if (SSL_accept(m_ssl) == 1) return true;
    ERR_clear_error();
    SSL_free(m_ssl);
    m_ssl = nullptr;
    return false;
  }

  ssize_t read(char* buffer, size_t size) {
    if (m_ssl == nullptr) return ::recv(m_fd, buffer, size, 0);
    return SSL_read(m_ssl, buffer, static_cast<int>(size));
  }

  void send(const std::string& text) {
    size_t sent = 0;
    while (sent < text.size()) {
      const ssize_t n = m_ssl != nullptr ? SSL_write(m_ssl, text.data() + sent, static_cast<int>(text.size() - sent))
                                         : ::send(m_fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

 private:
  int m_fd;
  SSL_CTX* m_ctx = nullptr;
  SSL* m_ssl = nullptr;
};

// Reads CRLF-terminated lines from a channel, checking `stop` every 50 ms; gives up after 10 s of silence.
class LineReader {
 public:
  LineReader(Channel& channel, const std::atomic<bool>& stop) : m_channel(channel), m_stop(stop) {}

  std::optional<std::string> next() {
    auto idle_since = std::chrono::steady_clock::now();
    for (;;) {
      if (const size_t eol = m_buffer.find("\r\n"); eol != std::string::npos) {
        std::string line = m_buffer.substr(0, eol);
        m_buffer.erase(0, eol + 2);
        return line;
      }
      if (m_stop || std::chrono::steady_clock::now() - idle_since > std::chrono::seconds(10)) return std::nullopt;
      if (!m_channel.pending()) {
        pollfd p{m_channel.fd(), POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
      }
      char chunk[4096];
      const ssize_t n = m_channel.read(chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      m_buffer.append(chunk, static_cast<size_t>(n));
      idle_since = std::chrono::steady_clock::now();
    }
  }

  // Whatever the client sent after STARTTLS in the clear must not be read as if it were encrypted.
  void discard_buffered() { m_buffer.clear(); }

 private:
  Channel& m_channel;
  const std::atomic<bool>& m_stop;
  std::string m_buffer;
};

}  // namespace

LocalSmtpServer::~LocalSmtpServer() { stop(); }

void LocalSmtpServer::require_auth(std::string user, std::string password) {
  std::lock_guard lock(m_mutex);
  m_user = std::move(user);
  m_password = std::move(password);
}

void LocalSmtpServer::fail_command(const std::string& command, int code, std::string text) {
  std::lock_guard lock(m_mutex);
  if (code == 0) {
    m_failures.erase(command);
  } else {
    m_failures[command] = {code, std::move(text)};
  }
}

void LocalSmtpServer::set_data_delay(Duration delay) {
  std::lock_guard lock(m_mutex);
  m_data_delay = delay;
}

void LocalSmtpServer::use_starttls() {
  if (m_listen_fd >= 0) throw std::logic_error("LocalSmtpServer::use_starttls() must come before start()");
  auto cert = make_self_signed_certificate();
  m_cert_pem = std::move(cert.cert_pem);
  m_key_pem = std::move(cert.key_pem);
}

void LocalSmtpServer::start() {
  if (m_listen_fd >= 0) throw std::logic_error("LocalSmtpServer::start() called twice");
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (m_listen_fd < 0 || ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(m_listen_fd, 16) != 0 || ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("LocalSmtpServer: cannot listen on 127.0.0.1");
  m_port = ntohs(addr.sin_port);
  m_stop = false;
  m_thread = std::thread([this] { serve(); });
}

void LocalSmtpServer::stop() {
  if (m_listen_fd < 0) return;
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
  ::close(m_listen_fd);
  m_listen_fd = -1;
}

std::string LocalSmtpServer::url() const { return "smtp://127.0.0.1:" + std::to_string(m_port); }

std::vector<SmtpMessage> LocalSmtpServer::messages() const {
  std::lock_guard lock(m_mutex);
  return m_messages;
}

size_t LocalSmtpServer::connection_count() const {
  std::lock_guard lock(m_mutex);
  return m_connections;
}

size_t LocalSmtpServer::failed_auth_count() const {
  std::lock_guard lock(m_mutex);
  return m_failed_auth;
}

bool LocalSmtpServer::wait_for_messages(size_t n, Duration timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [&] { return m_messages.size() >= n; });
}

void LocalSmtpServer::serve() {
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(m_mutex);
      ++m_connections;
    }
    session(fd);
    ::close(fd);
  }
}

void LocalSmtpServer::session(int fd) {
  Channel channel(fd);
  LineReader in(channel, m_stop);
  const bool offers_tls = !m_cert_pem.empty();
  const auto failure = [this](const std::string& command) -> std::optional<std::string> {
    std::lock_guard lock(m_mutex);
    const auto it = m_failures.find(command);
    if (it == m_failures.end()) return std::nullopt;
    return std::to_string(it->second.first) + " " + it->second.second + "\r\n";
  };
  const auto check_login = [this](const std::string& user, const std::string& password) {
    std::lock_guard lock(m_mutex);
    const bool ok = user == m_user && password == m_password;
    if (!ok) ++m_failed_auth;
    return ok;
  };
  const auto decode = [](const std::string& b64) { return base64_decode(b64).value_or(std::string()); };

  SmtpMessage msg;
  bool authenticated = false;
  channel.send("220 127.0.0.1 redline-test ESMTP\r\n");
  while (auto line = in.next()) {
    const size_t space = line->find(' ');
    const std::string verb = upper(line->substr(0, space));
    const std::string arg = space == std::string::npos ? "" : line->substr(space + 1);
    if (verb == "EHLO" || verb == "HELO") {
      if (auto f = failure("EHLO")) {
        channel.send(*f);
        continue;
      }
      msg = SmtpMessage{};
      msg.helo = arg;
      msg.tls = channel.tls();
      const bool before_tls = offers_tls && !channel.tls();
      channel.send(verb == "HELO" ? "250 127.0.0.1\r\n"
                   : before_tls   ? "250-127.0.0.1\r\n250-STARTTLS\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"
                                  : "250-127.0.0.1\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
    } else if (verb == "STARTTLS") {
      if (!offers_tls || channel.tls()) {
        channel.send(offers_tls ? "503 5.5.1 TLS already active\r\n" : "502 5.5.2 command not implemented\r\n");
        continue;
      }
      channel.send("220 2.0.0 ready to start TLS\r\n");
      in.discard_buffered();
      if (!channel.start_tls(m_cert_pem, m_key_pem)) return;  // the client refused our certificate
      msg = SmtpMessage{};                                    // RFC 3207: forget everything said before the handshake
      authenticated = false;
    } else if (offers_tls && !channel.tls() && (verb == "AUTH" || verb == "MAIL")) {
      channel.send("530 5.7.0 must issue a STARTTLS command first\r\n");
    } else if (verb == "AUTH") {
      const size_t sp = arg.find(' ');
      const std::string mech = upper(arg.substr(0, sp));
      std::string initial = sp == std::string::npos ? "" : arg.substr(sp + 1);
      std::string user, password;
      if (mech == "PLAIN") {
        if (initial.empty()) {
          channel.send("334 \r\n");
          initial = in.next().value_or("");
        }
        const std::string plain = decode(initial);  // authzid \0 user \0 password
        const size_t a = plain.find('\0');
        const size_t b = a == std::string::npos ? a : plain.find('\0', a + 1);
        if (b != std::string::npos) {
          user = plain.substr(a + 1, b - a - 1);
          password = plain.substr(b + 1);
        }
      } else if (mech == "LOGIN") {
        if (initial.empty()) {
          channel.send("334 VXNlcm5hbWU6\r\n");
          initial = in.next().value_or("");
        }
        user = decode(initial);
        channel.send("334 UGFzc3dvcmQ6\r\n");
        password = decode(in.next().value_or(""));
      } else {
        channel.send("504 unrecognized authentication type\r\n");
        continue;
      }
      authenticated = check_login(user, password);
      if (authenticated) msg.auth_user = user;
      channel.send(authenticated ? "235 2.7.0 authentication successful\r\n"
                                 : "535 5.7.8 authentication credentials invalid\r\n");
    } else if (verb == "MAIL") {
      bool need_auth = false;
      {
        std::lock_guard lock(m_mutex);
        need_auth = !m_user.empty();
      }
      if (need_auth && !authenticated) {
        channel.send("530 5.7.0 authentication required\r\n");
      } else if (auto f = failure("MAIL")) {
        channel.send(*f);
      } else {
        msg.mail_from = angle_address(arg);
        msg.rcpt_to.clear();
        channel.send("250 2.1.0 ok\r\n");
      }
    } else if (verb == "RCPT") {
      if (auto f = failure("RCPT")) {
        channel.send(*f);
      } else {
        msg.rcpt_to.push_back(angle_address(arg));
        channel.send("250 2.1.5 ok\r\n");
      }
    } else if (verb == "DATA") {
      channel.send("354 end data with <CR><LF>.<CR><LF>\r\n");
      std::string data;
      bool complete = false;
      while (auto l = in.next()) {
        if (*l == ".") {
          complete = true;
          break;
        }
        data += (!l->empty() && (*l)[0] == '.' ? l->substr(1) : *l) + "\r\n";
      }
      if (!complete) return;
      Duration delay{0};
      {
        std::lock_guard lock(m_mutex);
        delay = m_data_delay;
      }
      std::this_thread::sleep_for(delay);
      if (auto f = failure("DATA")) {
        channel.send(*f);
        continue;
      }
      msg.data = std::move(data);
      {
        std::lock_guard lock(m_mutex);
        m_messages.push_back(msg);
      }
      m_changed.notify_all();
      channel.send("250 2.0.0 queued\r\n");
    } else if (verb == "RSET" || verb == "NOOP") {
      channel.send("250 2.0.0 ok\r\n");
    } else if (verb == "QUIT") {
      channel.send("221 2.0.0 bye\r\n");
      return;
    } else {
      channel.send("502 5.5.2 command not implemented\r\n");
    }
  }
}

}  // namespace redline::testing
