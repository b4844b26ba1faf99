#include "http/curl_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <vector>

#include "http/curl_transfer.hpp"
#include "util/url.hpp"

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

HttpResponse deferred(const HttpRequest& request, const std::string& origin, const GateDecision& decision) {
  HttpResponse r = failed(FetchError::deferred, "deferred: " + origin + " is blocked until " +
                                                    format_rfc3339(decision.until.value_or(Timestamp{})) + " (" +
                                                    decision.reason + ") [" + request.method + " " + request.url + "]");
  r.retry_at = decision.until;
  return r;
}

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
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

// A request waiting for its origin (or for a transfer slot), in arrival order.
struct WaitingRequest {
  uint64_t seq = 0;
  HttpRequest request;
  HttpClient::Callback done;
};

// A request handed to curl, with the origin the gate counted it under, and whether curl has sent it
// (CURLOPT_PREREQFUNCTION: the connection is ready and the request goes out now).
struct SendWatch {
  CurlClient::Impl* client = nullptr;
  std::string origin;
  bool sent = false;
};
struct ActiveTransfer {
  std::unique_ptr<CurlTransfer> transfer;
  std::string origin;
  std::unique_ptr<SendWatch> send;  // its address is curl's CURLOPT_PREREQDATA
};

class CurlClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::io_context& io, CurlClientOptions options, const Clock& clock)
      : m_io(io),
        m_options(std::move(options)),
        m_clock(clock),
        m_gate(clock, m_options.politeness),
        m_timer(io),
        m_wake(io) {}
  ~Impl();

  void init();
  void enqueue(HttpRequest request, Callback done);
  void start_pending();
  void cancel_all(const std::string& why);
  size_t in_flight() const { return m_transfers.size(); }
  size_t origins_backing_off() const { return m_gate.blocked_origins(); }
  CurlClientStats stats() const {
    std::lock_guard lock(m_pending_mutex);
    return m_stats;
  }
  size_t queued() const {
    std::lock_guard lock(m_pending_mutex);
    return m_pending.size() + m_waiting_total;
  }

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void watch(const std::shared_ptr<WatchedSocket>& socket);
  void on_ready(const std::shared_ptr<WatchedSocket>& socket, int select);
  void socket_action(curl_socket_t fd, int select);
  void collect_finished();
  void complete(Callback done, HttpResponse response);
  void start_transfer(const std::string& origin, HttpRequest request, Callback done);
  static int on_prereq(void* watch, char* remote_ip, char* local_ip, int remote_port, int local_port);
  // The gate learns that a transfer went out, or that it never will.
  void note_sent(SendWatch& watch, bool sent);
  void wake_at(Timestamp at);
  void set_waiting_total(size_t n);

  boost::asio::io_context& m_io;
  CurlClientOptions m_options;
  const Clock& m_clock;
  OriginGate m_gate;
  CURLM* m_multi = nullptr;
  std::string m_init_error;
  boost::asio::steady_timer m_timer;
  std::optional<std::chrono::steady_clock::time_point> m_timer_due;  // when m_timer fires, if armed
  std::unordered_map<curl_socket_t, std::shared_ptr<WatchedSocket>> m_sockets;
  std::unordered_map<CURL*, ActiveTransfer> m_transfers;

  // Requests taken from m_pending that the gate has not admitted yet, per origin (io_context thread).
  std::map<std::string, std::deque<WaitingRequest>> m_waiting;
  uint64_t m_next_seq = 0;
  boost::asio::steady_timer m_wake;  // asks the gate again when a waiting origin opens
  std::optional<Timestamp> m_wake_at;

  // Requests accepted by fetch() (any thread) and not yet added to the multi handle.
  mutable std::mutex m_pending_mutex;
  std::deque<std::pair<HttpRequest, Callback>> m_pending;
  bool m_start_posted = false;  // guarded by m_pending_mutex
  size_t m_waiting_total = 0;   // guarded by m_pending_mutex: the requests in m_waiting
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
  // No CURLMOPT_MAX_HOST_CONNECTIONS: it counts connections per host name, not requests per origin, and
  // with HTTP/2 several requests share one connection. The gate limits requests in flight per origin.
  // curl's connection cache holds the connections in use as well as the idle ones: smaller than the
  // transfers in flight, it closes a connection at every completed transfer instead of reusing it. Idle
  // connections still close after CURLOPT_MAXAGE_CONN (118 s).
  long open_at_once = 0;  // 0: unbounded
  for (const long bound : {m_options.max_connections, static_cast<long>(m_options.max_active_transfers)})
    if (bound > 0) open_at_once = open_at_once > 0 ? std::min(open_at_once, bound) : bound;
  curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, std::max(m_options.max_cached_connections, open_at_once));
  curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long{CURLPIPE_MULTIPLEX});
}

