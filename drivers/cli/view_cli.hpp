#pragma once
/// Pieces shared by the projection commands (replay, kpi, audit, crm,
/// import): argument parsing for times and durations, KPI options, opening
/// stores, the progress bar.
#include "drivers/cli/output.hpp"
#include <cstdint>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/view_store.hpp"
#include "projections/kpi/kpi_projection.hpp"

namespace hotline::cli {

/// The one parser of time options (--from, --to of kpi, audit, replay):
/// RFC 3339 "2024-01-01T08:00:00Z" or with an offset "2024-01-01T10:00:00+02:00"
/// (fractions allowed), "2024-01-01T08:00:00" (UTC), "2024-01-01" (midnight UTC).
bool parse_time_arg(const std::string& text, std::int64_t& ns);
/// What parse_time_arg accepts, for error messages.
extern const char* const time_arg_formats;
/// --from and --to (either may be empty: then its output is left as is).
/// False with `error` set ("--to '...' is not a time: expected ...", or
/// "--to ... is not after --from ...: no event can match") otherwise.
bool parse_time_range_args(const std::string& from, const std::string& to, std::int64_t& from_ns,
                           std::int64_t& to_ns, std::string& error);
/// "90s", "15m", "1h", "7d" -> milliseconds. A unit is required.
bool parse_duration_arg(const std::string& text, std::int64_t& ms);

/// The KPI flags as typed on the command line.
struct kpi_flags {
  std::string interval = "15m";
  double sl_threshold_s = 20;
  double short_abandon_s = 5;
  std::string sl_definition = "offered_net";
  std::string fcr_window = "24h";
};
void add_kpi_flags(CLI::App& cmd, kpi_flags& flags);
/// The options, or a message saying which flag is wrong.
bool to_kpi_options(const kpi_flags& flags, projections::kpi::kpi_options& out, std::string& error);

/// Opens an existing event store read-only (no file changed, works beside a
/// running node, nothing created when it is missing); prints the reason and
/// sets exit code 1 on failure.
std::unique_ptr<drivers::rocksdb_event_store> open_event_store(const std::string& dir);
/// Opens (creating) a view store; prints the reason and sets exit code 1 on failure.
std::unique_ptr<drivers::view_store> open_view_store(const std::string& dir, bool create = true);
/// Where the views of a store go when --views is not given: `<store>.views`,
/// beside the store (never inside it: readers write nothing there).
std::string default_views_dir(const std::string& store_dir);

/// Opens the view store `views_dir` (default: default_views_dir(store_dir))
/// and, unless `no_update`, folds the store's new events into `projection`
/// first. The event store is opened read-only (a running node's store is
/// read as of the open); a view that cannot be resumed is reported on
/// stderr and read as of its checkpoint.
/// nullptr (with the reason printed) when the view store cannot be opened.
std::unique_ptr<drivers::view_store> updated_view(const std::string& store_dir,
                                                  const std::string& views_dir, bool no_update,
                                                  bool quiet,
                                                  projections::view_projection& projection);

/// A one-line progress bar on stderr, drawn only when stderr is a terminal
/// and not quiet; at most 10 redraws a second.
class progress_bar {
public:
  explicit progress_bar(bool quiet);
  ~progress_bar();
  void update(std::uint64_t done, std::uint64_t total, double elapsed_s);
  void finish();

private:
  bool enabled_;
  bool drawn_ = false;
  double last_draw_ = -1;
};

} // namespace hotline::cli
