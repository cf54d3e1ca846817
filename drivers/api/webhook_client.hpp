#pragma once
/// The HTTP client that delivers webhooks (F23): one POST on a fresh
/// connection, blocking its caller (a delivery thread, never an I/O
/// thread of the API nor an actor's). Boost.Beast lives in
/// webhook_client.cpp only.
///
///  - https verifies the receiver's certificate against the system's CAs
///    (or `ca_file`) and its name (SNI + host check) unless `verify_peer`
///    is false (tests only);
///  - every step (resolve, connect, TLS, write, read) is bounded by
///    `timeout` in total;
///  - SSRF: unless `allow_private`, every address the host resolves to is
///    checked with events::webhooks::is_private_address and the POST is
///    refused before connecting if one is private (DNS may point a public
///    name at a private address after the subscription was checked);
///  - a response body is read up to 64 KiB and discarded.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::api {

struct webhook_request {
  events::webhooks::target_url url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                          ///< JSON
  std::chrono::milliseconds timeout{10'000}; ///< the whole exchange. Default: 10 s
  bool allow_private = false;                ///< Default: private addresses refused
  bool verify_peer = true;                   ///< Default: the certificate is checked
  std::string ca_file;                       ///< PEM CAs; empty: the system's. Default: empty
};

struct webhook_response {
  int status = 0;                  ///< the HTTP status; 0 when there was none (see `error`)
  std::string error;               ///< why there was no response ("timeout", "connect: ...")
  std::int64_t retry_after_ns = 0; ///< the receiver's Retry-After in seconds, as ns (0: none)
  std::chrono::nanoseconds latency{};

  bool delivered() const noexcept { return status >= 200 && status < 300; }
};

/// POSTs `r.body` to `r.url` with `r.headers` (and Host, Content-Type:
/// application/json, User-Agent: hotline-webhooks). Never throws.
webhook_response post_webhook(const webhook_request& r);

} // namespace hotline::drivers::api
