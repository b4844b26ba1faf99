#include "http/curl_client.hpp"

#include <curl/curl.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/curl_transfer.hpp"

namespace redline {
namespace {

// curl_global_init is not thread-safe on old libcurls; do it once, before the first multi handle.
void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse failed(FetchError error, std::string message) {
  HttpResponse r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

}  // namespace

// One socket curl asked us to watch. The descriptor never owns the fd: curl opens and closes it, we
// release() it when curl says CURL_POLL_REMOVE (or at shutdown), which also cancels pending waits.
struct WatchedSocket {
  WatchedSocket(boost::asio::io_context& io, curl_socket_t socket) : fd(socket), descriptor(io) {}
  ~WatchedSocket() { forget(); }
  void forget() {
    if (!closed) {
      closed = true;
      if (descriptor.is_open()) descriptor.release();
    }
  }
  curl_socket_t fd;
  boost::asio::posix::stream_descriptor descriptor;
  int want = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

class CurlClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::io_context& io, CurlClientOptions options) : m_io(io), m_options(std::move(options)), m_timer(io) {}
  ~Impl();

  void init();
  void enqueue(HttpRequest request, Callback done);
  void start_pending();
  void cancel_all(const std::string& why);
  size_t in_flight() const { return m_transfers.size(); }
  CurlClientStats stats() const {
    std::lock_guard lock(m_pending_mutex);
    return m_stats;
  }
  size_t queued() const {
    std::lock_guard lock(m_pending_mutex);
    return m_pending.size();
  }

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void watch(const std::shared_ptr<WatchedSocket>& socket);
  void on_ready(const std::shared_ptr<WatchedSocket>& socket, int select);
  void socket_action(curl_socket_t fd, int select);
  void collect_finished();
  void complete(Callback done, HttpResponse response);

  boost::asio::io_context& m_io;
  CurlClientOptions m_options;
  CURLM* m_multi = nullptr;
  std::string m_init_error;
  boost::asio::steady_timer m_timer;
  std::unordered_map<curl_socket_t, std::shared_ptr<WatchedSocket>> m_sockets;
  std::unordered_map<CURL*, std::unique_ptr<CurlTransfer>> m_transfers;

  // Requests accepted by fetch() (any thread) and not yet added to the multi handle.
  mutable std::mutex m_pending_mutex;
  std::deque<std::pair<HttpRequest, Callback>> m_pending;
  bool m_start_posted = false;  // guarded by m_pending_mutex
  CurlClientStats m_stats;      // guarded by m_pending_mutex
};

void CurlClient::Impl::init() {
  global_init_once();
  m_multi = curl_multi_init();
  if (m_multi == nullptr) {
    m_init_error = "curl_multi_init failed";  // every fetch() then fails with this message
    return;
  }
  curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, m_options.max_connections);
  curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, m_options.per_host_connections);
  curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, m_options.max_cached_connections);
  curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long{CURLPIPE_MULTIPLEX});
}

CurlClient::Impl::~Impl() {
  cancel_all("client destroyed");
  m_timer.cancel();
  if (m_multi != nullptr) curl_multi_cleanup(m_multi);  // closes cached connections (REMOVE callbacks)
  for (auto& [fd, socket] : m_sockets) socket->forget();
}

void CurlClient::Impl::enqueue(HttpRequest request, Callback done) {
  bool post = false;
  {
    std::lock_guard lock(m_pending_mutex);
    m_pending.emplace_back(std::move(request), std::move(done));
    post = !m_start_posted;
    m_start_posted = true;
  }
  if (!post) return;
  boost::asio::post(m_io, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->start_pending();
  });
}

void CurlClient::Impl::start_pending() {
  // Only max_active_transfers easy handles exist at a time; the rest wait here as plain requests
  // (curl's own queue is slower and each waiting easy handle costs ~15 KiB).
  std::deque<std::pair<HttpRequest, Callback>> batch;
  {
    std::lock_guard lock(m_pending_mutex);
    m_start_posted = false;
    size_t limit = m_options.max_active_transfers;
    size_t room = limit == 0 ? m_pending.size() : (m_transfers.size() < limit ? limit - m_transfers.size() : 0);
    while (room-- > 0 && !m_pending.empty()) {
      batch.push_back(std::move(m_pending.front()));
      m_pending.pop_front();
    }
  }
  for (auto& [request, done] : batch) {
    auto transfer = std::make_unique<CurlTransfer>(std::move(request), std::move(done));
    std::string error = m_init_error;
    if (m_multi == nullptr || !transfer->configure(m_options, error)) {
      complete(transfer->take_callback(), failed(FetchError::other, error + " [" + transfer->request().url + "]"));
      continue;
    }
    CURL* easy = transfer->easy();
    CURLMcode mc = curl_multi_add_handle(m_multi, easy);
    if (mc != CURLM_OK) {
      complete(transfer->take_callback(),
               failed(FetchError::other, std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)));
      continue;
    }
    m_transfers.emplace(easy, std::move(transfer));
    std::lock_guard lock(m_pending_mutex);
    ++m_stats.started;
  }
}

void CurlClient::Impl::cancel_all(const std::string& why) {
  std::deque<std::pair<HttpRequest, Callback>> pending;
  {
    std::lock_guard lock(m_pending_mutex);
    pending.swap(m_pending);
  }
  for (auto& [request, done] : pending)  // fetch()ed but not started yet
    complete(std::move(done), failed(FetchError::other, "cancelled: " + why + " [" + request.url + "]"));
  auto transfers = std::move(m_transfers);
  m_transfers.clear();
  for (auto& [easy, transfer] : transfers) {
    curl_multi_remove_handle(m_multi, easy);
    complete(transfer->take_callback(),
             failed(FetchError::other, "cancelled: " + why + " [" + transfer->request().url + "]"));
  }
}

