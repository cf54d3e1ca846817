#pragma once
/// The audit trail's verification (`hotline audit verify`, and the node
/// API's `GET /api/audit/verify`): the hash chain stored in a view store
/// walked record by record, then rebuilt from the event store and compared
/// with the stored one, so that a changed, removed, reordered or corrupt
/// record or event is found and named (docs/projections.md, "Audit hash
/// chain"). Reads only; thread safety as the stores'.
#include <cstdint>
#include <optional>
#include <string>

#include "actors/ports/event_store.hpp"
#include "drivers/views/view_store.hpp"
#include "projections/audit/audit_chain.hpp"

namespace hotline::drivers {

/// A check that failed: where, and why.
struct audit_finding {
  std::uint64_t position = 0; ///< the event's global position; 0: not tied to one
  std::string what;
};

/// Feeds every stored chain row of `views` to `v` in seq order, then the
/// stored head (`v.finish`, unless a row failed already). An error only when
/// the view store cannot be read or its head row is malformed.
events::status walk_audit_chain(const view_store& views, projections::audit::chain_verifier& v);

/// The chain rebuilt from `store`'s events up to `checkpoint` (the audit
/// view's), compared record by record with the `stored_records` rows of
/// `views`: the first event or record where they differ. Events after the
/// checkpoint are not in the chain yet but must decode; `unaudited` counts
/// them. nullopt when everything matches.
std::optional<audit_finding> check_audit_against_events(const ports::event_store& store,
                                                        const view_store& views,
                                                        std::uint64_t checkpoint,
                                                        std::uint64_t stored_records,
                                                        std::uint64_t& unaudited);

/// What one whole verification found.
struct audit_verification {
  bool ok = false;
  std::uint64_t records = 0;               ///< chain records that verify (before the first bad one)
  std::string head_hash;                   ///< hex of the last good record's chain hash
  std::uint64_t checkpoint = 0;            ///< events up to this position are in the chain
  std::uint64_t unaudited = 0;             ///< later events, not in the chain yet
  bool events_checked = false;             ///< the chain was compared with the events
  std::optional<std::uint64_t> bad_record; ///< the first bad chain record (seq), if the chain broke
  std::optional<audit_finding> problem;    ///< why it is not ok
};

/// The chain of `views` walked, then (with `store`) compared with the
/// events: `hotline audit verify` without anchors. An error only when a
/// store cannot be read.
events::result<audit_verification> verify_audit_trail(const view_store& views,
                                                      const ports::event_store* store);

} // namespace hotline::drivers
