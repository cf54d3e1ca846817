// hotline import: another ACD's call log -> hotline events in a node's store,
// so its history can be replayed through the KPI, CRM and audit views (D5).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/time_zone.hpp"
#include "projections/import/call_log_import.hpp"

namespace hotline::cli {

namespace {

namespace pi = projections::import;

struct import_args {
  std::string store, format, map, preset, file, site = "import", tenant, queue = "bank", timezone;
  bool strict = false, quiet = false, progress = false;
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void run_import(const import_args& a) {
  if (a.preset.empty() == a.format.empty())
    return fail("give either --preset technion or --format csv --map FILE", 2);
  if (!a.format.empty() && a.map.empty()) return fail("--format csv needs --map FILE", 2);
  // The log's zone: times written without one are local readings there.
  auto zone = drivers::time_zone::utc();
  if (!a.timezone.empty()) {
    auto z = drivers::time_zone::locate(a.timezone);
    if (!z) return fail("--timezone: " + z.error().detail(), 2);
    zone = *z;
  }
  std::size_t skipped_local = 0, repeated_local = 0;
  pi::local_to_utc to_utc;
  if (!zone.is_utc())
    to_utc = [&](std::int64_t local) -> std::optional<std::int64_t> {
      auto r = zone.to_utc(local);
      if (!r) return std::nullopt;
      skipped_local += r->kind == drivers::local_time_kind::skipped;
      repeated_local += r->kind == drivers::local_time_kind::repeated;
      return r->utc_ns;
    };
  std::ifstream in{a.file, std::ios::binary};
  if (!in) return fail("cannot read " + a.file, 2);
  std::stringstream text;
  text << in.rdbuf();
  const std::string csv = text.str();

  pi::parse_result parsed;
  if (!a.preset.empty()) {
    pi::technion_options o;
    o.default_queue = a.queue;
    o.to_utc = to_utc;
    parsed = pi::parse_technion(csv, o);
  } else {
    std::ifstream mf{a.map, std::ios::binary};
    if (!mf) return fail("cannot read the map " + a.map, 2);
    auto j = nlohmann::json::parse(mf, nullptr, false);
    if (j.is_discarded()) return fail(a.map + " is not valid JSON", 2);
    auto map = pi::parse_csv_map(j);
    if (!map) return fail(a.map + ": " + map.error().detail(), 2);
    parsed = pi::parse_mapped_csv(csv, *map, to_utc);
  }
  if (!parsed.fatal) return fail(a.file + ": " + parsed.fatal.detail(), 2);
  const std::size_t shown = 20;
  for (std::size_t i = 0; i < parsed.errors.size() && i < shown; ++i)
    std::cerr << a.file << ":" << parsed.errors[i].line << ": " << parsed.errors[i].message << "\n";
  if (parsed.errors.size() > shown)
    std::cerr << "... and " << parsed.errors.size() - shown << " more malformed rows\n";
  if (a.strict && !parsed.errors.empty())
    return fail("aborted (--strict): " + std::to_string(parsed.errors.size()) +
                    " malformed rows, the first at line " +
                    std::to_string(parsed.errors.front().line) + "; nothing was imported",
                1);
  // A log may reuse call ids; each row stays its own call (see events_of).
  for (std::size_t i = 0; i < parsed.repeated.size() && i < shown; ++i) {
    const auto& r = parsed.repeated[i];
    std::string lines;
    for (std::size_t k = 0; k < r.lines.size() && k < 10; ++k)
      lines += (k ? ", " : "") + std::to_string(r.lines[k]);
    if (r.lines.size() > 10) lines += ", ...";
    std::cerr << a.file << ": call id " << r.call_id << " is on " << r.lines.size()
              << " rows (lines " << lines << "): imported as separate calls\n";
  }
  if (parsed.repeated.size() > shown)
    std::cerr << "... and " << parsed.repeated.size() - shown << " more repeated call ids\n";

  pi::event_options eo;
  eo.site = a.site;
  eo.tenant = a.tenant;
  eo.file = std::filesystem::path{a.file}.filename().string();
  for (auto& ch : eo.file)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '_';
  if (eo.file.size() > 60) eo.file.resize(60);
  eo.source = "import:" + eo.file;
  auto calls = pi::events_of(parsed.calls, eo);

  auto opened = drivers::rocksdb_event_store::open(a.store); // created when missing
  if (!opened) return fail(opened.error().message());
  auto& store = **opened;
  const std::uint64_t head_before = store.head_position();
  // One append per call, expecting no stream: a call is stored whole or not
  // at all, and a re-run (after a crash, or of the same file) finds the
  // calls already stored with the same ids and writes nothing for them.
  std::atomic<std::size_t> pending{0}, failed{0}, done{0}, already{0};
  std::string first_error;
  std::mutex error_mu;
  std::size_t events_total = 0;
  const std::size_t progress_every = a.progress ? std::max<std::size_t>(1, calls.size() / 20) : 0;
  for (auto& c : calls) {
    events_total += c.events.size();
    const std::string stream = c.stream;
    while (pending.load() > 4096)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    ++pending;
    store.append_async(c.stream, ports::expected_revision::no_stream(), std::move(c.events),
                       [&, stream](events::result<ports::append_result> r) {
                         if (!r) {
                           std::lock_guard lock{error_mu};
                           if (failed++ == 0) first_error = stream + ": " + r.error().message();
                         } else if (r->first_position != 0 && r->first_position <= head_before) {
                           ++already;
                         }
                         const auto n = ++done;
                         if (progress_every && n % progress_every == 0) {
                           std::lock_guard lock{error_mu};
                           std::cout << "progress: " << n << " of " << calls.size()
                                     << " calls stored" << std::endl;
                         }
                         --pending;
                       });
  }
  while (pending.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (failed > 0)
    return fail("appending failed for " + std::to_string(failed.load()) +
                " calls (each stored whole or not at all; "
                "the first: " +
                first_error + ")");
  if (!a.quiet) {
    std::string reasons;
    for (const auto& [reason, n] : parsed.skipped_by_reason)
      reasons += (reasons.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    std::cout << "imported " << plural(parsed.calls.size(), "call", "calls") << " (" << events_total
              << " events) from " << plural(parsed.rows, "row", "rows") << " of " << a.file << "; "
              << already.load() << " already in the store; times read as "
              << (a.timezone.empty() ? std::string{"UTC (default; --timezone ZONE for local times)"}
                                     : zone.name())
              << "\n  skipped " << parsed.errors.size() << " malformed rows"
              << (reasons.empty() ? "" : " (" + reasons + ")") << ", " << parsed.ignored
              << " ignored (PHANTOM), " << parsed.clamped
              << " calls with stamps out of life-cycle order clamped, " << parsed.no_agent
              << " answered with no agent (NO_SERVER), " << parsed.repeated.size()
              << " call ids on several rows";
    if (skipped_local + repeated_local > 0)
      std::cout << ", " << skipped_local << " local times in a clock-change gap, " << repeated_local
                << " in a repeated hour";
    std::cout << "\n  store head " << store.head_position() << "\n";
  }
}

} // namespace

void add_import_command(CLI::App& app) {
  auto a = std::make_shared<import_args>();
  auto* cmd =
      app.add_subcommand("import", "Turn another ACD's call log (CSV) into events in a store");
  cmd->footer(
      "Turn another ACD's call log (CSV) into events in a node's store\n\nExample:\n  hotline "
      "import --preset technion --timezone Asia/Jerusalem --store var/bank calls-1999-01.txt");
  cmd->add_option("--store", a->store, "The event store to append to (created when missing)")
      ->required();
  cmd->add_option("--preset", a->preset, "A known log format")->check(CLI::IsMember({"technion"}));
  cmd->add_option("--format", a->format, "Generic format, with --map")
      ->check(CLI::IsMember({"csv"}));
  cmd->add_option("--map", a->map, "JSON column map for --format csv (docs/projections.md)");
  cmd->add_option("--site", a->site, "Site (node) recorded on the events")->capture_default_str();
  cmd->add_option("--tenant", a->tenant, "Tenant recorded on the events");
  cmd->add_option("--queue", a->queue, "Technion: queue for rows without a `type` column")
      ->capture_default_str();
  cmd->add_flag("--strict", a->strict,
                "Abort on the first malformed row (default: skip and count them)");
  cmd->add_option(
      "--timezone", a->timezone,
      "IANA zone of the log's local times, e.g. Asia/Jerusalem (default: UTC); stored as UTC");
  cmd->add_flag("--progress", a->progress, "Print a progress line every 5 % of the calls stored");
  add_quiet_flag(cmd, a->quiet);
  cmd->add_option("file", a->file, "The call log")->required();
  cmd->callback([a] { run_import(*a); });
}

} // namespace hotline::cli