CurlClient::Impl::~Impl() {
  cancel_all("client destroyed");
  m_timer.cancel();
  m_wake.cancel();
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
  std::deque<std::pair<HttpRequest, Callback>> arrived;
  {
    std::lock_guard lock(m_pending_mutex);
    m_start_posted = false;
    arrived.swap(m_pending);
  }
  size_t total = 0;
  for (auto& [request, done] : arrived) {
    std::string origin = url_origin(request.url);
    m_waiting[origin].push_back(WaitingRequest{m_next_seq++, std::move(request), std::move(done)});
  }
  // Ask the gate for the oldest waiting request of each origin, oldest first, until the transfer slots
  // are full. An origin that must wait is skipped for this pass: it does not hold up the others. Only
  // max_active_transfers easy handles exist at a time (each costs ~15 KiB and curl's own queue is slow).
  using Head = std::pair<uint64_t, decltype(m_waiting)::iterator>;
  auto later = [](const Head& a, const Head& b) { return a.first > b.first; };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
  for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) heads.emplace(it->second.front().seq, it);
  std::optional<Timestamp> wake;
  const size_t limit = m_options.max_active_transfers;
  while (!heads.empty() && (limit == 0 || m_transfers.size() < limit)) {
    auto it = heads.top().second;
    heads.pop();
    const GateDecision decision = m_gate.admit(it->first, it->second.front().request.origin_taken_at);
    if (decision.kind == GateDecision::Kind::wait) {
      if (decision.until && (!wake || *decision.until < *wake)) wake = decision.until;
      continue;  // asked again at `until`, or when a request of this origin finishes
    }
    WaitingRequest next = std::move(it->second.front());
    it->second.pop_front();
    if (decision.kind == GateDecision::Kind::go)
      start_transfer(it->first, std::move(next.request), std::move(next.done));
    else
      complete(std::move(next.done), deferred(next.request, it->first, decision));
    if (!it->second.empty()) heads.emplace(it->second.front().seq, it);
  }
  std::erase_if(m_waiting, [&total](const auto& entry) {
    total += entry.second.size();
    return entry.second.empty();
  });
  set_waiting_total(total);
  if (wake) wake_at(*wake);
}

void CurlClient::Impl::start_transfer(const std::string& origin, HttpRequest request, Callback done) {
  auto transfer = std::make_unique<CurlTransfer>(std::move(request), std::move(done));
  std::string error = m_init_error;
  if (m_multi == nullptr || !transfer->configure(m_options, error)) {
    m_gate.sent(origin, false);
    m_gate.cancelled(origin);
    complete(transfer->take_callback(), failed(FetchError::other, error + " [" + transfer->request().url + "]"));
    return;
  }
  CURL* easy = transfer->easy();
  auto send = std::make_unique<SendWatch>(SendWatch{this, origin});
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &Impl::on_prereq);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, send.get());
  CURLMcode mc = curl_multi_add_handle(m_multi, easy);
  if (mc != CURLM_OK) {
    m_gate.sent(origin, false);
    m_gate.cancelled(origin);
    complete(transfer->take_callback(),
             failed(FetchError::other, std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)));
    return;
  }
  m_transfers.emplace(easy, ActiveTransfer{std::move(transfer), origin, std::move(send)});
  std::lock_guard lock(m_pending_mutex);
  ++m_stats.started;
}

int CurlClient::Impl::on_prereq(void* watch, char*, char*, int, int) {
  auto* w = static_cast<SendWatch*>(watch);
  w->client->note_sent(*w, true);
  return CURL_PREREQFUNC_OK;
}

