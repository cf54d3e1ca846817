#pragma once
/// The node's webhook subscriptions (F23, docs/api.md "Webhooks"): the
/// `webhook-<id>` streams folded into memory, and the one writer of them.
///
/// `execute` is the entity loop of events/webhooks/subscription.hpp:
/// fold (the registry's state of the stream), decide, append with the
/// expected revision (blocking until the store commits), evolve, then tell
/// the listener (the dispatcher). The registry is the only writer of
/// webhook streams on a node, and it runs one command at a time (a mutex),
/// so its state is the stream's; an append the store refuses leaves the
/// state as it was and answers "store_failed". Subscriptions are admin
/// configuration (a few changes a day), so this loop needs no actor: it
/// runs on the API's webhook worker thread and on the dispatcher's threads
/// (the circuit's suspend_webhook), never on the I/O thread.
///
/// Thread safety: every member may be called from any thread.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "events/envelope.hpp"
#include "events/webhooks/subscription.hpp"

namespace hotline::drivers::api {

/// One subscription as the registry holds it.
struct webhook_entry {
  events::webhooks::state s;
  std::uint64_t created_position = 0; ///< the store position of its webhook.subscribed
  std::uint64_t last_revision = 0;    ///< of its stream
};

class webhook_registry {
public:
  using clock_fn = std::function<std::int64_t()>;
  /// `site` stamps the events it writes.
  webhook_registry(ports::event_store& store, std::string site);

  /// Folds every webhook stream of the store. An error names the stream and
  /// position it could not read.
  events::status recover();

  /// The decider's verdict on `cmd` for subscription `id`, authored by `author`:
  /// the state after it (unchanged for a no-op), or the rejection
  /// (`store_failed` when the store refused the append).
  std::variant<webhook_entry, events::rejection> execute(const std::string& id,
                                                         const events::webhooks::command& cmd,
                                                         const events::principal& author);

  /// The subscription `id` (deleted ones too), or nothing.
  std::optional<webhook_entry> find(const std::string& id) const;
  /// The live (not deleted) subscriptions of `tenant` ("*": every tenant), by id.
  std::vector<webhook_entry> list(const std::string& tenant) const;

  /// Called after every change (outside the registry's lock), with the new entry.
  void on_change(std::function<void(const webhook_entry&)> f);

private:
  void apply(const events::recorded_event& rec, const events::webhooks::event& e);

  ports::event_store& store_;
  std::string site_;
  mutable std::mutex m_; ///< guards entries_
  std::mutex writer_;    ///< one command at a time
  std::map<std::string, webhook_entry> entries_;
  std::function<void(const webhook_entry&)> listener_;
};

} // namespace hotline::drivers::api
