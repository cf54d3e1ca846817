// The test client of http_client.hpp on Boost.Beast. Every step is an
// asynchronous operation run to completion on a private io_context, so a
// timeout (tcp_stream's expiry, or run_one_until) bounds it.
#include <utility> // first: Boost 1.74 asio needs std::exchange under g++ 12 -std=c++20

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>
#include <variant>

#include "tests/support/http_client.hpp"

#include "drivers/api/http_text.hpp"

namespace hotline::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

constexpr auto step_timeout = std::chrono::seconds(10);

std::string sv(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

using url_parts = drivers::api::base_url;

url_parts parse_url(const std::string& url) {
  auto u = drivers::api::parse_base_url(url);
  if (auto* why = std::get_if<std::string>(&u)) throw std::runtime_error(*why);
  return std::get<url_parts>(u);
}

/// Runs `ioc` until `done` or nothing is left to run.
void run_until(asio::io_context& ioc, const bool& done) {
  ioc.restart();
  while (!done && ioc.run_one() != 0) {
  }
}

/// Starts an asynchronous operation and waits for it; its error code.
template <class Start> error_code wait_for(asio::io_context& ioc, Start start) {
  error_code result;
  bool done = false;
  start([&](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  run_until(ioc, done);
  if (!done) result = asio::error::timed_out;
  return result;
}

void fail(const std::string& what, const error_code& ec) {
  throw std::runtime_error(what + ": " + ec.message());
}

tcp::socket connect_socket(asio::io_context& ioc, const url_parts& u) {
  tcp::resolver resolver{ioc};
  error_code ec;
  const auto found = resolver.resolve(u.host, u.port, ec);
  if (ec) fail("resolve " + u.host, ec);
  beast::tcp_stream s{ioc};
  s.expires_after(step_timeout);
  ec = wait_for(ioc, [&](auto h) { s.async_connect(found, h); });
  if (ec) fail("connect " + u.host_header, ec);
  s.expires_never();
  return s.release_socket();
}

ssl::context client_context(const client_tls* tls) {
  ssl::context ctx{ssl::context::tls_client};
  const client_tls defaults;
  if (!tls) tls = &defaults;
  if (!tls->verify) {
    ctx.set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  error_code ec;
  if (tls->ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(tls->ca_file, ec);
    if (ec) fail("load CA file '" + tls->ca_file + "'", ec);
  }
  return ctx;
}

/// Names the server for SNI and for the certificate check (an IP address
/// is checked against the certificate's IP entries).
void expect_server_name(SSL* ssl, const std::string& host, bool verify) {
  error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    if (verify) SSL_set1_host(ssl, host.c_str());
  } else if (verify) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  }
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// A connected plain or TLS stream.
struct connection {
  asio::io_context ioc;
  std::optional<ssl::context> ctx;
  std::variant<std::monostate, beast::tcp_stream, tls_stream> stream;

  void open(const url_parts& u, const client_tls* tls) {
    auto socket = connect_socket(ioc, u);
    if (!u.tls) {
      stream.emplace<beast::tcp_stream>(std::move(socket));
      return;
    }
    ctx.emplace(client_context(tls));
    auto& s = stream.emplace<tls_stream>(beast::tcp_stream{std::move(socket)}, *ctx);
    expect_server_name(s.native_handle(), u.host, !tls || tls->verify);
    beast::get_lowest_layer(s).expires_after(step_timeout);
    const auto ec = wait_for(ioc, [&](auto h) { s.async_handshake(ssl::stream_base::client, h); });
    if (ec) fail("TLS handshake with " + u.host_header, ec);
    beast::get_lowest_layer(s).expires_never();
  }

  template <class F> auto with(F f) {
    if (auto* p = std::get_if<beast::tcp_stream>(&stream)) return f(*p);
    return f(std::get<tls_stream>(stream));
  }
};

http_reply to_reply(const http::response<http::string_body>& res) {
  http_reply r;
  r.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    auto name = lower(sv(f.name_string()));
    auto [it, fresh] = r.headers.try_emplace(name, sv(f.value()));
    if (!fresh) (it->second += name == "set-cookie" ? "\n" : ", ") += sv(f.value());
  }
  r.body = res.body();
  return r;
}

http::request<http::string_body> make_request(const url_parts& u, std::string method,
                                              std::string target, std::string body,
                                              const header_list& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, u.host_header);
  req.set(http::field::user_agent, "hotline-test");
  for (const auto& [name, value] : headers)
    req.insert(name, value);
  req.body() = std::move(body);
  if (!req.body().empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req.prepare_payload();
  return req;
}

} // namespace

std::string http_reply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string{} : it->second;
}

