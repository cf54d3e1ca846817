// The HTTP/1.1 + WebSocket server of http_server.hpp on Boost.Beast: the one
// translation unit that pays Beast's compile cost (keep it that way).
//
// Shape: one io_context run by `io_threads` threads; each connection is a
// session on its own strand (plain or TLS, one template each for HTTP and
// WebSocket). Requests go to the handler on the strand; its reply comes back
// from any thread through a `reply_state` that posts to the strand. A
// `liveness` flag, cleared under its mutex before the io_context is
// destroyed, keeps late replies and sends from touching a dead io_context.
#include <utility> // first: Boost 1.74 asio needs std::exchange under g++ 12 -std=c++20

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <pthread.h>

#include "drivers/api/http_server.hpp"
#include "drivers/api/http_text.hpp"

namespace hotline::drivers::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

constexpr auto linger_time = std::chrono::seconds(1);
constexpr std::size_t max_close_reason = 123; // RFC 6455: 125-byte control payload, 2 for the code

/// Cleared (under `m`) before the io_context is destroyed: whoever posts to
/// a session from outside the I/O threads checks it first.
struct liveness {
  std::mutex m;
  bool alive = true;
};

/// Anything that `stop` must close: called on the session's strand.
class session_base {
public:
  virtual ~session_base() = default;
  virtual void shutdown() = 0;
};

std::string endpoint_text(const tcp::endpoint& e) {
  const auto a = e.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(e.port());
}

http_response error_response(int status, std::string_view code, std::string_view detail) {
  http_response r;
  r.status = status;
  r.body = json_error(code, detail);
  return r;
}

/// Beast 1.74 speaks boost::string_view.
std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_json(std::string_view content_type) {
  return lower(content_type.substr(0, content_type.find(';'))).ends_with("json");
}

/// A reason why a handler's reply cannot be sent as it is, or empty.
std::string invalid_reply(const http_response& r) {
  if (r.status < 200 || r.status > 599)
    return "status " + std::to_string(r.status) + " is outside 200..599";
  if (!header_text_is_safe(r.content_type)) return "content type holds CR, LF or NUL";
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || !header_text_is_safe(name) || name.find(':') != std::string::npos ||
        name.find(' ') != std::string::npos)
      return "header name '" + json_escape(name) + "' is not a token";
    if (!header_text_is_safe(value)) return "header '" + name + "' holds CR, LF or NUL";
  }
  return {};
}

} // namespace

struct http_server::impl {
  server_options opt;
  request_handler& handler;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  std::shared_ptr<liveness> live = std::make_shared<liveness>();
  std::uint16_t bound_port = 0;
  std::string base_url;

  std::atomic<std::uint64_t> connections_open{0}, websockets_open{0}, requests{0},
      rejected_too_large{0}, rejected_malformed{0}, timeouts{0}, connections_accepted{0},
      rejected_busy{0};

  std::mutex sessions_m;
  bool stopping = false; // under sessions_m
  std::atomic<bool> stopping_now{false};
  bool stopping_flag() const { return stopping_now.load(); }
  std::unordered_map<session_base*, std::weak_ptr<session_base>> sessions;

  std::mutex stop_m; // serialises stop()
  bool stopped = false;
  std::mutex threads_m;
  std::condition_variable threads_cv;
  int threads_running = 0;

  impl(server_options o, request_handler& h) : opt(std::move(o)), handler(h) {}

  /// Registers a session for `stop`; during a stop it is shut down at once.
  void enrol(const std::shared_ptr<session_base>& s) {
    std::lock_guard lock{sessions_m};
    if (stopping) {
      asio::post(*ioc, [s] { s->shutdown(); });
      return;
    }
    sessions.emplace(s.get(), s);
  }
  void leave(session_base* s) {
    std::lock_guard lock{sessions_m};
    sessions.erase(s);
  }

  void accept();
  void on_accept(error_code ec, tcp::socket socket);
};

