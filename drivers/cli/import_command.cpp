// hotline import: another ACD's call log -> hotline events in a node's store,
// so its history can be replayed through the KPI, CRM and audit views (D5).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <mutex>
#include <thread>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "projections/import/call_log_import.hpp"

namespace hotline::cli {

namespace {

namespace pi = projections::import;

struct import_args {
  std::string store, format, map, preset, file, site = "import", tenant, queue = "bank";
  bool strict = false, quiet = false;
};

void run_import(const import_args& a) {
  if (a.preset.empty() == a.format.empty())
    return fail("give either --preset technion or --format csv --map FILE", 2);
  if (!a.format.empty() && a.map.empty()) return fail("--format csv needs --map FILE", 2);
  std::ifstream in{a.file, std::ios::binary};
  if (!in) return fail("cannot read " + a.file, 2);
  std::stringstream text;
  text << in.rdbuf();
  const std::string csv = text.str();

  pi::parse_result parsed;
  if (!a.preset.empty()) {
    pi::technion_options o;
    o.default_queue = a.queue;
    parsed = pi::parse_technion(csv, o);
  } else {
    std::ifstream mf{a.map, std::ios::binary};
    if (!mf) return fail("cannot read the map " + a.map, 2);
    auto j = nlohmann::json::parse(mf, nullptr, false);
    if (j.is_discarded()) return fail(a.map + " is not valid JSON", 2);
    auto map = pi::parse_csv_map(j);
    if (!map) return fail(a.map + ": " + map.error().detail(), 2);
    parsed = pi::parse_mapped_csv(csv, *map);
  }
  if (!parsed.fatal) return fail(a.file + ": " + parsed.fatal.detail(), 2);
  const std::size_t shown = 20;
  for (std::size_t i = 0; i < parsed.errors.size() && i < shown; ++i)
    std::cerr << a.file << ":" << parsed.errors[i].line << ": " << parsed.errors[i].message << "\n";
  if (parsed.errors.size() > shown)
    std::cerr << "... and " << parsed.errors.size() - shown << " more malformed rows\n";
  if (a.strict && !parsed.errors.empty())
    return fail("aborted (--strict): " + std::to_string(parsed.errors.size()) +
                    " malformed rows, the first at line " + std::to_string(parsed.errors.front().line) +
                    "; nothing was imported",
                1);

  pi::event_options eo;
  eo.site = a.site;
  eo.tenant = a.tenant;
  eo.source = "import:" + std::filesystem::path{a.file}.filename().string();
  auto events = pi::events_of(parsed.calls, eo);

  auto opened = drivers::rocksdb_event_store::open(a.store); // created when missing
  if (!opened) return fail(opened.error().message());
  auto& store = **opened;
  // Appended in time order; consecutive events of one stream go together.
  std::atomic<std::size_t> pending{0}, failed{0};
  std::string first_error;
  std::mutex error_mu;
  for (std::size_t i = 0; i < events.size();) {
    std::size_t j = i + 1;
    while (j < events.size() && events[j].stream == events[i].stream) ++j;
    std::vector<events::proposed_event> batch;
    for (std::size_t k = i; k < j; ++k) batch.push_back(std::move(events[k].event));
    ++pending;
    store.append_async(events[i].stream, drivers::expected_revision::any(), std::move(batch),
                       [&](events::result<drivers::append_result> r) {
                         if (!r) {
                           std::lock_guard lock{error_mu};
                           if (failed++ == 0) first_error = r.error().message();
                         }
                         --pending;
                       });
    i = j;
  }
  while (pending.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (failed > 0) return fail("appending failed: " + first_error);
  if (!a.quiet)
    std::cout << "imported " << parsed.calls.size() << " calls (" << events.size() << " events) from "
              << parsed.rows << " rows of " << a.file << "; " << parsed.errors.size()
              << " malformed rows skipped, " << parsed.ignored << " ignored (PHANTOM); store head "
              << store.head_position() << "\n";
}

} // namespace

void add_import_command(CLI::App& app) {
  auto a = std::make_shared<import_args>();
  auto* cmd = app.add_subcommand("import", "Turn another ACD's call log (CSV) into events in a node's store");
  cmd->add_option("--store", a->store, "The event store to append to (created when missing)")->required();
  cmd->add_option("--preset", a->preset, "A known log format")->check(CLI::IsMember({"technion"}));
  cmd->add_option("--format", a->format, "Generic format, with --map")->check(CLI::IsMember({"csv"}));
  cmd->add_option("--map", a->map, "JSON column map for --format csv (docs/projections.md)");
  cmd->add_option("--site", a->site, "Site (node) recorded on the events")->capture_default_str();
  cmd->add_option("--tenant", a->tenant, "Tenant recorded on the events");
  cmd->add_option("--queue", a->queue, "Technion: queue for rows without a `type` column")->capture_default_str();
  cmd->add_flag("--strict", a->strict, "Abort on the first malformed row (default: skip and count them)");
  cmd->add_flag("--quiet", a->quiet, "No summary");
  cmd->add_option("file", a->file, "The call log")->required();
  cmd->callback([a] { run_import(*a); });
}

} // namespace hotline::cli