// http_connection ------------------------------------------------------------

struct http_connection::impl {
  url_parts url;
  connection c;
  beast::flat_buffer buffer;
  bool closed = true;
};

http_connection::http_connection() : p_(std::make_unique<impl>()) {}
http_connection::~http_connection() = default;

void http_connection::connect(const std::string& url_base, const client_tls* tls) {
  p_->url = parse_url(url_base);
  p_->c.open(p_->url, tls);
  p_->closed = false;
}

bool http_connection::closed() const {
  return p_->closed;
}

http_reply http_connection::request(std::string method, std::string target, std::string body,
                                    header_list headers) {
  if (p_->closed) throw std::runtime_error("request on a closed connection");
  const bool head = method == "HEAD";
  auto req = make_request(p_->url, std::move(method), std::move(target), std::move(body), headers);
  return p_->c.with([&](auto& s) {
    beast::get_lowest_layer(s).expires_after(step_timeout);
    auto ec = wait_for(p_->c.ioc, [&](auto h) { http::async_write(s, req, h); });
    if (ec) {
      p_->closed = true;
      fail("write the request to " + p_->url.host_header, ec);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    parser.skip(head);
    ec = wait_for(p_->c.ioc, [&](auto h) { http::async_read(s, p_->buffer, parser, h); });
    beast::get_lowest_layer(s).expires_never();
    if (ec) {
      p_->closed = true;
      fail("read the response from " + p_->url.host_header, ec);
    }
    if (!parser.get().keep_alive()) p_->closed = true;
    return to_reply(parser.get());
  });
}

http_reply request(const std::string& url_base, std::string method, std::string target,
                   std::string body, header_list headers, const client_tls* tls) {
  http_connection c;
  c.connect(url_base, tls);
  return c.request(std::move(method), std::move(target), std::move(body), std::move(headers));
}

std::string raw_exchange(const std::string& host, std::uint16_t port, std::string bytes,
                         std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  url_parts u;
  u.host = host;
  u.port = std::to_string(port);
  u.host_header = host + ":" + u.port;
  beast::tcp_stream s{connect_socket(ioc, u)};
  s.expires_after(timeout);
  auto ec = wait_for(ioc, [&](auto h) { asio::async_write(s, asio::buffer(bytes), h); });
  std::string out;
  if (ec) return out; // the server may close before reading everything
  std::array<char, 4096> chunk;
  for (;;) {
    std::size_t n = 0;
    bool done = false;
    s.async_read_some(asio::buffer(chunk), [&](error_code e, std::size_t got) {
      ec = e;
      n = got;
      done = true;
    });
    run_until(ioc, done);
    out.append(chunk.data(), n);
    if (ec || !done) return out;
  }
}

// ws_client ------------------------------------------------------------------

namespace {

class ws_base {
public:
  virtual ~ws_base() = default;
  virtual error_code handshake(const url_parts& u, const std::string& target,
                               const header_list& headers, http::response<http::string_body>& res,
                               const client_tls* tls) = 0;
  virtual error_code write(const std::string& text, bool binary) = 0;
  virtual void start_read() = 0;
  virtual void close(std::uint16_t code) = 0;
  virtual std::uint16_t reason_code() const = 0;

  asio::io_context ioc;
  bool read_pending = false, read_done = false;
  error_code read_ec;
  beast::flat_buffer in;
};

template <class Stream> class ws_impl final : public ws_base {
public:
  error_code handshake(const url_parts& u, const std::string& target, const header_list& headers,
                       http::response<http::string_body>& res, const client_tls* tls) override {
    auto socket = connect_socket(ioc, u);
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      ctx_.emplace(client_context(tls));
      ws_.emplace(beast::tcp_stream{std::move(socket)}, *ctx_);
      auto& s = ws_->next_layer();
      expect_server_name(s.native_handle(), u.host, !tls || tls->verify);
      beast::get_lowest_layer(*ws_).expires_after(step_timeout);
      const auto ec =
          wait_for(ioc, [&](auto h) { s.async_handshake(ssl::stream_base::client, h); });
      if (ec) return ec;
    } else {
      ws_.emplace(std::move(socket));
    }
    beast::get_lowest_layer(*ws_).expires_after(step_timeout);
    ws_->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(http::field::user_agent, "hotline-test");
      for (const auto& [name, value] : headers)
        req.insert(name, value);
    }));
    const auto ec =
        wait_for(ioc, [&](auto h) { ws_->async_handshake(res, u.host_header, target, h); });
    beast::get_lowest_layer(*ws_).expires_never();
    ws_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_->read_message_max(0); // the tests look at the server's limits, not ours
    return ec;
  }

  error_code write(const std::string& text, bool binary) override {
    ws_->binary(binary);
    return wait_for(ioc, [&](auto h) { ws_->async_write(asio::buffer(text), h); });
  }

  void start_read() override {
    read_pending = true;
    read_done = false;
    ws_->async_read(in, [this](error_code ec, std::size_t) {
      read_ec = ec;
      read_done = true;
    });
  }

  void close(std::uint16_t code) override {
    ioc.restart();
    bool done = false;
    ws_->async_close(static_cast<websocket::close_code>(code), [&](error_code) { done = true; });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done && ioc.run_one_until(deadline) != 0) {
    }
    if (!done) {
      error_code ignored;
      beast::get_lowest_layer(*ws_).socket().close(ignored);
      ioc.restart();
      ioc.poll();
    }
  }

  std::uint16_t reason_code() const override { return ws_->reason().code; }