namespace {

using server_impl = http_server::impl;

/// Counts one open connection; moves with the connection from its HTTP
/// session to its WebSocket session.
class connection_token {
public:
  connection_token() = default;
  explicit connection_token(std::atomic<std::uint64_t>* c) : c_(c) {
    if (c_) ++*c_;
  }
  connection_token(connection_token&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  connection_token& operator=(connection_token&& o) noexcept {
    if (this != &o) {
      release();
      c_ = std::exchange(o.c_, nullptr);
    }
    return *this;
  }
  ~connection_token() { release(); }

private:
  void release() {
    if (c_) --*c_;
    c_ = nullptr;
  }
  std::atomic<std::uint64_t>* c_ = nullptr;
};

/// The reply path of one request, shared by every copy of its reply_fn.
class reply_target {
public:
  virtual ~reply_target() = default;
  /// Called on any thread; posts to the session's strand.
  virtual void deliver(std::uint64_t seq, http_response r) = 0;
};

struct reply_state {
  std::atomic<bool> done{false};
  std::weak_ptr<reply_target> target;
  std::shared_ptr<liveness> live;
  std::uint64_t seq = 0;

  void deliver(http_response r) {
    std::lock_guard lock{live->m};
    if (!live->alive) return;
    if (auto t = target.lock()) t->deliver(seq, std::move(r));
  }
  ~reply_state() {
    if (!done.exchange(true))
      deliver(error_response(500, "internal_error", "the handler dropped the request"));
  }
};

// ---------------------------------------------------------------------------
// WebSocket

/// The application's handle on one WebSocket: the bounded queue lives here,
/// so that it may outlive the session (and the server) safely.
class ws_handle;

class ws_session_base : public session_base {
public:
  /// The session's strand. Only a live session hands it out: a copy kept
  /// past the io_context would outlive the strand it refers to.
  virtual asio::any_io_executor executor() = 0;
  /// On the strand: start writing what is queued (or the pending close).
  virtual void kick_write() = 0;
  virtual void overflowed() = 0;
  virtual void request_close(std::uint16_t code, std::string reason) = 0;
};

class ws_handle final : public ws_connection {
public:
  ws_handle(std::size_t max_pending, std::shared_ptr<liveness> live)
      : max_pending_(max_pending), live_(std::move(live)) {}

  void attach(std::weak_ptr<ws_session_base> s) { session_ = std::move(s); }

  bool send(std::string text) override {
    std::unique_lock lock{m_};
    if (closed_) return false;
    // The bound counts the frames queued behind the oldest unsent one, so a
    // frame larger than the bound (the snapshot of a large tenant's feed)
    // is still sent when it is first in line, and cannot be dropped by the
    // small frames that follow it while it waits to be written.
    const std::size_t head = queue_.empty() ? 0 : queue_.front().size();
    const std::size_t behind = pending_ - in_flight_ - head;
    if (!queue_.empty() && behind + text.size() > max_pending_) {
      for (const auto& q : queue_)
        pending_ -= q.size();
      queue_.clear();
      lock.unlock();
      post([](ws_session_base& s) { s.overflowed(); });
      return false;
    }
    pending_ += text.size();
    queue_.push_back(std::move(text));
    if (!kick_posted_) {
      kick_posted_ = true;
      lock.unlock();
      post([](ws_session_base& s) { s.kick_write(); });
    }
    return true;
  }

  void close(std::uint16_t code, std::string reason) override {
    {
      std::lock_guard lock{m_};
      if (closed_) return;
      closed_ = true;
    }
    if (reason.size() > max_close_reason) reason.resize(max_close_reason);
    post([code, reason = std::move(reason)](ws_session_base& s) mutable {
      s.request_close(code, std::move(reason));
    });
  }

  std::size_t pending_bytes() const override {
    std::lock_guard lock{m_};
    return pending_;
  }

  // The session's side (on its strand).
  /// The next frame to write, or nullopt; clears the "kick posted" mark.
  std::optional<std::string> next() {
    std::lock_guard lock{m_};
    kick_posted_ = false;
    if (queue_.empty()) return std::nullopt;
    auto t = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = t.size();
    return t; // stays counted in pending_ until written
  }
  void written(std::size_t n) {
    std::lock_guard lock{m_};
    pending_ -= std::min(n, pending_);
    in_flight_ -= std::min(n, in_flight_);
  }
  /// No more sends; with `drop`, the queue is dropped too.
  void seal(bool drop) {
    std::lock_guard lock{m_};
    closed_ = true;
    if (drop) {
      for (const auto& q : queue_)
        pending_ -= q.size();
      queue_.clear();
    }
  }
  void finished() {
    std::lock_guard lock{m_};
    closed_ = true;
    queue_.clear();
    pending_ = 0;
    in_flight_ = 0;
  }

private:
  template <class F> void post(F f) {
    std::lock_guard lock{live_->m};
    if (!live_->alive) return;
    if (auto s = session_.lock())
      asio::post(s->executor(), [s, f = std::move(f)]() mutable { f(*s); });
  }

