#include "http/curl_transfer.hpp"

#include <algorithm>
#include <limits>

#include "http/curl_client.hpp"
#include "util/text.hpp"

namespace redline {
namespace {

long seconds_ceil(Duration d) {
  if (d.count() <= 0) return 0;
  return static_cast<long>((d.count() + 999) / 1000);
}

}  // namespace

FetchError classify_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return FetchError::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchError::dns;
    case CURLE_COULDNT_CONNECT:
      return FetchError::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return FetchError::tls;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchError::too_large;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchError::redirects;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FetchError::reset;
    default:
      return FetchError::other;
  }
}

bool is_document_content_type(std::string_view content_type) {
  std::string type = ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type.rfind("text/", 0) == 0) return true;
  if (type == "application/xhtml+xml" || type == "application/xml") return true;
  return type.size() > 4 && type.compare(type.size() - 4, 4, "+xml") == 0;
}

CurlTransfer::CurlTransfer(HttpRequest request, HttpClient::Callback done)
    : m_request(std::move(request)), m_done(std::move(done)) {}

CurlTransfer::~CurlTransfer() {
  if (m_easy != nullptr) curl_easy_cleanup(m_easy);
  curl_slist_free_all(m_header_list);
}

bool CurlTransfer::configure(const CurlClientOptions& options, std::string& error) {
  m_easy = curl_easy_init();
  if (m_easy == nullptr) {
    error = "curl_easy_init failed";
    return false;
  }
  CURL* e = m_easy;
  const HttpRequest& r = m_request;
  CURLcode rc = CURLE_OK;
  auto set = [&rc](CURLcode c) {
    if (rc == CURLE_OK) rc = c;
  };
  set(curl_easy_setopt(e, CURLOPT_URL, r.url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_PRIVATE, this));
  set(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m_error_buffer.data()));
  set(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str()));
  set(curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""));  // every encoding curl can decode
  set(curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                       options.http2 ? long{CURL_HTTP_VERSION_2TLS} : long{CURL_HTTP_VERSION_1_1}));
  // Over TLS, wait for a connection that may multiplex (HTTP/2, known after its handshake) rather than
  // open one more to the same origin. Not for http://: there it would wait for a first response.
  if (options.http2 && r.url.rfind("https://", 0) == 0) set(curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L));
  set(curl_easy_setopt(
      e, CURLOPT_DNS_CACHE_TIMEOUT,
      static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(options.dns_cache_timeout).count())));
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L));
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L));
  if (!options.ca_file.empty()) set(curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str()));
  set(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count())));
  set(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count())));
  if (r.low_speed_time.count() > 0 && r.low_speed_limit > 0) {
    set(curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, seconds_ceil(r.low_speed_time)));
    set(curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, r.low_speed_limit));
  }
  set(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.max_redirects > 0 ? 1L : 0L));
  set(curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(std::max(r.max_redirects, 0))));
  // A Content-Length over the cap fails the transfer before its body (CURLE_FILESIZE_EXCEEDED); a body
  // without one (chunked, or decoded bigger than announced) is capped by on_write. Not for HEAD, whose
  // Content-Length is the size of a body that never comes.
  if (r.method != "HEAD")
    set(curl_easy_setopt(
        e, CURLOPT_MAXFILESIZE_LARGE,
        static_cast<curl_off_t>(std::min<size_t>(r.max_body, std::numeric_limits<curl_off_t>::max()))));
  set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlTransfer::on_write));
  set(curl_easy_setopt(e, CURLOPT_WRITEDATA, this));
  set(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlTransfer::on_header));
  set(curl_easy_setopt(e, CURLOPT_HEADERDATA, this));

  if (r.method == "POST") {
    set(curl_easy_setopt(e, CURLOPT_POST, 1L));
    set(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size())));
    set(curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data()));  // m_request outlives the handle
  } else if (r.method == "HEAD") {
    set(curl_easy_setopt(e, CURLOPT_NOBODY, 1L));
  } else if (r.method != "GET") {
    set(curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str()));
    if (!r.body.empty()) {
      set(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size())));
      set(curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data()));
    }
  }

  // No "Expect: 100-continue" round trip for larger POST bodies.
  m_header_list = curl_slist_append(m_header_list, "Expect:");
  for (const auto& [name, value] : r.headers) {
    std::string line = name + (value.empty() ? ";" : ": " + value);  // "Name;" sends an empty header
    curl_slist* next = curl_slist_append(m_header_list, line.c_str());
    if (next == nullptr) {
      error = "out of memory building request headers";
      return false;
    }
    m_header_list = next;
  }
  set(curl_easy_setopt(e, CURLOPT_HTTPHEADER, m_header_list));
  if (rc != CURLE_OK) {
    error = std::string("curl_easy_setopt: ") + curl_easy_strerror(rc);
    return false;
  }
  return true;
}