private:
  std::optional<ssl::context> ctx_;
  std::optional<websocket::stream<Stream>> ws_;
};

} // namespace

struct ws_client::impl {
  std::unique_ptr<ws_base> ws;
  std::string error;
  http_reply handshake;
  bool open = false;
  std::optional<std::uint16_t> close_code;
};

ws_client::ws_client() : p_(std::make_unique<impl>()) {}
ws_client::~ws_client() = default;

bool ws_client::connect(const std::string& url_base, const std::string& target, header_list headers,
                        const client_tls* tls) {
  p_->error.clear();
  p_->open = false;
  try {
    const auto u = parse_url(url_base);
    if (u.tls)
      p_->ws = std::make_unique<ws_impl<tls_stream>>();
    else
      p_->ws = std::make_unique<ws_impl<beast::tcp_stream>>();
    http::response<http::string_body> res;
    const auto ec = p_->ws->handshake(u, target, headers, res, tls);
    p_->handshake = to_reply(res);
    if (ec) {
      p_->error = "WebSocket handshake with " + u.host_header + target + ": " + ec.message();
      return false;
    }
  } catch (const std::exception& e) {
    p_->error = e.what();
    return false;
  }
  p_->open = true;
  return true;
}

const std::string& ws_client::error() const {
  return p_->error;
}
const http_reply& ws_client::handshake() const {
  return p_->handshake;
}
bool ws_client::is_open() const {
  return p_->open;
}
std::optional<std::uint16_t> ws_client::close_code() const {
  return p_->close_code;
}

bool ws_client::send(const std::string& text) {
  if (!p_->open) return false;
  return !p_->ws->write(text, false);
}

bool ws_client::send_binary(const std::string& bytes) {
  if (!p_->open) return false;
  return !p_->ws->write(bytes, true);
}

std::optional<std::string> ws_client::receive(std::chrono::milliseconds timeout) {
  if (!p_->ws) return std::nullopt; // never connected
  auto& w = *p_->ws;
  if (!p_->open && !w.read_done) return std::nullopt;
  if (!w.read_pending) w.start_read();
  w.ioc.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!w.read_done && w.ioc.run_one_until(deadline) != 0) {
  }
  if (!w.read_done) return std::nullopt;
  w.read_pending = false;
  w.read_done = false;
  if (w.read_ec) {
    if (w.read_ec == websocket::error::closed) p_->close_code = w.reason_code();
    p_->open = false;
    return std::nullopt;
  }
  auto text = beast::buffers_to_string(w.in.data());
  w.in.consume(w.in.size());
  return text;
}

void ws_client::close(std::uint16_t code) {
  if (!p_->open) return;
  p_->open = false;
  p_->ws->close(code);
}

} // namespace hotline::test