  const std::size_t max_pending_;
  std::shared_ptr<liveness> live_;
  std::weak_ptr<ws_session_base> session_;
  mutable std::mutex m_;
  std::deque<std::string> queue_;
  std::size_t pending_ = 0;
  std::size_t in_flight_ = 0; ///< of pending_: the frame being written (taken by next())
  bool kick_posted_ = false;
  bool closed_ = false;
};

template <class Stream>
class ws_session final : public ws_session_base,
                         public std::enable_shared_from_this<ws_session<Stream>> {
public:
  ws_session(server_impl& srv, Stream&& stream, connection_token token,
             std::shared_ptr<ws_handler> app)
      : srv_(srv), ws_(std::move(stream)), token_(std::move(token)), app_(std::move(app)),
        handle_(std::make_shared<ws_handle>(srv.opt.ws_max_pending_bytes, srv.live)),
        close_timer_(ws_.get_executor()) {}

  ~ws_session() override {
    srv_.leave(this);
    finish(); // abandoned by a stop that timed out: the application still hears on_close
  }

  void run(http::request<http::string_body> req) {
    handle_->attach(this->weak_from_this());
    srv_.enrol(this->shared_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "hotline"); }));
    ws_.read_message_max(srv_.opt.ws_max_message_bytes);
    ws_.text(true);
    beast::get_lowest_layer(ws_).expires_never(); // the WebSocket timeouts take over
    ws_.async_accept(req,
                     [self = this->shared_from_this()](error_code ec) { self->on_accept(ec); });
  }

  asio::any_io_executor executor() override { return ws_.get_executor(); }

  void shutdown() override {
    handle_->seal(true);
    request_close(websocket::close_code::going_away, "server stopping");
  }

  void kick_write() override {
    if (writing_ || finished_ || close_started_) return;
    auto next = handle_->next();
    if (!next) {
      if (close_requested_) start_close();
      return;
    }
    out_ = std::move(*next);
    writing_ = true;
    ws_.async_write(asio::buffer(out_), [self = this->shared_from_this()](
                                            error_code ec, std::size_t) { self->on_write(ec); });
  }

  void overflowed() override {
    if (opened_ && !finished_) guarded([this] { app_->on_overflow(); });
  }

  void request_close(std::uint16_t code, std::string reason) override {
    if (close_requested_ || finished_) return;
    handle_->seal(false);
    close_requested_ = true;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    close_timer_.expires_after(srv_.opt.ws_close_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->hard_close();
    });
    if (!opened_) return; // the handshake is still running: on_accept starts the close
    kick_write();
  }

private:
  void on_accept(error_code ec) {
    if (ec) return hard_close();
    ++srv_.websockets_open;
    counted_ = true;
    opened_ = true;
    guarded([this] { app_->on_open(handle_); });
    do_read();
    if (close_requested_) kick_write();
  }

  /// A handler that throws must not take the I/O thread down: its socket closes instead.
  template <class F> void guarded(F f) {
    try {
      f();
    } catch (...) {
      hard_close();
    }
  }

  void do_read() {
    ws_.async_read(
        in_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) {
      finish();
      return hard_close();
    }
    if (!ws_.got_text()) {
      in_.consume(in_.size());
      if (!close_requested_) request_close(websocket::close_code::unknown_data, "text frames only");
      return do_read();
    }
    auto text = beast::buffers_to_string(in_.data());
    in_.consume(in_.size());
    if (!close_requested_ && !finished_) guarded([&] { app_->on_message(std::move(text)); });
    do_read();
  }

  void on_write(error_code ec) {
    writing_ = false;
    handle_->written(out_.size());
    out_.clear();
    if (ec) return hard_close();
    kick_write();
  }

  void start_close() {
    close_started_ = true;
    ws_.async_close(close_reason_, [self = this->shared_from_this()](error_code) {
      // The read loop sees the peer's answer (or the teardown) and finishes.
      self->close_timer_.cancel();
    });
  }

  void hard_close() {
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
    close_timer_.cancel();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    handle_->finished();
    if (counted_) --srv_.websockets_open;
    counted_ = false;
    try {
      app_->on_close();
    } catch (...) {
      // A handler that throws must not take the I/O thread down.
    }
  }

  server_impl& srv_;
  websocket::stream<Stream> ws_;
  connection_token token_;
  std::shared_ptr<ws_handler> app_;
  std::shared_ptr<ws_handle> handle_;
  asio::steady_timer close_timer_;
  beast::flat_buffer in_;
  std::string out_;
  websocket::close_reason close_reason_;
  bool writing_ = false, opened_ = false, counted_ = false, finished_ = false,
       close_requested_ = false, close_started_ = false;
};

