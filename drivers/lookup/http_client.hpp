#pragma once
/// One HTTP exchange for a lookup: GET or POST on a fresh connection,
/// blocking its caller (a lookup worker), bounded by `timeout` in total
/// (resolve, connect, TLS, write, read). https verifies the server's
/// certificate and name against the system's CAs. The response body is
/// read up to 1 MiB. Boost.Beast lives in http_client.cpp only (one Beast
/// translation unit is ~30 s of compile).
///
/// Lookups go to the enterprise's own systems, on private addresses as
/// often as not: unlike webhooks, no private-address refusal (the URL is
/// the operator's configuration, and only its path and query carry caller
/// input, URL-encoded).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::lookup {

struct http_call {
  std::string method = "GET"; ///< GET or POST. Default: GET
  events::webhooks::target_url url;
  std::string body; ///< POST: JSON
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{2'000}; ///< the whole exchange. Default: 2 s
};

struct http_reply {
  int status = 0;    ///< 0: no response (see error)
  std::string error; ///< "timeout (connect ...)", "connect ...: Connection refused"
  std::string body;
};

/// Never throws.
http_reply http_exchange(const http_call& c);

} // namespace hotline::drivers::lookup
