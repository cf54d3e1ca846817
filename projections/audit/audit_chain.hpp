#pragma once
/// Audit records (D6, F22) and their tamper-evident hash chain.
///
/// Canonical form of a record (docs/projections.md, "Audit hash chain"): the
/// concatenation of these fields as netstrings — `<decimal byte length>:<bytes>,`
/// — in this order, integers in decimal ASCII:
///   "hotline.audit.v1", seq, position, time_ns, site, tenant,
///   caused_by role ("system"|"user"|"agent"), caused_by id, type, stream,
///   call_id, agent_id, customer_id, queue, detail (the payload as compact
///   JSON with sorted keys).
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

  bool operator==(const audit_record&) const = default;
};

std::string canonical_bytes(const audit_record& r);
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
