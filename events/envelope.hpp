#pragma once
/// The envelope every hotline event travels in, and the two shapes an event
/// takes around the store:
///  - `proposed_event`: what a writer hands to `append` (id, metadata, payload
///    bytes already encoded by the codec);
///  - `recorded_event`: what the store hands back, with the stream name, the
///    stream revision (0-based, per stream) and the global position (1-based,
///    per node store, gap-free) that the store assigned.
/// Streams are named `category-id` (`call-42`, `agent-a7`, `queue-sales`,
/// `trunk-pstn1.3`); `stream_category` gives the part before the first '-'.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_id.hpp"

namespace hotline::events {

/// Who caused an event, for the audit trail (D6).
struct principal {
  enum class kind : std::uint8_t { system = 0, user = 1, agent = 2 };
  kind role = kind::system;
  std::string id; ///< user name, agent id, or the system component ("acd", "relay")

  bool operator==(const principal&) const = default;
  static principal system(std::string component) { return {kind::system, std::move(component)}; }
  static principal user(std::string name) { return {kind::user, std::move(name)}; }
  static principal agent(std::string agent_id) { return {kind::agent, std::move(agent_id)}; }

  template <class Archive> void serialize(Archive& ar) { ar(role, id); }
};

const char* to_string(principal::kind k) noexcept;
/// "system" | "user" | "agent"; false on anything else.
bool parse_principal_kind(std::string_view text, principal::kind& out) noexcept;

/// Metadata chosen by the writer. Times are UTC nanoseconds since the Unix
/// epoch, supplied by the caller (domain code never reads a clock).
struct event_meta {
  event_id id;        ///< unique; a retry reuses it (idempotent append)
  std::string site;   ///< the node (site) that wrote it
  std::string tenant; ///< the enterprise served (企业客服: one platform, many tenants)
  std::int64_t timestamp_ns = 0;
  event_id correlation; ///< the whole business flow (e.g. one customer call across sites)
  event_id causation;   ///< the event or command that caused this one
  principal caused_by;

  bool operator==(const event_meta&) const = default;
};

struct proposed_event {
  event_meta meta;
  std::string type;          ///< "call.answered"
  std::uint16_t version = 1; ///< schema version of `payload`
  std::string payload;       ///< codec binary form of the payload struct

  bool operator==(const proposed_event&) const = default;
};

struct recorded_event {
  std::string stream;
  std::uint64_t revision = 0; ///< 0-based index within `stream`
  std::uint64_t position = 0; ///< 1-based global position in this node's store
  event_meta meta;
  std::string type;
  std::uint16_t version = 1;
  std::string payload;

  bool operator==(const recorded_event&) const = default;
};

/// "call" for "call-42"; the whole name when it has no '-'.
std::string_view stream_category(std::string_view stream) noexcept;
/// "42" for "call-42"; empty when it has no '-'.
std::string_view stream_entity(std::string_view stream) noexcept;
/// A stream name is `category-id`: category of [a-z0-9_]+, id non-empty,
/// no control characters or NUL, at most 200 bytes.
bool is_valid_stream_name(std::string_view stream) noexcept;

/// ISO-8601 UTC with nanoseconds: "2026-11-23T03:37:28.123456789Z".
std::string format_timestamp(std::int64_t ns_since_epoch);
/// Parses the form above (fraction optional, 'Z' required). false if malformed.
bool parse_timestamp(std::string_view text, std::int64_t& ns_since_epoch) noexcept;

} // namespace hotline::events
