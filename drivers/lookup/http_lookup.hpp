#pragma once
/// A lookup node's `source = "http"` (F5; docs/ivr.md "HTTP lookups"): the
/// lookup port (actors/ports/lookup.hpp) over the enterprise's HTTP API.
///
/// One `find`:
///  1. the circuit breaker (circuit_breaker.hpp) may refuse at once:
///     failed, "circuit open ...", no request sent;
///  2. the URL and the JSON body are filled (request_template.hpp) and
///     sent, GET or POST, each try bounded by the node's `timeout_ms`;
///  3. the answer: 2xx → the body parsed as JSON and each `fields` pointer
///     (RFC 6901) read into its variable (a string as it is, a number or
///     boolean as JSON writes it, null as "") → found; a pointer the
///     document lacks, or a body that is not JSON → failed with the reason
///     (not retried: the same request would get the same answer); 404 →
///     not_found; a timeout, a refused connection, 5xx or 429 → tried
///     again, up to `retries` more times; any other status → failed.
///  4. the breaker hears one outcome per find: found and not_found are
///     successes (the system answered), failed is a failure.
/// Each find is recorded in `metrics` (when given) with its latency.
///
/// Thread safety: `find` may be called from many threads at once; the
/// breaker is shared under a mutex, requests run in parallel.
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "actors/ports/lookup.hpp"
#include "drivers/lookup/circuit_breaker.hpp"
#include "events/ivr/flow.hpp"

namespace hotline::drivers::lookup {

struct http_lookup_options {
  events::ivr::http_request_template request;
  /// JSON pointer -> variable (the node's `fields`).
  std::map<std::string, std::string> fields;
  breaker_options breaker;
  /// Where finds are counted; may be null. Default: null.
  ports::lookup_metrics* metrics = nullptr;
  /// Steady time in ns, for the breaker. Default: std::chrono::steady_clock.
  std::function<std::int64_t()> now_ns;
};

class http_lookup final : public ports::lookup_source {
public:
  explicit http_lookup(http_lookup_options opts);
  /// A lookup node of source http, with the default breaker.
  static http_lookup_options options_of(const events::ivr::node& n);

  ports::lookup_answer find(const ports::variables& vars) override;

  circuit_breaker::state breaker_state() const;

private:
  ports::lookup_answer ask(const ports::variables& vars);

  http_lookup_options opts_;
  mutable std::mutex m_;
  circuit_breaker breaker_;
};

} // namespace hotline::drivers::lookup