// ---------------------------------------------------------------------------
// HTTP

template <class Stream> constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
class http_session final : public session_base,
                           public reply_target,
                           public std::enable_shared_from_this<http_session<Stream>> {
public:
  http_session(server_impl& srv, Stream&& stream, connection_token token, std::string remote,
               bool busy)
      : srv_(srv), stream_(std::move(stream)), token_(std::move(token)), remote_(std::move(remote)),
        busy_(busy), read_timer_(stream_.get_executor()), reply_timer_(stream_.get_executor()) {}

  ~http_session() override { srv_.leave(this); }

  void run() {
    srv_.enrol(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void shutdown() override {
    if (closed_) return;
    awaiting_ = false;
    close_now();
  }

  void deliver(std::uint64_t seq, http_response r) override {
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this(), seq, r = std::move(r)]() mutable {
                 self->on_reply(seq, std::move(r));
               });
  }

private:
  using parser_type = http::request_parser<http::string_body>;

  void begin() {
    if constexpr (is_tls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(srv_.opt.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return self->close_now();
                                beast::get_lowest_layer(self->stream_).expires_never();
                                self->after_handshake();
                              });
    } else {
      after_handshake();
    }
  }

  void after_handshake() {
    if (busy_) {
      ++srv_.rejected_busy;
      auto r = error_response(503, "server_busy",
                              "the server has reached its connection limit (" +
                                  std::to_string(srv_.opt.max_connections) + "); retry later");
      r.headers.emplace_back("Retry-After", "1");
      return respond(std::move(r), true);
    }
    read_request();
  }

  // Reading ------------------------------------------------------------

  void arm_read_timer(std::chrono::milliseconds d) {
    const auto gen = ++read_gen_;
    timed_out_ = false;
    read_timer_.expires_after(d);
    read_timer_.async_wait([self = this->shared_from_this(), gen](error_code ec) {
      if (ec || gen != self->read_gen_) return;
      self->timed_out_ = true;
      error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
    });
  }
  /// True when the read finished by the read timer rather than by itself.
  bool read_done() {
    ++read_gen_;
    read_timer_.cancel();
    return std::exchange(timed_out_, false);
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        srv_.opt.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(srv_.opt.max_body_bytes);
    if (first_ || buffer_.size() > 0) {
      first_ = false;
      return read_header();
    }
    // Keep-alive: idle_timeout for the first byte, then read_timeout for the request.
    arm_read_timer(srv_.opt.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              const bool timed_out = self->read_done();
                              if (ec || timed_out)
                                return self->close_now(); // idle, or the client left
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    arm_read_timer(srv_.opt.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec) return on_read_error(ec, read_done());
    auto& req = parser_->get();
    const auto expect = req[http::field::expect];
    if (!parser_->is_done() && req.version() == 11 && beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(cont.data(), cont.size()),
                        [self = this->shared_from_this()](error_code ec, std::size_t) {
                          if (ec) {
                            self->read_done();
                            return self->close_now();
                          }
                          self->read_body();
                        });
      return;
    }
    if (parser_->is_done()) {
      read_done();
      return on_request();
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                       const bool timed_out = self->read_done();
                       if (ec) return self->on_read_error(ec, timed_out);
                       self->on_request();
                     });
  }

  void on_read_error(error_code ec, bool timed_out) {
    if (timed_out) {
      if (buffer_.size() == 0 && !parser_->got_some()) return close_now();
      ++srv_.timeouts;
      return respond(error_response(408, "request_timeout",
                                    "the request did not arrive within " +
                                        std::to_string(srv_.opt.read_timeout.count()) + " ms"),
                     true);
    }
    if (ec == http::error::body_limit) {
      ++srv_.rejected_too_large;
      return respond(error_response(413, "body_too_large",
                                    "the request body exceeds the limit of " +
                                        std::to_string(srv_.opt.max_body_bytes) + " bytes"),
                     true);
    }
    if (ec == http::error::header_limit) {
      ++srv_.rejected_too_large;
      return respond(error_response(431, "header_too_large",
                                    "the request line and headers exceed the limit of " +
                                        std::to_string(srv_.opt.max_header_bytes) + " bytes"),
                     true);
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return malformed("the request does not parse: " + ec.message());
    }
    close_now(); // the client left (EOF, reset, TLS failure) or we are stopping
  }

  void malformed(std::string detail) {
    ++srv_.rejected_malformed;
    respond(error_response(400, "malformed_request", detail), true);
  }

  // Handing over ------------------------------------------------------

  void on_request() {
    auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;

    http_request r;
    r.method = std::string{sv(req.method_string())};
    r.target = std::string{sv(req.target())};
    r.remote = remote_;
    r.tls = is_tls<Stream>;
    if (version_ >= 11 && req.find(http::field::host) == req.end())
      return malformed("an HTTP/1.1 request needs a Host header");
    if (r.target.empty() || r.target.front() != '/')
      return malformed("the request target must start with '/' (origin form), not '" +
                       r.target.substr(0, 64) + "'");
    const auto q = r.target.find('?');
    auto path = percent_decode(std::string_view{r.target}.substr(0, q), false);
    if (!path) return malformed("the path has a bad percent-encoding (or an encoded NUL)");
    r.path = std::move(*path);
    if (q != std::string::npos) {
      auto query = parse_query(std::string_view{r.target}.substr(q + 1));
      if (!query) return malformed("the query has a bad percent-encoding (or an encoded NUL)");
      r.query = std::move(*query);
    }
    for (const auto& f : req) {
      auto name = lower(sv(f.name_string()));
      auto [it, fresh] = r.headers.try_emplace(std::move(name), std::string{sv(f.value())});
      if (!fresh) (it->second += it->first == "cookie" ? "; " : ", ") += sv(f.value());
    }
    ++srv_.requests;

    if (websocket::is_upgrade(req)) return upgrade(r);

    r.body = std::move(req.body());
    const auto seq = ++seq_;
    awaiting_ = true;
    reply_timer_.expires_after(srv_.opt.reply_timeout);
    reply_timer_.async_wait([self = this->shared_from_this(), seq](error_code ec) {
      if (ec || !self->awaiting_ || seq != self->seq_) return;
      ++self->srv_.timeouts;
      self->awaiting_ = false;
      self->respond(error_response(504, "reply_timeout",
                                   "no reply within " +
                                       std::to_string(self->srv_.opt.reply_timeout.count()) +
                                       " ms"),
                    true);
    });
    auto state = std::make_shared<reply_state>();
    state->target = this->weak_from_this();
    state->live = srv_.live;
    state->seq = seq;
    reply_fn reply = [state](http_response res) {
      if (!state->done.exchange(true)) state->deliver(std::move(res));
    };
    try {
      srv_.handler.on_request(std::move(r), std::move(reply));
    } catch (const std::exception& e) {
      deliver(seq, error_response(500, "internal_error",
                                  std::string{"the handler failed: "} + e.what()));
    } catch (...) {
      deliver(seq, error_response(500, "internal_error", "the handler failed"));
    }
  }

  void on_reply(std::uint64_t seq, http_response r) {
    if (!awaiting_ || seq != seq_ || closed_) return;
    awaiting_ = false;
    reply_timer_.cancel();
    respond(std::move(r), false);
  }

  void upgrade(const http_request& r) {
    auto refusal = error_response(403, "forbidden", "WebSocket upgrade refused");
    std::shared_ptr<ws_handler> app;
    try {
      app = srv_.handler.on_upgrade(r, refusal);
    } catch (const std::exception& e) {
      return respond(
          error_response(500, "internal_error", std::string{"the handler failed: "} + e.what()),
          true);
    } catch (...) {
      return respond(error_response(500, "internal_error", "the handler failed"), true);
    }
    if (!app) {
      if (refusal.status < 400) refusal.status = 403;
      return respond(std::move(refusal), false);
    }
    closed_ = true; // this session hands its stream over and ends here
    std::make_shared<ws_session<Stream>>(srv_, std::move(stream_), std::move(token_),
                                         std::move(app))
        ->run(parser_->release());
  }

  // Writing -----------------------------------------------------------

  void respond(http_response r, bool close_after) {
    if (closed_) return;
    if (auto why = invalid_reply(r); !why.empty())
      r = error_response(500, "internal_error", "the handler's reply is invalid: " + why);
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty()) res_.set(http::field::content_type, r.content_type);
    bool has_cache_control = false;
    for (auto& [name, value] : r.headers) {
      const auto l = lower(name);
      if (l == "content-length" || l == "transfer-encoding") continue; // framing is ours
      if (l == "connection") {
        if (beast::iequals(value, "close")) close_after = true;
        continue;
      }
      if (l == "cache-control") has_cache_control = true;
      res_.insert(name, value);
    }
    if (!has_cache_control && is_json(r.content_type))
      res_.set(http::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set("Referrer-Policy", "no-referrer");
    close_after_ = close_after || !keep_alive_ || srv_.stopping_flag();
    res_.keep_alive(!close_after_);
    if (r.status == 204 || r.status == 304) {
      r.body.clear();
    }
    if (head_) {
      res_.content_length(r.body.size());
    } else {
      res_.body() = std::move(r.body);
      if (r.status != 204 && r.status != 304) res_.prepare_payload();
    }
    beast::get_lowest_layer(stream_).expires_after(srv_.opt.read_timeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_written(ec);
    });
  }

  void on_written(error_code ec) {
    beast::get_lowest_layer(stream_).expires_never();
    if (ec || closed_) return close_now();
    if (close_after_) return linger();
    head_ = false;
    read_request();
  }

  /// Closes after a final response without losing it: let the rest of the
  /// client's request arrive (and drop it) for a moment, then close. A close
  /// with unread bytes would reset the connection, and a client still
  /// sending its body would see the reset instead of the response.
  void linger() {
    beast::get_lowest_layer(stream_).expires_after(linger_time);
    if constexpr (!is_tls<Stream>) {
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                              if (ec) return self->close_now();
                              self->drain();
                            });
  }

  void close_now() {
    closed_ = true;
    error_code ignored;
    read_timer_.cancel();
    reply_timer_.cancel();
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    sock.close(ignored);
  }

  server_impl& srv_;
  Stream stream_;
  connection_token token_;
  std::string remote_;
  bool busy_;
  asio::steady_timer read_timer_, reply_timer_;
  beast::flat_buffer buffer_;
  std::optional<parser_type> parser_;
  http::response<http::string_body> res_;
  std::array<char, 4096> discard_;
  std::uint64_t read_gen_ = 0, seq_ = 0;
  unsigned version_ = 11;
  bool first_ = true, timed_out_ = false, keep_alive_ = true, head_ = false, awaiting_ = false,
       close_after_ = false, closed_ = false;
};

} // namespace

