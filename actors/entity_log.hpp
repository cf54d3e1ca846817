#pragma once
/// The event log of one actor's entity (a call, an agent, a queue, a trunk
/// channel): recovers the entity by folding its stream, and appends decided
/// events with the expected revision, stamping their envelopes.
///
/// Appends are pipelined: the actor applies its events at once (so the next
/// command sees them) and the continuation given to `append` runs only
/// after the store has committed them — side effects (messages to other
/// actors, replies) go there. Continuations run in the actor's own context
/// and in append order. If an append fails, the continuation gets the error
/// and the actor must stop: its state is ahead of the store, and recovery
/// from the store is the truth.
///
/// Completion modes: `inline_commits` (the simulator, with an in-memory
/// store that completes synchronously: deterministic) or posted back to the
/// actor as a `deferred` message (production: the RocksDB writer thread).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/time_source.hpp"
#include "drivers/store/event_store.hpp"
#include "events/catalog.hpp"

namespace hotline::actors {

/// What every actor of a node shares for persistence.
struct persistence {
  drivers::event_store* store = nullptr;
  const time_source* clock = nullptr;
  std::string site = "site-1";
  bool inline_commits = false; ///< completions run synchronously (simulation)
};

class entity_log {
public:
  using post_fn = std::function<void(std::function<void()>)>;

  entity_log(const persistence& p, std::string stream, post_fn post);

  const std::string& stream() const { return stream_; }
  /// The revision the next appended event gets.
  std::uint64_t next_revision() const { return next_revision_; }

  /// Folds the stored stream: `apply(event, at_ns)` for every event, in order.
  events::status recover(const std::function<void(const events::event&, std::int64_t)>& apply);

  /// Appends `evs` (stamped `at_ns`, for `tenant`, caused by `who`, in the
  /// business flow `correlation`); then runs `then(status)` in the actor.
  void append(std::vector<events::event> evs, std::int64_t at_ns, const std::string& tenant,
              events::principal who, events::event_id correlation,
              std::function<void(const events::status&)> then);

private:
  const persistence& p_;
  std::string stream_;
  post_fn post_;
  std::uint64_t next_revision_ = 0;
};

/// The correlation id of everything that happens for one call.
events::event_id call_correlation(const std::string& call_id);

} // namespace hotline::actors
