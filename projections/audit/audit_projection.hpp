#pragma once
/// The audit trail (D6): every event — command.rejected included — becomes
/// an audit record in an append-only hash chain (projections/audit/audit_chain.hpp):
/// who (caused_by role and id), what (type and the payload as JSON), when,
/// which call / agent / customer / queue, which node (site).
///
/// The customer of a call is named on the call's events from call.arrived
/// (or queue.call_joined) until call.ended, and on agent events that name
/// that call meanwhile; a query by customer also follows the call ids
/// (`audit_query` below).
///
/// Rows (under "audit/"): `rec/<seq, 20 digits>` (the record row),
/// `head` (last seq and hash), `call/<id>` (customer of an open call).
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "projections/audit/audit_chain.hpp"
#include "projections/view_projection.hpp"

namespace hotline::projections::audit {

/// The row key of record `seq`.
std::string record_key(std::uint64_t seq);
inline constexpr std::string_view records_prefix = "audit/rec/";
/// The seq in a record key; nullopt when `key` is not one.
std::optional<std::uint64_t> seq_of_key(std::string_view key);
inline constexpr std::string_view head_key = "audit/head";

class audit_projection final : public view_projection {
public:
  audit_projection();
  ~audit_projection() override;

  std::string_view name() const noexcept override { return "audit"; }
  events::status apply(const events::recorded_event& e) override;
  void collect(view_changes& out) override;
  events::status restore(std::string_view key, std::string_view value) override;
  /// Refuses a chain whose stored records go beyond its head (it would be
  /// overwritten).
  events::status finish_restore() override;

  /// The record an event becomes (seq and chain not assigned; the customer
  /// of an open call not yet carried over).
  static events::result<audit_record> record_of(const events::recorded_event& e);
  chain_head head() const;

  struct state;

private:
  std::unique_ptr<state> s_;
};

/// Filters for `hotline audit query`. Empty fields match everything.
struct audit_query {
  std::string call_id, agent_id, customer_id, user, type;
  std::int64_t from_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ns = std::numeric_limits<std::int64_t>::max();
};

/// Matches records one by one, in seq order. A customer query matches the
/// records naming the customer and every later record of a call that named
/// them.
class audit_matcher {
public:
  explicit audit_matcher(audit_query q) : q_(std::move(q)) {}
  bool matches(const audit_record& r);

private:
  audit_query q_;
  std::set<std::string, std::less<>> customer_calls_;
};

} // namespace hotline::projections::audit
