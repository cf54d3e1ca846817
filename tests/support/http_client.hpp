#pragma once
/// A small synchronous HTTP/1.1 + WebSocket client for tests (Boost.Beast
/// inside http_client.cpp only): one-shot requests, a keep-alive
/// connection, raw bytes for garbage-input tests, and a WebSocket client.
/// Every network step has a timeout (10 s unless a call says otherwise), so
/// a broken server fails a test instead of hanging it.
///
/// `url_base` is "http://HOST:PORT" or "https://HOST:PORT" (HOST may be
/// "[v6]"), as `http_server::url()` gives it; a trailing '/' is allowed.
/// With https and no `client_tls`, the system's CAs verify the server.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hotline::test {

/// How a client checks a TLS server.
struct client_tls {
  std::string ca_file; ///< PEM file of trusted CAs; empty: the system's
  bool verify = true;  ///< false: accept any certificate
};

/// One response as the client read it.
struct http_reply {
  int status = 0;
  /// Names lower-cased; repeated headers joined with ", ", except Set-Cookie,
  /// kept whole: its values joined with '\n'.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& lower_name) const; ///< "" when absent
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// One request on a fresh connection (closed afterwards). Throws
/// std::runtime_error naming the step that failed ("connect 127.0.0.1:1:
/// Connection refused", "TLS handshake with ...: certificate verify failed").
http_reply request(const std::string& url_base, std::string method, std::string target,
                   std::string body = {}, header_list headers = {},
                   const client_tls* tls = nullptr);

/// Sends `bytes` as they are over plain TCP, then reads until the server
/// closes or `timeout` passes; returns what was read. Throws if the
/// connection cannot be made.
std::string raw_exchange(const std::string& host, std::uint16_t port, std::string bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

/// A keep-alive connection: several requests, one TCP (or TLS) connection.
class http_connection {
public:
  http_connection();
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  /// Throws std::runtime_error when the connection cannot be made.
  void connect(const std::string& url_base, const client_tls* tls = nullptr);
  /// Throws std::runtime_error when the exchange fails (e.g. the server closed).
  http_reply request(std::string method, std::string target, std::string body = {},
                     header_list headers = {});
  /// True after a response said "Connection: close" or the connection failed.
  bool closed() const;

private:
  struct impl;
  std::unique_ptr<impl> p_;
};

/// A WebSocket client (text frames). Reads happen only inside `receive`, so
/// a client that does not call it is a peer that does not read.
class ws_client {
public:
  ws_client();
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  /// Opens url_base + target (http → ws, https → wss) with extra request
  /// headers. False on failure, with `error()` saying why; `handshake()`
  /// is the server's answer either way (101, or the refusal and its body).
  bool connect(const std::string& url_base, const std::string& target, header_list headers = {},
               const client_tls* tls = nullptr);
  const std::string& error() const;
  const http_reply& handshake() const;
  bool send(const std::string& text);         ///< false when the write fails
  bool send_binary(const std::string& bytes); ///< a binary frame (servers may refuse those)
  /// The next text message, or nullopt on timeout or once the connection
  /// closed (then `close_code()` says how, when the server sent a close).
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  /// The code of the server's close frame, once one was received.
  std::optional<std::uint16_t> close_code() const;
  bool is_open() const;
  /// Sends a close frame and waits (at most 5 s) for the server's.
  void close(std::uint16_t code = 1000);

private:
  struct impl;
  std::unique_ptr<impl> p_;
};

} // namespace hotline::test
