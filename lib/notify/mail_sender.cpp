#include "notify/mail_sender.hpp"

#include <curl/curl.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cstring>

namespace redline {

namespace {

struct Reader {
  std::string_view data;
  size_t pos = 0;
};

size_t read_message(char* buffer, size_t size, size_t count, void* self) {
  auto* r = static_cast<Reader*>(self);
  const size_t n = std::min(size * count, r->data.size() - r->pos);
  std::memcpy(buffer, r->data.data() + r->pos, n);
  r->pos += n;
  return n;
}

curl_usessl use_ssl(StartTls mode) {
  switch (mode) {
    case StartTls::always:
      return CURLUSESSL_ALL;
    case StartTls::opportunistic:
      return CURLUSESSL_TRY;
    case StartTls::never:
      return CURLUSESSL_NONE;
  }
  return CURLUSESSL_ALL;
}

}  // namespace

AttemptOutcome classify_mail_result(const MailResult& r) {
  AttemptOutcome out;
  if (r.ok) {
    out.verdict = Verdict::delivered;
    return out;
  }
  out.reason = r.error;
  const bool permanent = (r.smtp_code >= 500 && r.smtp_code <= 599) || r.curl_code == CURLE_USE_SSL_FAILED ||
                         r.curl_code == CURLE_LOGIN_DENIED || r.curl_code == CURLE_URL_MALFORMAT ||
                         r.curl_code == CURLE_UNSUPPORTED_PROTOCOL;
  out.verdict = permanent ? Verdict::dead : Verdict::retry;
  return out;
}

MailResult CurlMailSender::send_now(const MailRequest& request, const CurlMailOptions& options) {
  MailResult result;
  CURL* e = curl_easy_init();
  if (e == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  curl_slist* rcpt = nullptr;
  for (const auto& to : request.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
  Reader reader{request.message, 0};
  const std::string from = "<" + request.envelope_from + ">";

  CURLcode rc = CURLE_OK;
  auto set = [&rc](CURLcode c) {
    if (rc == CURLE_OK) rc = c;
  };
  set(curl_easy_setopt(e, CURLOPT_URL, request.smtp_url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps"));
  set(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buffer.data()));
  set(curl_easy_setopt(e, CURLOPT_MAIL_FROM, from.c_str()));
  set(curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt));
  set(curl_easy_setopt(e, CURLOPT_UPLOAD, 1L));
  set(curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.message.size())));
  set(curl_easy_setopt(e, CURLOPT_READFUNCTION, &read_message));
  set(curl_easy_setopt(e, CURLOPT_READDATA, &reader));
  set(curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(use_ssl(request.starttls))));
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L));
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L));
  if (!options.ca_file.empty()) set(curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str()));
  if (!request.username.empty()) {
    set(curl_easy_setopt(e, CURLOPT_USERNAME, request.username.c_str()));
    set(curl_easy_setopt(e, CURLOPT_PASSWORD, request.password.c_str()));
  }
  const long timeout_ms = static_cast<long>(request.timeout.count());
  set(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms));
  set(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L)));
  if (rc == CURLE_OK) rc = curl_easy_perform(e);

  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &result.smtp_code);
  result.curl_code = static_cast<int>(rc);
  result.ok = rc == CURLE_OK;
  if (!result.ok) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(rc);
    // Only a failure reply's code says something; after e.g. a refused STARTTLS the last one is a 250.
    const bool failure_code = result.smtp_code >= 400;
    result.error = "SMTP" + (failure_code ? " " + std::to_string(result.smtp_code) : std::string()) + ": " + detail +
                   " (curl " + std::to_string(result.curl_code) + ")";
    if (!failure_code) result.smtp_code = 0;
  }
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(e);
  return result;
}

CurlMailSender::CurlMailSender(boost::asio::any_io_executor executor, CurlMailOptions options)
    : m_executor(std::move(executor)), m_options(std::move(options)), m_worker([this] { run(); }) {}

CurlMailSender::~CurlMailSender() {
  std::deque<std::pair<MailRequest, Callback>> dropped;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    dropped.swap(m_queue);
  }
  m_wake.notify_all();
  m_worker.join();
  for (auto& [request, done] : dropped) {
    MailResult cancelled;
    cancelled.error = "cancelled";
    boost::asio::post(m_executor, [done = std::move(done), cancelled] { done(cancelled); });
  }
}

void CurlMailSender::send(MailRequest request, Callback done) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.emplace_back(std::move(request), std::move(done));
  }
  m_wake.notify_one();
}

void CurlMailSender::run() {
  for (;;) {
    std::pair<MailRequest, Callback> job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    MailResult result = send_now(job.first, m_options);
    boost::asio::post(m_executor, [done = std::move(job.second), result = std::move(result)] { done(result); });
  }
}

}  // namespace redline