// ---------------------------------------------------------------------------
// Accepting

void http_server::impl::accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [this](error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void http_server::impl::on_accept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
  if (ec) {
    // Out of descriptors or a transient failure: try again shortly, not in a hot loop.
    accept_retry->expires_after(std::chrono::milliseconds(100));
    accept_retry->async_wait([this](error_code e) {
      if (!e && acceptor->is_open()) accept();
    });
    return;
  }
  ++connections_accepted;
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const auto peer = socket.remote_endpoint(ignored);
  const bool busy = connections_open.load() >= opt.max_connections;
  connection_token token{busy ? nullptr : &connections_open};
  if (tls) {
    using stream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<http_session<stream>>(*this,
                                           stream{beast::tcp_stream{std::move(socket)}, *tls},
                                           std::move(token), endpoint_text(peer), busy)
        ->run();
  } else {
    std::make_shared<http_session<beast::tcp_stream>>(*this, beast::tcp_stream{std::move(socket)},
                                                      std::move(token), endpoint_text(peer), busy)
        ->run();
  }
  accept();
}

// ---------------------------------------------------------------------------
// Start and stop

namespace {

std::string readable_file(const std::string& option, const std::string& path) {
  std::ifstream f{path, std::ios::binary};
  if (!f) return option + ": cannot read '" + path + "': " + std::strerror(errno);
  return {};
}

int no_password(char*, int, int, void*) {
  return 0;
}

/// The oldest queued OpenSSL error, as text.
std::string openssl_error() {
  const auto e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "invalid";
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

std::string ssl_error_text(const error_code& ec) {
  auto m = ec.message();
  return m.empty() ? "invalid" : m;
}

/// The TLS context of `o`, or an error naming the option and file.
std::variant<ssl::context, std::string> make_tls(const server_options& o) {
  if (o.tls_cert.empty() != o.tls_key.empty())
    return std::string{"tls_cert and tls_key: set both (HTTPS) or neither (plain HTTP); only "} +
           (o.tls_cert.empty() ? "tls_key" : "tls_cert") + " is set";
  if (auto e = readable_file("tls_cert", o.tls_cert); !e.empty()) return e;
  if (auto e = readable_file("tls_key", o.tls_key); !e.empty()) return e;
  ssl::context ctx{ssl::context::tls_server};
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  // An encrypted key must fail to load, never prompt on the terminal.
  ctx.set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string{}; });
  error_code ec;
  ctx.use_certificate_chain_file(o.tls_cert, ec);
  if (ec)
    return "tls_cert: '" + o.tls_cert + "' is not a PEM certificate chain: " + ssl_error_text(ec);
  // Read the key apart from the certificate: "not a key" and "not this
  // certificate's key" are different mistakes with different fixes.
  std::unique_ptr<FILE, int (*)(FILE*)> file{std::fopen(o.tls_key.c_str(), "rb"), &std::fclose};
  if (!file) return "tls_key: cannot read '" + o.tls_key + "': " + std::strerror(errno);
  ERR_clear_error();
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key{
      PEM_read_PrivateKey(file.get(), nullptr, no_password, nullptr), &EVP_PKEY_free};
  if (!key)
    return "tls_key: '" + o.tls_key + "' is not an unencrypted PEM private key: " + openssl_error();
  if (SSL_CTX_use_PrivateKey(ctx.native_handle(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return "tls_key: '" + o.tls_key + "' does not match the certificate of tls_cert '" +
           o.tls_cert + "'";
  return ctx;
}

} // namespace

std::variant<std::unique_ptr<http_server>, std::string> http_server::start(server_options o,
                                                                           request_handler& h) {
  if (o.io_threads < 1 || o.io_threads > 64)
    return "io_threads: " + std::to_string(o.io_threads) + " is not from 1 to 64";
  if (o.max_connections == 0) return std::string{"max_connections: must be at least 1"};
  if (o.max_header_bytes == 0) return std::string{"max_header_bytes: must be at least 1"};
  if (o.read_timeout.count() <= 0 || o.idle_timeout.count() <= 0 || o.reply_timeout.count() <= 0 ||
      o.ws_close_timeout.count() <= 0)
    return std::string{
        "read_timeout, idle_timeout, reply_timeout, ws_close_timeout: must be positive"};
  auto where = parse_listen(o.listen);
  if (auto* e = std::get_if<std::string>(&where)) return *e;
  const auto addr = std::get<listen_address>(where);

  auto p = std::make_unique<impl>(std::move(o), h);
  p->ioc = std::make_unique<asio::io_context>(p->opt.io_threads);
  const bool tls = !p->opt.tls_cert.empty() || !p->opt.tls_key.empty();
  if (tls) {
    auto ctx = make_tls(p->opt);
    if (auto* e = std::get_if<std::string>(&ctx)) return *e;
    p->tls.emplace(std::move(std::get<ssl::context>(ctx)));
  }

  error_code ec;
  tcp::endpoint endpoint;
  const auto ip = asio::ip::make_address(addr.host, ec);
  if (!ec) {
    endpoint = {ip, addr.port};
  } else {
    tcp::resolver resolver{*p->ioc};
    const auto found =
        resolver.resolve(addr.host, std::to_string(addr.port), tcp::resolver::numeric_service, ec);
    if (ec || found.empty())
      return "listen: cannot resolve '" + addr.host + "': " + (ec ? ec.message() : "no address");
    endpoint = found.begin()->endpoint();
  }
  const auto a = endpoint.address();
  if (!tls && !a.is_loopback() && !p->opt.allow_plain_remote)
    return "listen: plain HTTP on the non-loopback address " + a.to_string() +
           " is refused: set tls_cert and tls_key for HTTPS, or allow_plain_remote";

  auto& acc = p->acceptor.emplace(asio::make_strand(*p->ioc));
  const auto bind_error = [&](const char* what) {
    return "listen: cannot " + std::string{what} + " " + endpoint_text(endpoint) + ": " +
           ec.message();
  };
  if (acc.open(endpoint.protocol(), ec)) return bind_error("open a socket for");
  if (acc.set_option(asio::socket_base::reuse_address(true), ec)) return bind_error("configure");
  if (acc.bind(endpoint, ec)) return bind_error("bind");
  if (acc.listen(asio::socket_base::max_listen_connections, ec)) return bind_error("listen on");
  p->bound_port = acc.local_endpoint(ec).port();
  p->accept_retry.emplace(acc.get_executor());

  std::string host = a.to_string();
  if (a.is_unspecified()) host = a.is_v6() ? "::1" : "127.0.0.1";
  if (a.is_v6()) host = "[" + host + "]";
  p->base_url =
      std::string{tls ? "https" : "http"} + "://" + host + ":" + std::to_string(p->bound_port);

  p->accept();
  p->threads_running = p->opt.io_threads;
  for (int i = 0; i < p->opt.io_threads; ++i) {
    p->threads.emplace_back([raw = p.get()] {
      pthread_setname_np(pthread_self(), "hotline-http");
      for (;;) {
        try {
          raw->ioc->run();
          break;
        } catch (...) {
          // A handler threw through asio: keep serving the other connections.
        }
      }
      std::lock_guard lock{raw->threads_m};
      --raw->threads_running;
      raw->threads_cv.notify_all();
    });
  }
  return std::unique_ptr<http_server>(new http_server(std::move(p)));
}

http_server::http_server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

http_server::~http_server() {
  stop();
}

std::uint16_t http_server::port() const {
  return impl_->bound_port;
}

std::string http_server::url() const {
  return impl_->base_url;
}

void http_server::stop() {
  auto& p = *impl_;
  std::lock_guard stop_lock{p.stop_m};
  if (p.stopped) return;
  p.stopped = true;

  asio::post(p.acceptor->get_executor(), [&p] {
    error_code ignored;
    p.acceptor->close(ignored);
    p.accept_retry->cancel();
  });
  std::vector<std::shared_ptr<session_base>> open;
  {
    std::lock_guard lock{p.sessions_m};
    p.stopping = true;
    p.stopping_now = true;
    for (auto& [raw, weak] : p.sessions)
      if (auto s = weak.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open)
    asio::post(*p.ioc, [s] { s->shutdown(); });
  open.clear();

  // Every session ends by itself (WebSockets within ws_close_timeout); past
  // that, abandon what is left: destroying the io_context destroys it.
  {
    std::unique_lock lock{p.threads_m};
    if (!p.threads_cv.wait_for(lock, p.opt.ws_close_timeout + std::chrono::seconds(1),
                               [&p] { return p.threads_running == 0; }))
      p.ioc->stop();
  }
  for (auto& t : p.threads)
    t.join();
  p.threads.clear();
  {
    std::lock_guard lock{p.live->m};
    p.live->alive = false;
  }
  p.accept_retry.reset();
  p.acceptor.reset();
  p.ioc.reset(); // destroys abandoned sessions: on_close still runs once for each WebSocket
}

http_server::counters http_server::stats() const {
  const auto& p = *impl_;
  return {p.connections_open.load(),     p.websockets_open.load(),    p.requests.load(),
          p.rejected_too_large.load(),   p.rejected_malformed.load(), p.timeouts.load(),
          p.connections_accepted.load(), p.rejected_busy.load()};
}

} // namespace hotline::drivers::api
