// The shared HTTP client of http_client.hpp on Boost.Beast. Every step is
// an asynchronous operation run on a private io_context up to one
// deadline, so a server that never answers costs `timeout`, not a thread.
#include <utility> // first: Boost 1.74 asio needs std::exchange under g++ 12 -std=c++20

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <charconv>

#include "drivers/http_client/http_client.hpp"

namespace hotline::drivers::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using clock_type = std::chrono::steady_clock;

namespace {

/// Runs `ioc` until `done`, the deadline, or nothing is left to run.
void run_until(asio::io_context& ioc, const bool& done, clock_type::time_point deadline) {
  ioc.restart();
  while (!done && ioc.run_one_until(deadline) != 0) {
  }
}

template <class Start>
error_code wait_for(asio::io_context& ioc, clock_type::time_point deadline, Start start) {
  error_code result;
  bool done = false;
  start([&](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  run_until(ioc, done, deadline);
  if (!done) {
    ioc.stop();
    result = asio::error::timed_out;
  }
  return result;
}

std::string describe(const std::string& step, const error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return "timeout (" + step + ")";
  return step + ": " + ec.message();
}

std::int64_t retry_after_ns(beast::string_view v) {
  // Seconds only: an HTTP date is ignored (the caller's back-off applies).
  std::int64_t s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || p != v.data() + v.size() || s < 0) return 0;
  return std::min<std::int64_t>(s, 86'400) * 1'000'000'000;
}

template <class Stream>
void exchange(asio::io_context& ioc, Stream& s, const http_call& c, clock_type::time_point deadline,
              http_reply& out) {
  const bool post = c.method == "POST";
  bhttp::request<bhttp::string_body> req{post ? bhttp::verb::post : bhttp::verb::get, c.url.target,
                                         11};
  const bool default_port = c.url.port == (c.url.tls ? 443 : 80);
  const bool v6 = c.url.host.find(':') != std::string::npos;
  req.set(bhttp::field::host, (v6 ? "[" + c.url.host + "]" : c.url.host) +
                                  (default_port ? "" : ":" + std::to_string(c.url.port)));
  req.set(bhttp::field::user_agent, c.user_agent);
  req.set(bhttp::field::accept, "application/json");
  req.set(bhttp::field::connection, "close");
  if (post) req.set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : c.headers)
    req.set(name, value);
  if (post) {
    req.body() = c.body;
    req.prepare_payload();
  }
  auto ec = wait_for(ioc, deadline, [&](auto h) { bhttp::async_write(s, req, h); });
  if (ec) {
    out.error = describe("send", ec);
    return;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(c.max_body);
  ec = wait_for(ioc, deadline, [&](auto h) { bhttp::async_read(s, buffer, parser, h); });
  // A response whose body is too large still has its status: keep it.
  const bool too_large = ec == bhttp::error::body_limit && parser.is_header_done();
  if (ec && !too_large) {
    out.error = describe("read the response", ec);
    return;
  }
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  out.body_too_large = too_large;
  if (!too_large) out.body = std::move(res.body());
  if (auto it = res.find(bhttp::field::retry_after); it != res.end())
    out.retry_after_ns = retry_after_ns(it->value());
}

void call(const http_call& c, clock_type::time_point deadline, http_reply& out) {
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  tcp::resolver::results_type found;
  error_code ec;
  {
    bool done = false;
    resolver.async_resolve(c.url.host, std::to_string(c.url.port),
                           [&](error_code e, tcp::resolver::results_type res) {
                             ec = e;
                             found = std::move(res);
                             done = true;
                           });
    run_until(ioc, done, deadline);
    if (!done) {
      out.error = "timeout (resolve " + c.url.host + ")";
      return;
    }
  }
  if (ec) {
    out.error = describe("resolve " + c.url.host, ec);
    return;
  }
  if (c.refuse_private)
    for (const auto& entry : found) {
      const auto address = entry.endpoint().address().to_string();
      if (events::webhooks::is_private_address(address)) {
        out.error = "refused: " + c.url.host + " resolves to " + address + ", a private address" +
                    (c.private_hint.empty() ? "" : " (" + c.private_hint + ")");
        return;
      }
    }
  beast::tcp_stream tcp{ioc};
  tcp.expires_at(deadline);
  ec = wait_for(ioc, deadline, [&](auto h) { tcp.async_connect(found, h); });
  if (ec) {
    out.error = describe("connect " + c.url.host + ":" + std::to_string(c.url.port), ec);
    return;
  }
  if (!c.url.tls) {
    exchange(ioc, tcp, c, deadline, out);
    return;
  }
  ssl::context ctx{ssl::context::tls_client};
  ctx.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (c.verify_peer) {
    ctx.set_verify_mode(ssl::verify_peer);
    if (c.ca_file.empty())
      ctx.set_default_verify_paths(ec);
    else
      ctx.load_verify_file(c.ca_file, ec);
    if (ec) {
      out.error = describe("load the trusted CAs", ec);
      return;
    }
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
  beast::ssl_stream<beast::tcp_stream> s{std::move(tcp), ctx};
  beast::get_lowest_layer(s).expires_at(deadline);
  error_code not_ip;
  asio::ip::make_address(c.url.host, not_ip);
  if (not_ip) {
    SSL_set_tlsext_host_name(s.native_handle(), c.url.host.c_str());
    if (c.verify_peer) SSL_set1_host(s.native_handle(), c.url.host.c_str());
  } else if (c.verify_peer) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), c.url.host.c_str());
  }
  ec = wait_for(ioc, deadline, [&](auto h) { s.async_handshake(ssl::stream_base::client, h); });
  if (ec) {
    out.error = describe("TLS handshake with " + c.url.host, ec);
    return;
  }
  exchange(ioc, s, c, deadline, out);
}

} // namespace

http_reply http_exchange(const http_call& c) {
  http_reply out;
  const auto started = clock_type::now();
  try {
    call(c, started + c.timeout, out);
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = std::string{"client error: "} + e.what();
  }
  out.latency = clock_type::now() - started;
  return out;
}

} // namespace hotline::drivers::http
