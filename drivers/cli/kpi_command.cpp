// hotline kpi: KPIs folded from a node's event store (F18), as a table, JSON,
// CSV and/or a self-contained HTML report.
#include <chrono>
#include <fstream>
#include <iostream>
#include <limits>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/kafka/topic_replay.hpp"
#include "drivers/time_zone.hpp"
#include "drivers/views/event_scan.hpp"
#include "projections/kpi/kpi_report.hpp"

namespace hotline::cli {

namespace {

struct kpi_args {
  std::string store, kafka, by, format = "table", html, from, to, tz;
  std::vector<std::string> topics;
  bool skip_corrupt = false, no_intervals = false, quiet = false;
  double timeout_s = 10;
  kpi_flags kpi;
};

void run_kpi(const kpi_args& a) {
  projections::kpi::kpi_options ko;
  std::string error;
  if (!to_kpi_options(a.kpi, ko, error)) return fail(error, 2);
  std::int64_t from_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ns = std::numeric_limits<std::int64_t>::max();
  if (std::string why; !parse_time_range_args(a.from, a.to, from_ns, to_ns, why))
    return fail(why, 2);
  projections::kpi::report_request req;
  req.intervals = !a.no_intervals;
  // Labels in a zone (UTC unless --tz: neither a store nor this command's
  // options know a center's zone yet); the fold itself stays in UTC.
  auto zone = drivers::time_zone::utc();
  if (!a.tz.empty()) {
    auto located = drivers::time_zone::locate(a.tz);
    if (!located) return fail("--tz: " + located.error().detail(), 2);
    zone = *located;
  }
  req.time_zone = zone.name();
  if (!zone.is_utc())
    req.utc_offset_s = [zone](std::int64_t ns) { return std::int64_t{zone.offset_s(ns)}; };
  if (!a.by.empty()) {
    projections::kpi::dimension d;
    projections::kpi::parse_dimension(a.by, d);
    req.by = d;
  }

  if (a.store.empty() == a.kafka.empty())
    return fail("give one of --store DIR or --kafka BROKERS --topic T...", 2);
  if (!a.kafka.empty() && a.topics.empty()) return fail("--kafka needs at least one --topic", 2);
  // The events: a node's store, or relay topics (one site's, or several:
  // KPIs per site and over the whole federation).
  std::unique_ptr<ports::event_store> store;
  if (!a.kafka.empty()) {
    auto memory = std::make_unique<ports::memory_event_store>();
    drivers::topic_replay_options to;
    to.bootstrap_servers = a.kafka;
    to.topics = a.topics;
    to.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_s * 1000));
    auto loaded = drivers::load_topics(to, *memory);
    if (!loaded) return fail(loaded.error().message());
    for (const auto& d : loaded->dead_letter_details)
      complain() << "dead letter: " << d.why.message() << "\n";
    if (!a.quiet)
      std::cerr << loaded->events << " events from " << a.topics.size() << " topic(s), "
                << loaded->duplicates << " duplicates dropped, " << loaded->dead_letters
                << " dead letters\n";
    store = std::move(memory);
  } else {
    store = open_event_store(a.store);
    if (!store) return;
  }
  projections::kpi::kpi_projection kpi{ko};
  drivers::scan_options so;
  so.skip_corrupt = a.skip_corrupt;
  std::uint64_t skipped = 0;
  progress_bar bar{a.quiet};
  const auto started = std::chrono::steady_clock::now();
  drivers::scan_callbacks cb;
  cb.on_event = [&](const events::recorded_event& e) -> events::status {
    if (e.meta.timestamp_ns < from_ns || e.meta.timestamp_ns >= to_ns) return {};
    events::status st;
    try {
      st = kpi.apply(e);
    } catch (const std::exception& ex) { // never an abort on a stored record
      st = {events::errc::corrupt_record, std::string{"the KPIs cannot fold it: "} + ex.what()};
    }
    if (!st && a.skip_corrupt) {
      complain() << "skipped position " << e.position << ": " << st.message() << "\n";
      ++skipped;
      return {};
    }
    return st;
  };
  cb.on_skip = [&](std::uint64_t pos, const events::status& why) {
    complain() << "skipped position " << pos << ": " << why.message() << "\n";
    ++skipped;
  };
  cb.on_batch = [&](std::uint64_t pos, std::uint64_t end) {
    bar.update(pos, end,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  auto st = drivers::scan_events(*store, so, cb);
  bar.finish();
  if (!st) {
    return fail(
        "stopped at " + st.detail() +
        (st.code() == events::errc::corrupt_record ? " (--skip-corrupt skips such records)" : ""));
  }

  auto report = projections::kpi::build_report(kpi, req);
  if (skipped > 0) report["skipped_corrupt"] = skipped;
  if (!a.html.empty()) {
    std::ofstream out{a.html, std::ios::binary};
    // charts on a true time axis with at most a few hundred points: a
    // month at 15 min is coarsened to days (the page says so)
    auto chart_req = req;
    chart_req.intervals = true;
    chart_req.max_intervals = projections::kpi::chart_max_intervals;
    auto chart_report = projections::kpi::build_report(kpi, chart_req);
    if (skipped > 0) chart_report["skipped_corrupt"] = skipped;
    out << projections::kpi::render_html(chart_report);
    if (!out) return fail("cannot write " + a.html);
    if (!a.quiet) std::cerr << "wrote " << a.html << "\n";
  }
  // Text that is not valid UTF-8 (stored before input was checked) shows as U+FFFD.
  if (a.format == "json")
    std::cout << report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else if (a.format == "csv")
    std::cout << projections::kpi::render_csv(report);
  else
    std::cout << projections::kpi::render_table(report);
}

} // namespace

void add_kpi_command(CLI::App& app) {
  auto a = std::make_shared<kpi_args>();
  auto* cmd = app.add_subcommand(
      "kpi", "KPIs per interval, queue, agent, site and tenant, from a store or Kafka");
  cmd->footer("KPIs per interval, queue, agent, site and tenant, folded from a node's event "
              "store\n\nExamples:\n  hotline kpi --store var/north --interval 30m --tz "
              "Europe/Paris\n  hotline kpi --store var/north --format csv --by queue > queues.csv");
  cmd->add_option("--store", a->store, "The node's event store directory");
  cmd->add_option("--kafka", a->kafka,
                  "Instead of a store: Kafka bootstrap servers to read relay topics from");
  cmd->add_option("--timeout", a->timeout_s,
                  "With --kafka: seconds to wait for the brokers to answer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option(
      "--topic", a->topics,
      "With --kafka: a relay topic (hotline.<site>.events); several for KPIs over several sites");
  add_kpi_flags(*cmd, a->kpi);
  cmd->add_option("--by", a->by, "Group by this dimension only (default: all of them)")
      ->check(
          CLI::IsMember({"queue", "agent", "site", "tenant", "flow", "ivr_node", "ivr_choice"}));
  cmd->add_option("--format", a->format, "Output on stdout")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("--html", a->html, "Also write a self-contained HTML report with charts to FILE");
  cmd->add_option(
      "--tz", a->tz,
      "Show interval labels in this IANA time zone, e.g. Asia/Jerusalem (default: UTC)");
  cmd->add_option("--from", a->from, "Only events at or after this time (UTC)");
  cmd->add_option("--to", a->to, "Only events before this time (UTC)");
  cmd->add_flag("--no-intervals", a->no_intervals, "Leave out the per-interval breakdown");
  cmd->add_flag("--skip-corrupt", a->skip_corrupt, "Skip corrupt records and count them");
  add_quiet_flag(cmd, a->quiet);
  cmd->callback([a] { run_kpi(*a); });
}

} // namespace hotline::cli
