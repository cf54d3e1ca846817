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
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::projections::import {

inline constexpr std::int64_t not_set = -1;

/// One call as a log describes it. Times are ns since the epoch, UTC.
struct call_record {
  std::size_t line = 0;
  std::string call_id, caller, dialed, customer_id, queue, agent;
  std::string channel = "voice";
  std::int32_t priority = 0;
  std::int64_t arrived_ns = not_set, queued_ns = not_set, connected_ns = not_set, ended_ns = not_set;
  std::string outcome; ///< a call.ended outcome: completed | abandoned | blocked | ...
  std::map<std::string, std::string> attached;
};

struct import_error {
  std::size_t line = 0;
  std::string message;
};

struct parse_result {
  std::vector<call_record> calls;
  std::vector<import_error> errors; ///< malformed rows, in line order
  std::size_t rows = 0;             ///< data rows read (not counting the header or blank lines)
  std::size_t ignored = 0;          ///< rows that are valid but describe no call (Technion PHANTOM)
  events::status fatal;             ///< a problem with the whole file (missing columns, bad map)
};

struct technion_options {
  std::string default_queue = "bank"; ///< when there is no `type` column. Default: "bank"
};

parse_result parse_technion(std::string_view csv, const technion_options& options = {});

/// A CSV column map (see docs/projections.md, "Import", for the JSON form).
struct csv_map {
  char delimiter = ',';
  std::string time_format = "iso8601"; ///< iso8601 | epoch_s | epoch_ms | ymd_hms
  std::map<std::string, std::string> columns;  ///< field -> column name
  std::map<std::string, std::string> outcomes; ///< log value -> call.ended outcome
  std::vector<std::string> attach;             ///< columns copied into attached data
  std::map<std::string, std::string> defaults; ///< field -> value when the column is absent or empty
};
events::result<csv_map> parse_csv_map(const nlohmann::json& j);
parse_result parse_mapped_csv(std::string_view csv, const csv_map& map);

struct event_options {
  std::string site = "import";     ///< Default: "import"
  std::string tenant;              ///< Default: empty
  std::string source = "import";   ///< part of every event id, so two sources never collide
};

struct stream_event {
  std::string stream;
  events::proposed_event event;
};

/// The events of every call, sorted by time (ties keep call and event order):
/// call.arrived; call.queued if it reached a queue; call.offered,
/// call.connected and agent.call_started if an agent took it; call.ended; agent.call_ended and
/// agent.logged_out (the log says nothing about availability) after an
/// agent's call. Event ids derive from (source, call id, index), so
/// importing the same file twice proposes the same ids.
std::vector<stream_event> events_of(const std::vector<call_record>& calls, const event_options& options);

} // namespace hotline::projections::import
