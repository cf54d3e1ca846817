#pragma once
/// The live feeds of the node API (docs/api.md, "Live feeds"): one store
/// subscription folds every event of the node, in store order, into the
/// live view (projections/live) and the CRM view (for the screen pop), and
/// fans each event out to the WebSocket sessions allowed to see it.
///
/// Sequence numbers are the store's global positions. A session starts
/// with a snapshot taken at position P (the live view's state after P,
/// limited to what its user may see), then gets every visible event after
/// P. A client that reconnects with `since=Q` (the last seq it saw) gets
/// the visible events after Q read back from the store, then the live ones:
/// nothing lost, nothing twice, across a node restart too (positions are
/// durable). When Q is further behind than `max_replay` events (or ahead
/// of the store), it gets a fresh snapshot instead (`"type":"snapshot"`).
///
/// Slow consumers: the transport bounds what waits for a socket
/// (server_options::ws_max_pending_bytes); on overflow the queue is
/// dropped and the session gets a fresh snapshot, so memory never grows
/// with a client's lag.
///
/// Who sees what (`visible`): an operator everything; other roles only
/// their tenant: admins and auditors all of it, a supervisor the events of
/// its queues and of the agents serving them, an agent its own agent
/// stream and the calls on its desk (an offer carries the screen pop: the
/// call, its attached data and the customer's CRM profile, F12), and the
/// recordings of its calls (`recording.*`: the recording's agent, its
/// queue's supervisors, the tenant's admins and auditors; the snapshot
/// lists the recordings running now as `recordings`).
///
/// Thread safety: every member may be called from any thread; the fan-out
/// and the session starts are serialised by one mutex, so a start never
/// interleaves with an event.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "actors/ports/event_store.hpp"
#include "events/catalog.hpp"
#include "events/center.hpp"
#include "events/identity/access_rules.hpp"

namespace hotline::projections::live {
class live_view;
}

namespace hotline::drivers::api {

class ws_handler;

struct feed_options {
  /// A resume further behind than this many events gets a snapshot. Default: 10,000.
  std::uint64_t max_replay = 10'000;
};

/// What an event is about, for `visible`.
struct audience {
  std::string tenant, agent_id, queue, call_id;
  std::vector<std::string> agent_queues; ///< the queues the agent serves (live view)
};

/// Whether `who` may see an event about `a` (see the header comment).
bool visible(const events::identity::principal_view& who, const audience& a);

/// The recordings the hub has seen start (`recording-<call>` streams), by
/// call: whom a recording's later events are about (`recording.paused`,
/// `.resumed` and `.stopped` name only the call, and the call may have
/// left the live view), and which run now (the snapshot's `recordings`).
/// Keeps the newest `max_entries` recordings. Not thread-safe (the hub's lock).
class recording_book {
public:
  struct entry {
    std::string tenant, agent_id, queue;
    std::string state; ///< "recording" | "paused" | "stopped"
  };
  static constexpr std::size_t max_entries = 10'000;
  /// Folds one event of a `recording-<call>` stream (`payload` decoded).
  void apply(const events::recorded_event& e, const events::event& payload);
  const entry* find(const std::string& call_id) const;
  const std::map<std::string, entry>& all() const { return by_call_; }

private:
  std::map<std::string, entry> by_call_;
  std::deque<std::string> order_; ///< calls, oldest first
};

class feed_hub {
public:
  using clock_fn = std::function<std::int64_t()>;
  feed_hub(ports::event_store& store, const events::center_definition& center, clock_fn now,
           feed_options o = {});
  ~feed_hub(); ///< stops the subscription
  feed_hub(const feed_hub&) = delete;
  feed_hub& operator=(const feed_hub&) = delete;

  /// Subscribes from the store's first event. Until it has caught up with
  /// the head it was started at, `caught_up()` is false (`/readyz`).
  void start();
  bool caught_up() const { return caught_up_.load(); }
  /// The position the views have folded up to.
  std::uint64_t position() const;
  /// A subscription error (a record that does not decode): the feeds stop; `/readyz` says it.
  std::string failure() const;

  /// Runs `f` on the live view under the hub's lock (REST reads, /metrics).
  void read(const std::function<void(const projections::live::live_view&)>& f) const;
  /// Calls moved to and from other sites, by site (projections/federation/site_moves.hpp).
  nlohmann::json site_moves() const;
  /// The CRM profile JSON of a customer (null when unknown), under the lock.
  nlohmann::json customer(const std::string& tenant, const std::string& customer_id) const;

  /// A feed session for `who`, resuming after `since` (0: snapshot first).
  std::shared_ptr<ws_handler> open_session(events::identity::principal_view who,
                                           std::uint64_t since);

  struct counters {
    std::uint64_t sessions = 0, events_sent = 0, snapshots = 0, replays = 0, overflows = 0;
  };
  counters stats() const;

  struct impl;

private:
  std::atomic<bool> caught_up_{false};
  std::shared_ptr<impl> d_;
};

} // namespace hotline::drivers::api
