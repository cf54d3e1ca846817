#pragma once
/// Audit records (D6, F22) and their tamper-evident hash chain.
///
/// Canonical form of a record (docs/projections.md, "Audit hash chain"): the
/// concatenation of these fields as netstrings — `<decimal byte length>:<bytes>,`
/// — in this order, integers in decimal ASCII:
///   "hotline.audit.v1", seq, position, time_ns, site, tenant,
///   caused_by role ("system"|"user"|"agent"), caused_by id, type, stream,
///   call_id, agent_id, customer_id, queue, detail (the payload as compact
///   JSON with sorted keys; text that is not valid UTF-8 as U+FFFD).
/// Version 2 ("hotline.audit.v2", written since the audit trail is checked
/// against the events) appends one field: event_digest, the hex SHA-256 of
/// the event's own canonical form (event_digest_hex below), which binds the
/// record to every byte of the event (ids, metadata, payload) so that a
/// changed, swapped or missing event no longer matches its record. Version 1
/// rows (16 fields, no digest) still verify as a chain.
/// Chain: hash_0 = 32 zero bytes; hash_i = SHA-256(hash_{i-1} || canonical_i).
/// A stored row is canonical_i followed by the netstring of hex(hash_i).
///
/// The verifier walks rows in seq order and names the first bad record:
/// a changed record (its hash does not match), a removed one (a seq is
/// missing, or the head says there were more), a reordered or renumbered
/// one (a row stored under seq k claims another seq), or a record whose
/// predecessor was altered (it no longer chains).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::projections::audit {

using digest = std::array<unsigned char, 32>;

struct audit_record {
  std::uint64_t seq = 0;      ///< 1-based place in the chain
  std::uint64_t position = 0; ///< the event's global position
  std::int64_t time_ns = 0;
  std::string site, tenant;
  events::principal caused_by;
  std::string type, stream;
  std::string call_id, agent_id, customer_id, queue;
  std::string detail;
  std::string event_digest; ///< hex SHA-256 of the event (v2); empty in a v1 row

  bool operator==(const audit_record&) const = default;
};

/// v2 form when r.event_digest is set, else the v1 form.
/// Appends `s` as a netstring (`<length>:<bytes>,`): the unambiguous
/// framing of every signed or hashed byte string (records, anchors).
void append_netstring(std::string& out, std::string_view s);

std::string canonical_bytes(const audit_record& r);
/// The event's canonical form, hashed: netstrings of "hotline.event.v1",
/// position, stream, revision, type, version, id, correlation, causation,
/// time_ns, site, tenant, caused_by role and id, and the payload bytes as
/// stored. Independent of the store's record layout and checksum.
std::string event_digest_hex(const events::recorded_event& e);
digest chain_hash(const digest& previous, std::string_view canonical);
std::string to_hex(const digest& d);

/// canonical_bytes(r) + netstring(hex(hash)).
std::string encode_row(const audit_record& r, const digest& hash);
/// The record and the hash stored with it; corrupt_record if it does not parse.
events::result<std::pair<audit_record, digest>> decode_row(std::string_view row);

/// The chain head, stored beside the records: the last seq and its hash.
struct chain_head {
  std::uint64_t seq = 0;
  digest hash{};
};
std::string encode_head(const chain_head& h);
events::result<chain_head> decode_head(std::string_view row);

/// Checks a chain row by row, in seq order.
class chain_verifier {
public:
  /// Called with each record that verifies, and its chain hash (to check
  /// anchors and the events against it).
  std::function<void(const audit_record&, const digest&)> on_record;

  /// Feeds the row stored under seq `stored_seq`.
  void next(std::uint64_t stored_seq, std::string_view row);
  /// Ends the walk; `head` is the stored head (nullopt when absent).
  void finish(const std::optional<chain_head>& head);

  bool ok() const noexcept { return !first_bad_; }
  /// The seq of the first bad record.
  std::optional<std::uint64_t> first_bad() const noexcept { return first_bad_; }
  const std::string& problem() const noexcept { return problem_; }
  std::uint64_t checked() const noexcept { return checked_; }
  /// hex of the last good hash (to anchor externally).
  std::string last_hash_hex() const { return to_hex(previous_); }

private:
  void fail(std::uint64_t seq, std::string why);
  std::uint64_t expected_ = 1;
  std::uint64_t checked_ = 0;
  digest previous_{};
  std::optional<std::uint64_t> first_bad_;
  std::string problem_;
};

} // namespace hotline::projections::audit
