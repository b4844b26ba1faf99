// MailSender: sends one finished e-mail message over SMTP. CurlMailSender is the production one.
//
// Why a worker thread: libcurl's SMTP is driven with curl_easy_perform() on one worker thread owned by
// the sender, and each completion is posted back to the executor given at construction, so the daemon's
// io_context thread never blocks on a mail server. E-mail is low-volume (one message per event and
// address list), so one thread delivering one message at a time is enough and keeps lib/http (the
// multi-socket HTTP client) free of SMTP. Messages queue in order; a slow server delays later mails,
// never the io_context.
//
// Thread safety: send() may be called from any thread; `done` runs exactly once, on the executor, never
// inside send(). Destruction joins the worker after the message in progress (bounded by its timeout);
// queued messages complete with "cancelled". Destroy the sender before its executor's io_context.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "notify/notifier_target.hpp"
#include "notify/retry_policy.hpp"

namespace redline {

struct MailRequest {
  std::string smtp_url;         // smtp://host:port or smtps://host:port
  std::string envelope_from;    // bare address for MAIL FROM
  std::vector<std::string> to;  // bare addresses for RCPT TO
  std::string username;         // empty: no AUTH
  std::string password;
  StartTls starttls = StartTls::always;
  Duration timeout = std::chrono::seconds(30);
  std::string message;  // the whole RFC 5322 message, CRLF line ends
};

struct MailResult {
  bool ok = false;
  long smtp_code = 0;  // the server's last reply code; 0 when none arrived (connection failed)
  int curl_code = 0;   // CURLcode
  std::string error;   // one line; empty when ok
};

// 250 → delivered; a 5xx reply (and a server without the STARTTLS that starttls = "always" demands) →
// dead; a 4xx reply, connection and TLS failures, timeouts → retry.
AttemptOutcome classify_mail_result(const MailResult& result);

class MailSender {
 public:
  using Callback = std::function<void(MailResult)>;
  virtual ~MailSender() = default;
  virtual void send(MailRequest request, Callback done) = 0;
};

struct CurlMailOptions {
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle instead of the system's; "" = system default
};

class CurlMailSender final : public MailSender {
 public:
  explicit CurlMailSender(boost::asio::any_io_executor executor, CurlMailOptions options = {});
  ~CurlMailSender() override;
  CurlMailSender(const CurlMailSender&) = delete;
  CurlMailSender& operator=(const CurlMailSender&) = delete;

  void send(MailRequest request, Callback done) override;

  // Sends on the calling thread (what the worker runs); blocking.
  static MailResult send_now(const MailRequest& request, const CurlMailOptions& options);

 private:
  void run();

  boost::asio::any_io_executor m_executor;
  CurlMailOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::pair<MailRequest, Callback>> m_queue;  // guarded by m_mutex
  bool m_stopping = false;                               // guarded by m_mutex
  std::thread m_worker;
};

}  // namespace redline
