#pragma once
/// The event log of one actor's entity (a call, an agent, a queue, a trunk
/// channel): recovers the entity by folding its stream, and appends decided
/// events with the expected revision, stamping their envelopes.
///
/// When effects run: an actor applies its events at once (so the next
/// command sees them) and hands them to the store; the continuation given
/// to `append` runs as soon as the store has *sequenced* them (append_async
/// returned: their place in the store's one global order is fixed), not
/// after the disk sync. Messages to the other actors of the node go there,
/// so routing never waits for an fsync (3 ms at the median on this
/// machine's disk, and three syncs lay on the enqueue->offer path).
///
/// Why that is safe (docs/actors.md): the store commits in the order
/// appends were handed to it, and a commit that fails fails every append
/// prepared behind it. A message sent at sequencing makes its receiver append
/// *after* the sender, so whatever the receiver makes durable, the sender's
/// cause is durable too: a crash loses a suffix of the node's history,
/// never a cause while keeping its effect. A failed append stops the actor
/// with the error (the failure handler), which stops the node's ACD.
///
/// What leaves the node — the observer (telephony, desktops, the
/// simulator), the federation's Kafka messages — must not get ahead of
/// the disk: `when_durable(f)` runs `f` once everything this log appended
/// so far is committed, on the thread that completed the commit (so `f`
/// only sends messages, and it runs even if the actor has quit since).
///
/// Completion modes: `inline_commits` (the simulator, with an in-memory
/// store that completes synchronously: deterministic; sequenced and durable
/// are the same moment) or the RocksDB writer threads (production).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "actors/time_source.hpp"
#include "events/catalog.hpp"

namespace hotline::actors {

/// What every actor of a node shares for persistence.
struct persistence {
  ports::event_store* store = nullptr;
  const time_source* clock = nullptr;
  std::string site = "site-1";
  bool inline_commits = false; ///< completions run synchronously (simulation)
};

class entity_log {
public:
  using post_fn = std::function<void(std::function<void()>)>;

  using failure_fn = std::function<void(const events::status&)>;

  /// `on_failure` runs in the actor (through `post`) when an append it
  /// already went on from fails to commit; the actor must stop.
  entity_log(const persistence& p, std::string stream, post_fn post, failure_fn on_failure = {});

  const std::string& stream() const { return stream_; }
  /// The revision the next appended event gets.
  std::uint64_t next_revision() const { return next_revision_; }

  /// Folds the stored stream: `apply(event, at_ns)` for every event, in order.
  events::status recover(const std::function<void(const events::event&, std::int64_t)>& apply);

  /// Appends `evs` (stamped `at_ns`, for `tenant`, caused by `who`, in the
  /// business flow `correlation`). Their ids are version 7 UUIDs named after
  /// the stream and revision; their causation is the id of the command that
  /// decided them, named after the stream and the revision it was decided
  /// at (shared by every event of the append); runs `then()` once they are sequenced
  /// (inline mode: committed). An append refused at once (inline mode, or a
  /// store that completes synchronously) goes to the failure handler and
  /// `then` does not run.
  void append(std::vector<events::event> evs, std::int64_t at_ns, const std::string& tenant,
              events::principal who, events::event_id correlation, std::function<void()> then);

  /// Runs `f` once every event appended so far is durable: at once if
  /// nothing is in flight, else on the committing thread. Dropped if that
  /// commit fails.
  void when_durable(std::function<void()> f);

  /// Every append so far is committed (or failed).
  bool settled() const;

  struct durable_hook; ///< the newest append's completion, shared with the store's callback

private:
  const persistence& p_;
  std::string stream_;
  /// How a failed commit reaches the actor: shared with every append's
  /// store callback (one pointer each, instead of a copy of both functions).
  struct failure_route {
    post_fn post;
    failure_fn on_failure;
  };
  std::shared_ptr<const failure_route> failure_;
  std::uint64_t next_revision_ = 0;
  std::shared_ptr<durable_hook> last_; ///< the newest append's completion (null: none yet)
};

/// The correlation id of everything that happens for one call.
events::event_id call_correlation(const std::string& call_id);
/// The correlation id of what an agent does outside any call (logging in,
/// ready, breaks); what it does for a call carries the call's.
events::event_id agent_correlation(const std::string& agent_id);

} // namespace hotline::actors
