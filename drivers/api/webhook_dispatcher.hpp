#pragma once
/// Webhook delivery (F23, docs/api.md "Webhooks"): every live subscription
/// of the registry follows the store from its cursor and POSTs each event
/// it selects (its tenant's, of its types, deliverable) to its URL,
/// signed (webhook_signer.hpp), in store order, at least once.
///
///  - **One delivery thread per subscription**, which reads the store in
///    pages (`read_all` + `wait_for_append`: the mechanism of the store's
///    subscriptions) and blocks on its own HTTP request: a slow receiver
///    holds up only its own subscription, never an I/O thread of the API
///    nor an actor. Nothing is queued: a receiver that is behind costs a
///    cursor (a store position), not memory.
///  - **At least once, in order**: the cursor (the store position after
///    which nothing is left to send) advances past an event only after a
///    2xx; it is written to the store's checkpoints (`webhook-<id>`) after
///    every delivery and, while skipping events the subscription does not
///    select, at most every second. After a restart a subscription resumes
///    from its checkpoint: what was in flight is sent again, nothing is lost.
///    `X-Hotline-Delivery` is `<webhook id>-<seq>`, the same for every
///    attempt at one event, so a receiver can drop duplicates.
///  - **Retries**: events/webhooks/webhook_rules.hpp's back-off (1 s
///    doubling to 1 h, jitter, the receiver's Retry-After honoured); after
///    `suspend_after` of failing without one success the subscription is
///    suspended (`webhook.suspended`), and waits for a resume.
///  - **The delivery log**: the latest `log_size` attempts of each
///    subscription in memory (delivery id, seq, status or error, latency,
///    attempt), newest first; gone at a restart. Suspensions are events.
///
/// Thread safety: every member may be called from any thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "drivers/api/webhook_registry.hpp"

namespace hotline::drivers::api {

/// Every field says its default.
struct webhook_options {
  bool allow_private = false;                ///< loopback/private targets. Default: false
  std::chrono::milliseconds timeout{10'000}; ///< one attempt, all steps. Default: 10 s
  /// Failing this long without a success suspends a subscription. Default: 24 h
  std::chrono::milliseconds suspend_after{24 * 3'600'000};
  std::size_t log_size = 100; ///< attempts kept per subscription. Default: 100
  bool verify_peer = true;    ///< https: check the receiver's certificate. Default: true
  std::string ca_file;        ///< PEM CAs for https; empty: the system's. Default: empty
  /// The wall clock (UTC ns): X-Hotline-Timestamp and event times.
  std::function<std::int64_t()> now_ns;
};

/// One attempt, as the delivery log keeps it.
struct delivery_attempt {
  std::string delivery_id;
  std::uint64_t seq = 0; ///< the event's store position (0: a test ping)
  std::string type;      ///< the event's type ("webhook.ping" for a ping)
  int status = 0;        ///< HTTP status; 0 when none (see error)
  std::string error;
  double latency_ms = 0;
  int attempt = 1;        ///< 1 for the first try of this event
  std::int64_t at_ns = 0; ///< when it was sent (UTC)
};

class webhook_dispatcher {
public:
  webhook_dispatcher(ports::event_store& store, webhook_registry& registry, webhook_options o);
  ~webhook_dispatcher(); ///< stops
  webhook_dispatcher(const webhook_dispatcher&) = delete;
  webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

  /// Starts a thread for every live subscription and follows the registry's changes.
  void start();
  /// Stops every thread (an attempt in flight ends within `timeout`) and
  /// writes their cursors.
  void stop();

  /// The delivery log of `id`, newest first, at most `limit`.
  std::vector<delivery_attempt> deliveries(const std::string& id, std::size_t limit) const;
  /// The cursor of `id`: the store position after which nothing is left to send.
  std::uint64_t cursor(const std::string& id) const;

  /// Sends a `webhook.ping` to `id` now, once, on the caller's thread (no
  /// retry, no cursor); logged like any attempt. REQUIRES: `e` is live.
  delivery_attempt ping(const webhook_entry& e);

  /// For /metrics: attempts by tenant and result ("delivered", "failed"),
  /// and per tenant the largest lag (store head - cursor) of its active subscriptions.
  struct tenant_counts {
    std::map<std::pair<std::string, std::string>, std::uint64_t> attempts;
    std::map<std::string, std::uint64_t> lag_events;
  };
  tenant_counts metrics() const;

  struct worker;

private:
  void changed(const webhook_entry& e);
  void record(const std::string& id, const std::string& tenant, delivery_attempt a);

  ports::event_store& store_;
  webhook_registry& registry_;
  webhook_options opt_;
  mutable std::mutex m_;
  std::map<std::string, std::shared_ptr<worker>> workers_;
  std::vector<std::shared_ptr<worker>> retired_;
  std::map<std::string, std::vector<delivery_attempt>> logs_; ///< ring per id, oldest first
  std::map<std::pair<std::string, std::string>, std::uint64_t> attempts_;
  bool running_ = false;
};

} // namespace hotline::drivers::api
