// The webhook client of webhook_client.hpp on Boost.Beast. Every step is
// an asynchronous operation run on a private io_context up to one
// deadline, so a receiver that never answers costs `timeout`, not a thread.
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
#include <optional>

#include "drivers/api/webhook_client.hpp"

namespace hotline::drivers::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_response_body = 64 * 1024;

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
  // Seconds only: an HTTP date is ignored (the back-off applies).
  std::int64_t s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || p != v.data() + v.size() || s < 0) return 0;
  return std::min<std::int64_t>(s, 86'400) * 1'000'000'000;
}

template <class Stream>
void exchange(asio::io_context& ioc, Stream& s, const webhook_request& r,
              clock_type::time_point deadline, webhook_response& out) {
  http::request<http::string_body> req{http::verb::post, r.url.target, 11};
  const bool default_port = r.url.port == (r.url.tls ? 443 : 80);
  const bool v6 = r.url.host.find(':') != std::string::npos;
  req.set(http::field::host, (v6 ? "[" + r.url.host + "]" : r.url.host) +
                                 (default_port ? "" : ":" + std::to_string(r.url.port)));
  req.set(http::field::user_agent, "hotline-webhooks");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : r.headers)
    req.set(name, value);
  req.body() = r.body;
  req.prepare_payload();
  auto ec = wait_for(ioc, deadline, [&](auto h) { http::async_write(s, req, h); });
  if (ec) {
    out.error = describe("send", ec);
    return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  ec = wait_for(ioc, deadline, [&](auto h) { http::async_read(s, buffer, parser, h); });
  // A response whose body is too large still has its status: keep it.
  if (ec && !(ec == http::error::body_limit && parser.is_header_done())) {
    out.error = describe("read the response", ec);
    return;
  }
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  if (auto it = res.find(http::field::retry_after); it != res.end())
    out.retry_after_ns = retry_after_ns(it->value());
}

void deliver(const webhook_request& r, clock_type::time_point deadline, webhook_response& out) {
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  tcp::resolver::results_type found;
  error_code ec;
  {
    bool done = false;
    resolver.async_resolve(r.url.host, std::to_string(r.url.port),
                           [&](error_code e, tcp::resolver::results_type res) {
                             ec = e;
                             found = std::move(res);
                             done = true;
                           });
    run_until(ioc, done, deadline);
    if (!done) {
      out.error = "timeout (resolve " + r.url.host + ")";
      return;
    }
  }
  if (ec) {
    out.error = describe("resolve " + r.url.host, ec);
    return;
  }
  if (!r.allow_private)
    for (const auto& entry : found) {
      const auto address = entry.endpoint().address().to_string();
      if (events::webhooks::is_private_address(address)) {
        out.error = "refused: " + r.url.host + " resolves to " + address +
                    ", a private address ([api] webhook_allow_private)";
        return;
      }
    }
  beast::tcp_stream tcp{ioc};
  tcp.expires_at(deadline);
  ec = wait_for(ioc, deadline, [&](auto h) { tcp.async_connect(found, h); });
  if (ec) {
    out.error = describe("connect " + r.url.host + ":" + std::to_string(r.url.port), ec);
    return;
  }
  if (!r.url.tls) {
    exchange(ioc, tcp, r, deadline, out);
    return;
  }
  ssl::context ctx{ssl::context::tls_client};
  ctx.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (r.verify_peer) {
    ctx.set_verify_mode(ssl::verify_peer);
    if (r.ca_file.empty())
      ctx.set_default_verify_paths(ec);
    else
      ctx.load_verify_file(r.ca_file, ec);
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
  asio::ip::make_address(r.url.host, not_ip);
  if (not_ip) {
    SSL_set_tlsext_host_name(s.native_handle(), r.url.host.c_str());
    if (r.verify_peer) SSL_set1_host(s.native_handle(), r.url.host.c_str());
  } else if (r.verify_peer) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), r.url.host.c_str());
  }
  ec = wait_for(ioc, deadline, [&](auto h) { s.async_handshake(ssl::stream_base::client, h); });
  if (ec) {
    out.error = describe("TLS handshake with " + r.url.host, ec);
    return;
  }
  exchange(ioc, s, r, deadline, out);
}

} // namespace

webhook_response post_webhook(const webhook_request& r) {
  webhook_response out;
  const auto started = clock_type::now();
  try {
    deliver(r, started + r.timeout, out);
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = std::string{"client error: "} + e.what();
  }
  out.latency = clock_type::now() - started;
  return out;
}

} // namespace hotline::drivers::api
