// The audit trail's verification (audit_verify.hpp): moved here from
// `hotline audit verify` so that the node API runs the same code.
#include "drivers/views/audit_verify.hpp"

#include "drivers/views/event_scan.hpp"
#include "projections/audit/audit_projection.hpp"

namespace hotline::drivers {

namespace pa = projections::audit;

events::status walk_audit_chain(const view_store& views, pa::chain_verifier& v) {
  auto st = views.scan(pa::records_prefix, [&](std::string_view key, std::string_view row) {
    auto seq = pa::seq_of_key(key);
    v.next(seq ? *seq : 0, row);
    return v.ok();
  });
  if (!st) return st;
  auto head_row = views.get(pa::head_key);
  if (!head_row) return head_row.error();
  std::optional<pa::chain_head> head;
  if (*head_row) {
    auto h = pa::decode_head(**head_row);
    if (!h) return {events::errc::corrupt_record, "the chain head row is malformed"};
    head = *h;
  }
  if (v.ok()) v.finish(head);
  return {};
}

std::optional<audit_finding> check_audit_against_events(const ports::event_store& store,
                                                        const view_store& views,
                                                        std::uint64_t checkpoint,
                                                        std::uint64_t stored_records,
                                                        std::uint64_t& unaudited) {
  pa::audit_projection rebuilt;
  projections::view_changes changes;
  std::uint64_t expected = 1;
  std::optional<audit_finding> bad;
  scan_options so;
  so.to =
      store
          .head_position(); // events after the checkpoint are not in the chain yet, but must decode
  scan_callbacks cb;
  cb.on_event = [&](const events::recorded_event& e) -> events::status {
    if (e.position != expected) {
      bad = audit_finding{expected, "the event at position " + std::to_string(expected) +
                                        " is missing from the store (the next one stored is at " +
                                        std::to_string(e.position) + ")"};
      return {events::errc::not_found, "missing event"};
    }
    ++expected;
    events::status st;
    try {
      if (e.position > checkpoint) {
        ++unaudited;
        auto r = pa::audit_projection::record_of(e);
        return r ? events::status{}
                 : (bad = audit_finding{e.position,
                                        "the event cannot be audited: " + r.error().message()},
                    r.error());
      }
      st = rebuilt.apply(e);
    } catch (const std::exception& ex) {
      st = {events::errc::corrupt_record, ex.what()};
    }
    if (!st) {
      bad = audit_finding{e.position, "the event cannot be audited: " + st.message()};
      return st;
    }
    changes.clear();
    rebuilt.collect(changes);
    for (const auto& [key, row] : changes.puts) {
      auto seq = pa::seq_of_key(key);
      if (!seq) continue;
      auto stored = views.get(key);
      if (!stored) {
        bad = audit_finding{e.position, stored.error().message()};
        return stored.error();
      }
      if (!*stored) {
        bad = audit_finding{e.position,
                            "record " + std::to_string(*seq) + " of the event at position " +
                                std::to_string(e.position) +
                                " is missing from the chain (the chain ends at record " +
                                std::to_string(stored_records) + ")"};
        return {events::errc::not_found, "missing record"};
      }
      if (**stored == row) continue;
      auto mine = pa::decode_row(row);
      auto theirs = pa::decode_row(**stored);
      std::string why = "record " + std::to_string(*seq) +
                        " does not match the event stored at position " +
                        std::to_string(e.position);
      if (mine && theirs && theirs->first.event_digest.empty())
        why += " (the record is audit.v1, not bound to its event's bytes: rebuild the views with "
               "`hotline replay` "
               "to verify against the events)";
      else if (mine && theirs && theirs->first.position != e.position)
        why += ": the record is of the event at position " +
               std::to_string(theirs->first.position) + " (events or records reordered)";
      else if (mine && theirs && mine->first.event_digest != theirs->first.event_digest)
        why += ": the event was changed, replaced or swapped since it was audited (its digest "
               "differs)";
      else
        why += ": the record was changed";
      bad = audit_finding{e.position, why};
      return {events::errc::corrupt_record, "mismatch"};
    }
    return {};
  };
  auto st = scan_events(store, so, cb);
  if (bad) return bad;
  if (!st) {
    // A record that does not decode: scan_events names its position.
    return audit_finding{expected, "the event does not decode: " + st.message()};
  }
  if (expected <= so.to)
    return audit_finding{expected, "the events from position " + std::to_string(expected) + " to " +
                                       std::to_string(so.to) + " are missing from the store"};
  if (rebuilt.head().seq < stored_records)
    return audit_finding{
        0, "record " + std::to_string(rebuilt.head().seq + 1) +
               " and later name events the store does not hold (the store ends at position " +
               std::to_string(store.head_position()) + ")"};
  if (checkpoint > store.head_position())
    return audit_finding{store.head_position() + 1,
                         "the chain covers events up to position " + std::to_string(checkpoint) +
                             ", the store ends at position " +
                             std::to_string(store.head_position()) + ": events removed"};
  return std::nullopt;
}

events::result<audit_verification> verify_audit_trail(const view_store& views,
                                                      const ports::event_store* store) {
  audit_verification out;
  pa::chain_verifier v;
  if (auto st = walk_audit_chain(views, v); !st) {
    if (st.code() != events::errc::corrupt_record) return st;
    out.problem = audit_finding{0, st.detail()};
    return out;
  }
  out.records = v.checked();
  out.head_hash = v.last_hash_hex();
  auto cp = views.checkpoint("audit");
  if (!cp) return cp.error();
  out.checkpoint = *cp ? **cp : 0;
  if (!v.ok()) {
    out.bad_record = *v.first_bad();
    out.problem = audit_finding{0, "record " + std::to_string(*v.first_bad()) + ": " + v.problem()};
    return out;
  }
  if (store) {
    out.events_checked = true;
    if (auto bad =
            check_audit_against_events(*store, views, out.checkpoint, v.checked(), out.unaudited)) {
      out.problem = std::move(*bad);
      return out;
    }
  }
  out.ok = true;
  return out;
}

} // namespace hotline::drivers
