#pragma once
/// The node API's transport: an HTTP/1.1 + WebSocket server (Boost.Beast on
/// its own I/O thread(s), TLS through OpenSSL) that hands every request to a
/// `request_handler` and writes back what the handler replies. It knows no
/// route, no JSON schema and no account: those are the handler's (the API's
/// routes in this folder). Boost stays out of this header (pimpl): only
/// http_server.cpp pays Beast's compile cost.
///
/// What the server does on its own, before or after the handler:
///  - HTTP/1.1 keep-alive (HTTP/1.0 too); pipelined requests are answered in
///    order, one at a time. `Expect: 100-continue` is answered.
///  - Refuses, then closes the connection: malformed requests (400
///    `{"error":"malformed_request","detail":...}`; also a missing Host on
///    HTTP/1.1, a target that is not origin-form "/...", a bad
///    percent-encoding or a NUL in the path), a body over `max_body_bytes`
///    (413 `{"error":"body_too_large","detail":"... limit N bytes"}`),
///    headers over `max_header_bytes` (431 `header_too_large`), a request
///    that does not arrive within `read_timeout` (408 `request_timeout` if
///    any byte came, else a silent close), and connections over
///    `max_connections` (503 `server_busy` with `Retry-After: 1`).
///  - Every response gets `Content-Length`, `X-Content-Type-Options:
///    nosniff`, `Referrer-Policy: no-referrer`, and `Cache-Control:
///    no-store` when its content type is JSON (unless the handler set
///    Cache-Control). No CORS header is ever added: cross-origin reads are
///    closed unless a handler opens them. A HEAD reply carries the body's
///    Content-Length and no body.
///  - A handler's reply with an invalid status (outside 200..599) or a
///    header name or value holding CR, LF or NUL is replaced by 500
///    `internal_error` (never sent as is: no header injection).
///  - A request whose every `reply_fn` copy is destroyed without a call gets
///    500 `internal_error` ("the handler dropped the request"); one not
///    answered within `reply_timeout` gets 504 `reply_timeout`. Either way
///    the connection is never held forever, and `stop` closes it.
///
/// Thread safety: `start`, `stop`, `port`, `url`, `stats` may be called from
/// any thread; the handler is called on the I/O thread(s).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hotline::drivers::api {

/// One request as the handler sees it: decoded, bounded, complete.
struct http_request {
  std::string method; ///< "GET", "POST", ... as sent
  std::string target; ///< raw request target, "/api/x?y=1"
  std::string path;   ///< percent-decoded path, no query; not normalised ("/a/../b" stays,
                      ///< "%2F" becomes '/'): match routes exactly
  std::map<std::string, std::string> query;   ///< decoded query parameters ('+' is a space);
                                              ///< a repeated name keeps its first value
  std::map<std::string, std::string> headers; ///< header names lower-cased; repeated headers
                                              ///< joined with ", " (Cookie: with "; ")
  std::string body;
  std::string remote; ///< peer "ip:port" ("[v6]:port" for IPv6)
  bool tls = false;
  /// The value of cookie `name` (surrounding double quotes removed), or
  /// empty. The first cookie of that name wins.
  std::string cookie(std::string_view name) const;
  std::string header(std::string_view lower_name) const; ///< "" when absent
};

/// What the handler answers. The server adds Content-Length and the
/// security headers (see above).
struct http_response {
  int status = 200;
  std::string content_type = "application/json"; ///< empty: no Content-Type header
  std::vector<std::pair<std::string, std::string>>
      headers; ///< extra headers (Set-Cookie, Retry-After, ...); "Connection: close" closes
  std::string body;
};

/// Replies to one request: callable from any thread, exactly once (a second
/// call is ignored). Calling it after the connection closed, or after the
/// server stopped or was destroyed, is harmless (ignored).
using reply_fn = std::function<void(http_response)>;

/// One accepted WebSocket, as the application sees it. Thread-safe; may
/// outlive the server (every call is then a harmless no-op returning false/0).
class ws_connection {
public:
  virtual ~ws_connection() = default;
  /// Queues a text frame. Bounded: when the bytes queued behind the oldest unsent frame
  /// would exceed `server_options::ws_max_pending_bytes`, everything queued is dropped, nothing
  /// of `text` is queued, `ws_handler::on_overflow` runs (on the I/O thread) and send returns
  /// false. A frame first in line is never refused, whatever its size (a large tenant's
  /// snapshot is larger than the bound): memory per socket is the frame being written, the
  /// oldest unsent one and the bound.
  /// Also false (nothing queued, no overflow) once the socket is closing or closed.
  virtual bool send(std::string text) = 0;
  /// Sends a close frame with `code` and `reason` (at most 123 bytes, cut
  /// beyond) after the frames already queued; the socket is closed hard if
  /// that does not finish within `server_options::ws_close_timeout`.
  /// Idempotent.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  /// Bytes queued or being written, not yet handed to the kernel.
  virtual std::size_t pending_bytes() const = 0;
};