void CurlClient::Impl::note_sent(SendWatch& watch, bool sent) {
  if (watch.sent) return;  // a redirect's next request: the spacing ran from the first
  watch.sent = true;
  m_gate.sent(watch.origin, sent);
  // The origin's next request may go one spacing from now: ask the gate again (not from inside curl).
  boost::asio::post(m_io, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->start_pending();
  });
}

void CurlClient::Impl::set_waiting_total(size_t n) {
  std::lock_guard lock(m_pending_mutex);
  m_waiting_total = n;
}

void CurlClient::Impl::wake_at(Timestamp at) {
  if (m_wake_at && *m_wake_at <= at) return;  // an earlier wake-up is armed; it re-arms for the rest
  m_wake_at = at;
  m_wake.expires_after(std::max(Duration(0), at - m_clock.now()));
  m_wake.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) {
      self->m_wake_at.reset();
      self->start_pending();
    }
  });
}

void CurlClient::Impl::cancel_all(const std::string& why) {
  std::deque<std::pair<HttpRequest, Callback>> pending;
  {
    std::lock_guard lock(m_pending_mutex);
    pending.swap(m_pending);
    m_waiting_total = 0;
  }
  auto cancelled = [&why](const HttpRequest& request) {
    return failed(FetchError::other, "cancelled: " + why + " [" + request.url + "]");
  };
  for (auto& [request, done] : pending)  // fetch()ed, not looked at yet
    complete(std::move(done), cancelled(request));
  auto waiting = std::move(m_waiting);
  m_waiting.clear();
  m_wake.cancel();
  m_wake_at.reset();
  for (auto& [origin, queue] : waiting)  // waiting for their origin or a slot
    for (auto& w : queue) complete(std::move(w.done), cancelled(w.request));
  auto transfers = std::move(m_transfers);
  m_transfers.clear();
  for (auto& [easy, active] : transfers) {
    curl_multi_remove_handle(m_multi, easy);
    note_sent(*active.send, false);
    m_gate.cancelled(active.origin);
    complete(active.transfer->take_callback(), cancelled(active.transfer->request()));
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
    if (self->m_timer_due) self->m_timer.cancel();
    self->m_timer_due.reset();
    return 0;
  }
  // A timer armed to fire earlier stays: firing early only makes curl ask again for the time it
  // wants (curl asks for a new time after almost every socket event; re-arming costs a system call).
  const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  if (self->m_timer_due && *self->m_timer_due <= due) return 0;
  self->m_timer_due = due;
  // Never call back into curl from here: even a 0 ms timeout goes through the io_context.
  self->m_timer.expires_at(due);
  self->m_timer.async_wait([weak = self->weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto s = weak.lock()) {
      s->m_timer_due.reset();
      s->socket_action(CURL_SOCKET_TIMEOUT, 0);
    }
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
    ActiveTransfer active = std::move(it->second);
    m_transfers.erase(it);
    curl_multi_remove_handle(m_multi, easy);
    HttpResponse response = active.transfer->finish(code);
    note_sent(*active.send, false);  // failed before it was sent (connect, DNS): frees the origin's turn
    response.retry_at = m_gate.finished(active.origin, response);
    complete(active.transfer->take_callback(), std::move(response));
    finished = true;
  }
  if (finished) start_pending();  // slots and origins opened up for waiting requests
}

CurlClient::CurlClient(boost::asio::io_context& io, CurlClientOptions options)
    : CurlClient(io, std::move(options), system_clock()) {}

CurlClient::CurlClient(boost::asio::io_context& io, CurlClientOptions options, const Clock& clock)
    : m_impl(std::make_shared<Impl>(io, std::move(options), clock)) {
  m_impl->init();
}

CurlClient::~CurlClient() = default;

void CurlClient::fetch(HttpRequest request, Callback done) { m_impl->enqueue(std::move(request), std::move(done)); }

void CurlClient::cancel_all() { m_impl->cancel_all("cancel_all()"); }

size_t CurlClient::in_flight() const { return m_impl->in_flight(); }

size_t CurlClient::queued() const { return m_impl->queued(); }

CurlClientStats CurlClient::stats() const { return m_impl->stats(); }

size_t CurlClient::origins_backing_off() const { return m_impl->origins_backing_off(); }

}  // namespace redline
