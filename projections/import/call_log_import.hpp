#pragma once
/// Turning another ACD's call log into hotline events (D5: replay someone
/// else's history through our projections). Pure: text in, events out; the
/// CLI appends them to a store (drivers/cli/import_command.cpp).
///
/// Two readers produce the same `call_record`s:
///  - the Technion "Anonymous Bank" 1999 preset (`parse_technion`), driven
///    by the header, so both the full column set (vru+line, call_id,
///    customer_id, priority, type, date, vru_entry, vru_exit, vru_time,
///    q_start, q_exit, q_time, outcome, ser_start, ser_exit, ser_time,
///    server) and reduced extracts (e.g. vru+line, date, q_start, q_exit,
///    q_time, ser_start, ser_exit, ser_time, server, caja) are read;
///  - any CSV with a JSON column map (`parse_csv_map` + `parse_mapped_csv`).
/// Mapping rules, the map file format and their defaults: docs/projections.md,
/// "Import".
///
/// A row that cannot be read is an `import_error` with its 1-based line
/// number (the header is line 1); the caller decides whether to skip it or
/// abort (strict mode).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/envelope.hpp"
#include "events/status.hpp"
#include "events/vocabulary.hpp"

namespace hotline::projections::import {

inline constexpr std::int64_t not_set = -1;

/// Reads a local wall time (ns since the epoch as if the reading were UTC)
/// as a UTC instant; nullopt when it is out of range. The CLI builds one from
/// `--timezone` (drivers/time_zone.hpp); none means the log is in UTC. Only
/// times written without a zone go through it (Technion times, `ymd_hms`,
/// ISO 8601 without `Z`); epoch numbers and `...Z` times are instants already.
using local_to_utc = std::function<std::optional<std::int64_t>(std::int64_t local_ns)>;

/// One call as a log describes it. Times are ns since the epoch, UTC, and in
/// life-cycle order (arrived <= queued <= connected <= ended, where set).
struct call_record {
  std::size_t line = 0;
  std::string call_id, caller, dialed, customer_id, queue, agent;
  events::contact_channel channel = events::contact_channel::voice;
  std::int32_t priority = 0;
  std::int64_t arrived_ns = not_set, queued_ns = not_set, connected_ns = not_set,
               ended_ns = not_set;
  events::call_outcome outcome = events::call_outcome::completed;
  std::map<std::string, std::string> attached;
};

struct import_error {
  std::size_t line = 0;
  std::string message;
  std::string
      reason; ///< the skip reason it is counted under (e.g. "time", "out_of_range", "columns")
};

/// A call id written on more than one row of a file (each row is still its
/// own call: see `events_of`).
struct repeated_call_id {
  std::string call_id;
  std::vector<std::size_t> lines;
};

struct parse_result {
  std::vector<call_record> calls;
  std::vector<import_error> errors; ///< malformed rows, in line order
  std::size_t rows = 0;             ///< data rows read (not counting the header or blank lines)
  std::size_t ignored = 0;          ///< rows that are valid but describe no call (Technion PHANTOM)
  std::size_t clamped = 0;          ///< calls whose stamps were out of life-cycle order (see docs)
  std::size_t no_agent = 0;         ///< answered calls with no agent (Technion AGENT + NO_SERVER)
  std::map<std::string, std::size_t>
      skipped_by_reason;                  ///< errors counted by `import_error::reason`
  std::vector<repeated_call_id> repeated; ///< call ids on more than one row, in first-line order
  events::status fatal; ///< a problem with the whole file (missing columns, bad map, bad UTF-8)
};

/// The first byte of `text` that is not valid UTF-8 (overlong forms,
/// surrogates and code points past U+10FFFF included), as a 1-based line and
/// column (in bytes) and its 0-based byte offset; nullopt when all of it is valid.
struct text_position {
  std::size_t line = 0, column = 0, offset = 0;
};
std::optional<text_position> first_invalid_utf8(std::string_view text);

struct technion_options {
  std::string default_queue = "bank"; ///< when there is no `type` column. Default: "bank"
  local_to_utc to_utc;                ///< the log's zone. Default: none (UTC)
};

parse_result parse_technion(std::string_view csv, const technion_options& options = {});

/// A CSV column map (see docs/projections.md, "Import", for the JSON form).
struct csv_map {
  char delimiter = ',';
  std::string time_format = "iso8601";                  ///< iso8601 | epoch_s | epoch_ms | ymd_hms
  std::map<std::string, std::string> columns;           ///< field -> column name
  std::map<std::string, events::call_outcome> outcomes; ///< log value -> call.ended outcome
  std::vector<std::string> attach;                      ///< columns copied into attached data
  std::map<std::string, std::string>
      defaults; ///< field -> value when the column is absent or empty
  /// What an empty `queued` cell means for a call with a queue that is not
  /// blocked: "arrival" (queued when it arrived; Default) or "none" (never
  /// queued: e.g. a hang-up in the IVR, counted as an IVR abandon, not a
  /// queue abandon). JSON key `empty_queued`.
  std::string empty_queued = "arrival";
};
events::result<csv_map> parse_csv_map(const nlohmann::json& j);
parse_result parse_mapped_csv(std::string_view csv, const csv_map& map,
                              const local_to_utc& to_utc = {});

struct event_options {
  std::string site = "import";   ///< Default: "import"
  std::string tenant;            ///< Default: empty
  std::string source = "import"; ///< part of every event id, so two sources never collide
  /// The file's name: with the log's call id and the row's line it makes the
  /// hotline call id `<call id>@<file>:<line>` (a log may reuse call ids).
  /// Default: "import"
  std::string file = "import";
};

/// The hotline call id of a logged call: `<call id>@<file>:<line>`, unique
/// per row and the same when the same file is imported again.
std::string imported_call_id(const call_record& call, const event_options& options);

/// All events of one call, for one append (stream `call-<imported id>`,
/// expected revision no_stream: a retry of the same file is idempotent).
struct call_events {
  std::string stream;
  std::vector<events::proposed_event> events;
};

/// The events of every call, one `call_events` per call, calls in order of
/// arrival (ties: file order). A call's events follow its life cycle
/// whatever its stamps say: call.arrived; call.queued if it reached a queue;
/// call.offered, call.connected and agent.call_started if it was answered
/// (the agent events only when an agent is known); call.ended; then
/// agent.call_ended and agent.logged_out (the log says nothing about
/// availability). The agent events of a call are in the call's stream, so a
/// call is stored whole or not at all; the agent is in their payload.
/// Event ids derive from (source, imported call id, index), so importing the
/// same file twice proposes the same ids. The log's own call id is attached
/// as `log_call_id`.
std::vector<call_events> events_of(const std::vector<call_record>& calls,
                                   const event_options& options);

} // namespace hotline::projections::import
