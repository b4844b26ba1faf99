// CurlTransfer: one HTTP request as a libcurl easy handle, with the caps the client promises.
//
// Internal to lib/http (used by CurlClient). It owns the easy handle, its header list and the
// buffers the callbacks fill, and enforces per request:
//   - max_body on DECODED bytes: the write callback returns 0 past the cap, which aborts the
//     transfer, so an endless chunked body or a gzip bomb never grows the buffer beyond max_body;
//   - Content-Length above max_body, and (html_only) a non-HTML Content-Type, abort as soon as the
//     final response's headers are complete (header callback), before any body byte is read;
//   - connect/total/low-speed timeouts and max_redirects via curl options; a redirect back to a URL
//     already requested in the chain is a loop and stops at once (redirects).
// The bytes it holds are bounded by max_body plus k_max_header_bytes.
//
// Thread safety: none; a transfer is touched only by the thread that drives its multi handle.
#pragma once

#include <curl/curl.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.hpp"

namespace redline {

struct CurlClientOptions;

class CurlTransfer {
 public:
  static constexpr size_t k_max_header_bytes = 256u << 10;

  CurlTransfer(HttpRequest request, HttpClient::Callback done);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  CURL* easy() const { return m_easy; }
  // Builds the response for a transfer that curl finished with `code`.
  HttpResponse finish(CURLcode code);
  // Hands out the callback (once).
  HttpClient::Callback take_callback() { return std::move(m_done); }
  const HttpRequest& request() const { return m_request; }

  // Creates and configures the easy handle. On failure returns false and sets `error`; the
  // callback is still held (take_callback()).
  bool configure(const CurlClientOptions& options, std::string& error);

 private:
  static size_t on_write(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  bool new_response(std::string_view status_line);  // false (a redirect loop) aborts the transfer
  bool headers_complete();                          // false aborts the transfer
  void abort_with(FetchError error, std::string message);

  HttpRequest m_request;
  HttpClient::Callback m_done;
  CURL* m_easy = nullptr;
  curl_slist* m_header_list = nullptr;
  std::string m_body;
  Headers m_headers;  // of the response being received; reset on each status line
  size_t m_header_bytes = 0;
  std::vector<std::string> m_visited;     // URLs requested so far in this redirect chain
  FetchError m_abort = FetchError::none;  // why a callback aborted the transfer
  std::string m_abort_message;
  std::array<char, CURL_ERROR_SIZE> m_error_buffer{};
};

// Maps a curl result to a FetchError class.
FetchError classify_curl_error(CURLcode code);

// True for media types we treat as documents: text/*, */xhtml+xml, */xml, */*+xml.
bool is_document_content_type(std::string_view content_type);

}  // namespace redline