/// The application's side of one WebSocket; called on the I/O thread, never concurrently for one
/// socket. Order: on_open, then on_message/on_overflow any number of times, then on_close.
class ws_handler {
public:
  virtual ~ws_handler() = default;
  virtual void on_open(std::shared_ptr<ws_connection> c) = 0;
  /// One complete text message (at most `ws_max_message_bytes`; a larger one
  /// closes the socket with 1009, a binary one with 1003).
  virtual void on_message(std::string text) = 0;
  virtual void on_overflow() = 0; ///< the peer fell behind: the queue was dropped
  /// Exactly once, also after the server's stop, and also when the
  /// handshake failed after `on_upgrade` accepted (then without on_open).
  /// (If `stop` had to abandon an I/O thread, it runs on the thread that
  /// called `stop`.)
  virtual void on_close() = 0;
};

/// What the server hands requests to. Called on the I/O thread(s): must not block (hand work to
/// actors).
class request_handler {
public:
  virtual ~request_handler() = default;
  virtual void on_request(http_request req, reply_fn reply) = 0;
  /// A WebSocket upgrade request: return a handler to accept it, or set `refusal` and return
  /// nullptr. (`refusal` starts as 403 `{"error":"forbidden","detail":...}`; a refusal status
  /// below 400 is sent as 403. A handler that throws gets 500 and the connection closes.)
  virtual std::shared_ptr<ws_handler> on_upgrade(const http_request& req,
                                                 http_response& refusal) = 0;
};

/// Every field says its default.
struct server_options {
  std::string listen = "127.0.0.1:8080"; ///< host:port; port 0 picks a free one; "[::1]:8080" for
                                         ///< IPv6; a host name is resolved (its first address)
  std::string tls_cert, tls_key;         ///< PEM files; both set: HTTPS/WSS only (TLS 1.2+)
  bool allow_plain_remote = false; ///< plain HTTP on a non-loopback address is refused unless true
  std::size_t max_header_bytes = 16 * 1024; ///< larger: 431
  std::size_t max_body_bytes = 1024 * 1024; ///< larger: 413 with a JSON error naming the limit
  std::chrono::milliseconds read_timeout{
      30'000}; ///< a request (headers+body) must arrive within this; else the connection closes
               ///< (408 if anything came). Also bounds a TLS handshake and a response's write.
  std::chrono::milliseconds idle_timeout{120'000}; ///< keep-alive idle close
  std::chrono::milliseconds reply_timeout{60'000}; ///< no reply from the handler: 504
  std::size_t max_connections = 20'000;            ///< over: accept and answer 503 + close
  std::size_t ws_max_pending_bytes = 256 * 1024;
  std::size_t ws_max_message_bytes = 64 * 1024; ///< larger inbound frame: close 1009
  std::chrono::milliseconds ws_close_timeout{
      2'000}; ///< a close (ws_connection::close, stop) that does not finish: socket closed hard
  int io_threads = 1; ///< 1..64
};

class http_server {
public:
  /// Binds and starts the I/O thread(s). Errors (bad address, port in use, unreadable/invalid
  /// cert or key, plain HTTP on a remote address) name the option and the reason.
  /// `h` is borrowed: it must outlive the server (or its `stop`).
  static std::variant<std::unique_ptr<http_server>, std::string> start(server_options o,
                                                                       request_handler& h);
  ~http_server(); ///< stops
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  std::uint16_t port() const; ///< the bound port
  std::string url() const;    ///< "http://127.0.0.1:PORT" or https ("[::1]" for IPv6)
  /// Closes the listener and every connection (WebSockets get close 1001, waited for at most
  /// `ws_close_timeout`), joins the threads; idempotent. After it returns no handler method
  /// runs any more. REQUIRES: not called from a handler (an I/O thread): it joins them.
  void stop();
  struct counters {
    std::uint64_t connections_open, websockets_open, requests, rejected_too_large,
        rejected_malformed, timeouts;
    std::uint64_t connections_accepted; ///< every accepted TCP connection, ever
    std::uint64_t rejected_busy;        ///< 503 for max_connections
  };
  /// `requests`: requests handed to the handler (upgrades included);
  /// `rejected_too_large`: 413 + 431; `timeouts`: 408 + 504 (reply_timeout).
  counters stats() const;

  struct impl;

private:
  explicit http_server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers::api
