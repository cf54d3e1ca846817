#pragma once
/// One outgoing HTTP exchange, shared by the adapters that call other
/// systems (drivers/api/webhook_client: webhooks; drivers/lookup: the IVR's
/// HTTP lookups): GET or POST on a fresh connection, blocking its caller (a
/// worker thread, never an I/O thread or an actor's), every step (resolve,
/// connect, TLS, write, read) bounded by `timeout` in total, so a server
/// that never answers costs the timeout, not a thread. Boost.Beast lives in
/// http_client.cpp only (one Beast translation unit is ~30 s of compile).
///
///  - https verifies the server's certificate against the system's CAs (or
///    `ca_file`) and its name (SNI + host check, or the IP) unless
///    `verify_peer` is false (tests only);
///  - `refuse_private`: every address the host resolves to is checked with
///    events::webhooks::is_private_address, and the exchange is refused
///    before connecting if one is private (SSRF: DNS may point a public name
///    at a private address after the URL was checked);
///  - the response body is read up to `max_body`; a larger one keeps the
///    status and `body_too_large`, and no body.
///
/// Shared plumbing like drivers/log: adapters may include it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::http {

struct http_call {
  std::string method = "GET"; ///< GET or POST. Default: GET
  events::webhooks::target_url url;
  std::string body; ///< POST only, sent as application/json
  /// Set after Host, User-Agent, Accept, Content-Type and Connection: close,
  /// so they may replace them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string user_agent = "hotline";       ///< Default: "hotline"
  std::chrono::milliseconds timeout{2'000}; ///< the whole exchange. Default: 2 s
  bool refuse_private = false;              ///< Default: any address
  /// Appended to a refusal, saying how to allow it ("[api] webhook_allow_private").
  std::string private_hint;
  bool verify_peer = true;            ///< Default: the certificate is checked
  std::string ca_file;                ///< PEM CAs; empty: the system's. Default: empty
  std::size_t max_body = 1024 * 1024; ///< Default: 1 MiB
};

struct http_reply {
  int status = 0;    ///< 0: no response (see `error`)
  std::string error; ///< "timeout (connect ...)", "connect ...: Connection refused", "refused: ..."
  std::string body;  ///< empty when `body_too_large`
  bool body_too_large = false;
  std::int64_t retry_after_ns = 0; ///< the server's Retry-After in seconds, as ns (0: none)
  std::chrono::nanoseconds latency{};
};

/// Never throws.
http_reply http_exchange(const http_call& c);

} // namespace hotline::drivers::http