void CurlTransfer::abort_with(FetchError error, std::string message) {
  m_abort = error;
  m_abort_message = std::move(message);
}

size_t CurlTransfer::on_write(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<CurlTransfer*>(self);
  const size_t n = size * count;
  if (t->m_body.size() + n > t->m_request.max_body) {
    t->abort_with(FetchError::too_large,
                  "response body exceeds " + std::to_string(t->m_request.max_body) + " bytes (decoded)");
    return 0;  // anything other than n aborts the transfer with CURLE_WRITE_ERROR
  }
  t->m_body.append(data, n);
  return n;
}

size_t CurlTransfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<CurlTransfer*>(self);
  const size_t n = size * count;
  t->m_header_bytes += n;
  if (t->m_header_bytes > k_max_header_bytes) {
    t->abort_with(FetchError::too_large, "response headers exceed " + std::to_string(k_max_header_bytes) + " bytes");
    return 0;
  }
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (redirect hop, 1xx, proxy): start over
    t->m_headers.clear();
    return t->new_response(line) ? n : 0;
  }
  std::string_view content = trim(line);
  if (content.empty()) return t->headers_complete() ? n : 0;
  size_t colon = content.find(':');
  if (colon == std::string_view::npos) return n;  // obsolete folding or junk: ignore
  t->m_headers.emplace_back(ascii_lower(trim(content.substr(0, colon))), std::string(trim(content.substr(colon + 1))));
  return n;
}

bool CurlTransfer::new_response(std::string_view status_line) {
  // "HTTP/1.1 302 Found", "HTTP/2 200": an interim 1xx answer belongs to the same request.
  const size_t space = status_line.find(' ');
  if (space != std::string_view::npos && space + 1 < status_line.size() && status_line[space + 1] == '1') return true;
  char* url = nullptr;
  if (curl_easy_getinfo(m_easy, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || url == nullptr) return true;
  // Without cookies every request in a chain is the same as the last time it was made, so a URL seen
  // before means the chain can only go round: stop at once instead of after max_redirects hops.
  if (std::find(m_visited.begin(), m_visited.end(), url) != m_visited.end()) {
    abort_with(FetchError::redirects, "redirect loop: back to " + std::string(url) + " after " +
                                          std::to_string(m_visited.size()) + " redirect" +
                                          (m_visited.size() == 1 ? "" : "s"));
    return false;
  }
  m_visited.emplace_back(url);
  return true;
}

bool CurlTransfer::headers_complete() {
  long status = 0;
  curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200) return true;  // 1xx: the real response follows
  bool has_location = false;
  std::string_view content_type;
  for (const auto& [k, v] : m_headers) {
    if (k == "location") has_location = true;
    if (k == "content-type" && content_type.empty()) content_type = v;
  }
  // A redirect that curl will follow: its body is skipped, so the check does not apply.
  if (status >= 300 && status < 400 && has_location && m_request.max_redirects > 0) return true;
  if (m_request.html_only && !content_type.empty() && !is_document_content_type(content_type)) {
    abort_with(FetchError::not_html, "refused Content-Type " + std::string(content_type));
    return false;
  }
  return true;
}

HttpResponse CurlTransfer::finish(CURLcode code) {
  HttpResponse r;
  long status = 0;
  curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  char* url = nullptr;
  if (curl_easy_getinfo(m_easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr) r.effective_url = url;
  curl_off_t micros = 0;
  if (curl_easy_getinfo(m_easy, CURLINFO_TOTAL_TIME_T, &micros) == CURLE_OK)
    r.elapsed = std::chrono::microseconds(micros);
  r.headers = std::move(m_headers);

  if (code == CURLE_OK) {
    r.body = std::move(m_body);
    return r;
  }
  if (m_abort != FetchError::none && (code == CURLE_WRITE_ERROR || code == CURLE_ABORTED_BY_CALLBACK)) {
    r.error = m_abort;
    r.error_message = std::move(m_abort_message);
  } else {
    r.error = classify_curl_error(code);
    std::string detail = m_error_buffer[0] != '\0' ? std::string(m_error_buffer.data()) : curl_easy_strerror(code);
    if (code == CURLE_FILESIZE_EXCEEDED)  // CURLOPT_MAXFILESIZE_LARGE: curl says only "Maximum file size exceeded"
      detail = "Content-Length exceeds " + std::to_string(m_request.max_body) + " bytes";
    r.error_message =
        std::string(to_string(r.error)) + ": " + detail + " (curl " + std::to_string(static_cast<int>(code)) + ")";
  }
  r.error_message += " [" + m_request.method + " " + m_request.url + "]";
  return r;
}

}  // namespace redline