void CurlClient::Impl::complete(Callback done, HttpResponse response) {
  {
    std::lock_guard lock(m_pending_mutex);
    if (response.error == FetchError::none) {
      ++m_stats.responses;
      m_stats.body_bytes += response.body.size();
    } else {
      ++m_stats.errors.at(static_cast<size_t>(response.error));
    }
  }
  if (!done) return;
  boost::asio::post(m_io,
                    [done = std::move(done), response = std::move(response)]() mutable { done(std::move(response)); });
}

int CurlClient::Impl::on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* self_ptr, void* socket_data) {
  auto* self = static_cast<Impl*>(self_ptr);
  if (what == CURL_POLL_REMOVE) {
    if (auto it = self->m_sockets.find(fd); it != self->m_sockets.end()) {
      it->second->forget();
      self->m_sockets.erase(it);
    }
    return 0;
  }
  std::shared_ptr<WatchedSocket> socket;
  if (socket_data != nullptr) {
    if (auto it = self->m_sockets.find(fd); it != self->m_sockets.end()) socket = it->second;
  }
  if (!socket) {
    if (auto it = self->m_sockets.find(fd); it != self->m_sockets.end()) {
      it->second->forget();  // stale: curl reused the number without telling us
      self->m_sockets.erase(it);
    }
    socket = std::make_shared<WatchedSocket>(self->m_io, fd);
    boost::system::error_code ec;
    socket->descriptor.assign(fd, ec);
    if (ec) return -1;  // curl fails the transfer(s) using this socket
    self->m_sockets.emplace(fd, socket);
    curl_multi_assign(self->m_multi, fd, socket.get());
  }
  socket->want = what;
  self->watch(socket);
  return 0;
}

void CurlClient::Impl::watch(const std::shared_ptr<WatchedSocket>& socket) {
  if (socket->closed) return;
  using Wait = boost::asio::posix::descriptor_base::wait_type;
  auto arm = [this, &socket](Wait type, bool& busy, int select) {
    busy = true;
    socket->descriptor.async_wait(type, [weak = weak_from_this(), socket, select](boost::system::error_code ec) {
      (select == CURL_CSELECT_IN ? socket->reading : socket->writing) = false;
      if (socket->closed || ec == boost::asio::error::operation_aborted) return;
      auto self = weak.lock();
      if (!self) return;
      self->on_ready(socket, ec ? CURL_CSELECT_ERR : select);
    });
  };
  if ((socket->want & CURL_POLL_IN) != 0 && !socket->reading) arm(Wait::wait_read, socket->reading, CURL_CSELECT_IN);
  if ((socket->want & CURL_POLL_OUT) != 0 && !socket->writing) arm(Wait::wait_write, socket->writing, CURL_CSELECT_OUT);
}

void CurlClient::Impl::on_ready(const std::shared_ptr<WatchedSocket>& socket, int select) {
  // A wait armed for a direction curl no longer wants: skip the action, keep watching what it wants.
  bool wanted = select == CURL_CSELECT_ERR || (select == CURL_CSELECT_IN && (socket->want & CURL_POLL_IN) != 0) ||
                (select == CURL_CSELECT_OUT && (socket->want & CURL_POLL_OUT) != 0);
  if (wanted) socket_action(socket->fd, select);
  if (!socket->closed) watch(socket);
}

int CurlClient::Impl::on_timer(CURLM* /*multi*/, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<Impl*>(self_ptr);
  if (timeout_ms < 0) {
    self->m_timer.cancel();
    return 0;
  }
  // Never call back into curl from here: even a 0 ms timeout goes through the io_context.
  self->m_timer.expires_after(std::chrono::milliseconds(timeout_ms));
  self->m_timer.async_wait([weak = self->weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto s = weak.lock()) s->socket_action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void CurlClient::Impl::socket_action(curl_socket_t fd, int select) {
  int running = 0;
  curl_multi_socket_action(m_multi, fd, select, &running);
  collect_finished();
}

void CurlClient::Impl::collect_finished() {
  bool finished = false;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    auto it = m_transfers.find(easy);
    if (it == m_transfers.end()) continue;
    std::unique_ptr<CurlTransfer> transfer = std::move(it->second);
    m_transfers.erase(it);
    curl_multi_remove_handle(m_multi, easy);
    HttpResponse response = transfer->finish(code);
    complete(transfer->take_callback(), std::move(response));
    finished = true;
  }
  if (finished) start_pending();  // make room for requests waiting for a slot
}

CurlClient::CurlClient(boost::asio::io_context& io, CurlClientOptions options)
    : m_impl(std::make_shared<Impl>(io, std::move(options))) {
  m_impl->init();
}

CurlClient::~CurlClient() = default;

void CurlClient::fetch(HttpRequest request, Callback done) { m_impl->enqueue(std::move(request), std::move(done)); }

void CurlClient::cancel_all() { m_impl->cancel_all("cancel_all()"); }

size_t CurlClient::in_flight() const { return m_impl->in_flight(); }

size_t CurlClient::queued() const { return m_impl->queued(); }

CurlClientStats CurlClient::stats() const { return m_impl->stats(); }

}  // namespace redline
