#include "drivers/cli/view_cli.hpp"

#include "drivers/cli/numbers.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "drivers/cli/commands.hpp"
#include "drivers/views/projection_runner.hpp"
#include "drivers/views/rocksdb_view_store.hpp"

namespace hotline::cli {

const char* const time_arg_formats =
    "expected an RFC 3339 time such as 2026-01-05T08:00:00Z or 2026-01-05T08:00:00+02:00, "
    "a time without offset (UTC) or a date 2026-01-05 (midnight UTC)";

bool parse_time_arg(const std::string& text, std::int64_t& ns) {
  if (events::parse_timestamp(text, ns)) return true;
  // An RFC 3339 offset, "+HH:MM" or "-HH:MM" after the seconds (or fraction).
  if (text.size() >= 25 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
      text[text.size() - 3] == ':') {
    const auto off = text.substr(text.size() - 6);
    const auto digit = [&](std::size_t i) { return off[i] >= '0' && off[i] <= '9'; };
    if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return false;
    const int hours = (off[1] - '0') * 10 + (off[2] - '0');
    const int minutes = (off[4] - '0') * 10 + (off[5] - '0');
    if (hours > 23 || minutes > 59) return false;
    if (!events::parse_timestamp(text.substr(0, text.size() - 6) + "Z", ns)) return false;
    const std::int64_t offset_ns = (hours * 3600LL + minutes * 60LL) * 1'000'000'000LL;
    ns += off[0] == '+' ? -offset_ns : offset_ns; // local time minus its offset is UTC
    return true;
  }
  if (text.size() == 19 && events::parse_timestamp(text + "Z", ns)) return true;
  if (text.size() == 10 && events::parse_timestamp(text + "T00:00:00Z", ns)) return true;
  return false;
}

bool parse_time_range_args(const std::string& from, const std::string& to, std::int64_t& from_ns,
                           std::int64_t& to_ns, std::string& error) {
  if (!from.empty() && !parse_time_arg(from, from_ns)) {
    error = "--from '" + from + "' is not a time: " + time_arg_formats;
    return false;
  }
  if (!to.empty() && !parse_time_arg(to, to_ns)) {
    error = "--to '" + to + "' is not a time: " + time_arg_formats;
    return false;
  }
  if (!from.empty() && !to.empty() && to_ns <= from_ns) {
    error = "--to " + to + " is not after --from " + from +
            ": no event can match (--from is included, --to is not)";
    return false;
  }
  return true;
}

bool parse_duration_arg(const std::string& text, std::int64_t& ms) {
  if (text.size() < 2) return false;
  std::int64_t unit = 0;
  switch (text.back()) {
  case 's':
    unit = 1000;
    break;
  case 'm':
    unit = 60'000;
    break;
  case 'h':
    unit = 3'600'000;
    break;
  case 'd':
    unit = 86'400'000;
    break;
  default:
    return false;
  }
  try {
    std::size_t used = 0;
    double v = std::stod(text.substr(0, text.size() - 1), &used);
    if (used != text.size() - 1 || v <= 0) return false;
    ms = static_cast<std::int64_t>(std::llround(v * double(unit)));
    return true;
  } catch (...) {
    return false;
  }
}

void add_kpi_flags(CLI::App& cmd, kpi_flags& f) {
  cmd.add_option("--interval", f.interval, "Reporting interval (90s, 15m, 1h)")
      ->capture_default_str();
  cmd.add_option("--sl-threshold-s", f.sl_threshold_s,
                 "Service-level threshold T in seconds (answered within T)")
      ->capture_default_str()
      ->check(number_in(1, 86'400, "a number of seconds"));
  cmd.add_option("--short-abandon-s", f.short_abandon_s,
                 "Abandons after less than S seconds are short abandons, counted apart")
      ->capture_default_str()
      ->check(number_in(0, 86'400, "a number of seconds"));
  cmd.add_option("--sl-definition", f.sl_definition,
                 "answered: answered_within_t/answered; offered_net: "
                 "answered_within_t/(offered-short_abandoned); offered: "
                 "(answered_within_t+abandoned_within_t)/offered")
      ->check(CLI::IsMember({"answered", "offered_net", "offered"}))
      ->capture_default_str();
  cmd.add_option("--fcr-window", f.fcr_window,
                 "A repeat call by the same customer within this window means the first was not "
                 "resolved (first-contact resolution)")
      ->capture_default_str();
}

bool to_kpi_options(const kpi_flags& f, projections::kpi::kpi_options& o, std::string& error) {
  if (!parse_duration_arg(f.interval, o.interval_ms) || o.interval_ms % 1000 != 0) {
    error = "--interval '" + f.interval +
            "' is not a whole number of seconds with a unit (90s, 15m, 1h)";
    return false;
  }
  if (!parse_duration_arg(f.fcr_window, o.fcr_window_ms)) {
    error = "--fcr-window '" + f.fcr_window + "' is not a duration with a unit (24h, 7d)";
    return false;
  }
  if (f.sl_threshold_s < 0 || f.short_abandon_s < 0) {
    error = "thresholds must not be negative";
    return false;
  }
  o.sl_threshold_ms = static_cast<std::int64_t>(std::llround(f.sl_threshold_s * 1000));
  o.short_abandon_ms = static_cast<std::int64_t>(std::llround(f.short_abandon_s * 1000));
  if (!projections::kpi::parse_sl_definition(f.sl_definition, o.sl)) {
    error = "unknown --sl-definition '" + f.sl_definition + "'";
    return false;
  }
  return true;
}

std::unique_ptr<drivers::rocksdb_event_store> open_event_store(const std::string& dir) {
  drivers::rocksdb_store_options opts;
  opts.create_if_missing = false;
  opts.read_only = true; // changes no file; works beside a running node
  auto store = drivers::rocksdb_event_store::open(dir, opts);
  if (!store) {
    fail(store.error().message());
    return nullptr;
  }
  return std::move(*store);
}

std::unique_ptr<drivers::view_store> open_view_store(const std::string& dir, bool create) {
  drivers::rocksdb_view_store_options opts;
  opts.create_if_missing = create;
  auto views = drivers::rocksdb_view_store::open(dir, opts);
  if (!views) {
    fail(views.error().message());
    return nullptr;
  }
  return std::move(*views);
}

std::string default_views_dir(const std::string& store_dir) {
  std::string d = store_dir;
  while (d.size() > 1 && d.back() == '/')
    d.pop_back();
  return d + ".views"; // beside the store: a reader writes nothing inside it
}

std::unique_ptr<drivers::view_store> updated_view(const std::string& store_dir,
                                                  const std::string& views_dir, bool no_update,
                                                  bool quiet,
                                                  projections::view_projection& projection) {
  const std::string dir = views_dir.empty() ? default_views_dir(store_dir) : views_dir;
  if (no_update) return open_view_store(dir, false);
  drivers::rocksdb_store_options so;
  so.create_if_missing = false;
  so.read_only = true; // a running node's store too: its committed prefix
  auto store = drivers::rocksdb_event_store::open(store_dir, so);
  if (!store) {
    fail(store.error().message());
    return nullptr;
  }
  auto views = open_view_store(dir);
  if (!views) return nullptr;
  drivers::projection_runner runner{**store, *views, {&projection}};
  if (auto st = runner.restore(); !st) {
    complain() << "not updating the " << projection.name() << " view in " << dir << ": "
               << st.message() << "\n";
    return views;
  }
  auto stats = runner.catch_up();
  if (!stats) {
    complain() << "updating the " << projection.name() << " view stopped at "
               << stats.error().detail() << "; reading it as of its checkpoint\n";
    return views;
  }
  if (!quiet && stats->read > 0)
    std::cerr << projection.name() << " view updated with " << stats->read << " events\n";
  return views;
}

progress_bar::progress_bar(bool quiet) : enabled_(!quiet && ::isatty(STDERR_FILENO)) {}

progress_bar::~progress_bar() {
  finish();
}

void progress_bar::update(std::uint64_t done, std::uint64_t total, double elapsed) {
  if (!enabled_ || (elapsed - last_draw_ < 0.1 && done < total)) return;
  last_draw_ = elapsed;
  const double frac = total == 0 ? 1.0 : std::min(1.0, double(done) / double(total));
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  const double rate = elapsed > 0 ? double(done) / elapsed : 0;
  const double eta = rate > 0 ? double(total - std::min(done, total)) / rate : 0;
  char bar[width + 1];
  for (int i = 0; i < width; ++i)
    bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  std::fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu events  %.0f events/s  ETA %.0fs   ", bar,
               frac * 100, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), rate, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void progress_bar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

} // namespace hotline::cli
