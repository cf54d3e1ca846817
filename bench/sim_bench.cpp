// hotline bench simulate: simulated calls per wall-clock second through the
// real ACD actors on the virtual clock, against the memory store's raw
// append rate for the same number of events in the same run.
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "actors/ports/memory_event_store.hpp"
#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/simulator.hpp"
#include "events/codec.hpp"

namespace hotline::bench {

namespace {

struct sim_bench_args {
  std::uint64_t calls = 1'000'000;
  int agents = 100;
  double rate_per_hour = 0; ///< 0: 85 % occupancy at the mean handle time
  double aht_s = 180;
  std::uint64_t seed = 1;
};

/// Appends `events` pre-encoded events, one at a time, about eight a stream
/// (a call's share), to a fresh memory store: the floor any simulated event
/// costs in the store alone.
double run_raw_appends(std::uint64_t events) {
  ports::memory_event_store store;
  events::call_arrived body;
  body.call_id = "raw";
  body.caller = "+8613910000000";
  body.dialed = "100";
  body.customer_id = "cust-1";
  auto proto = events::event_codec::standard().propose(
      events::event{body},
      {{}, "site-1", "default", 0, {}, {}, events::principal::system("bench")});
  std::uint64_t failed = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < events; ++i) {
    auto e = proto;
    e.meta.id = {i + 1, 0x5eed};
    e.meta.timestamp_ns = static_cast<std::int64_t>(i);
    std::vector<events::proposed_event> batch;
    batch.push_back(std::move(e));
    store.append_async("call-raw" + std::to_string(i / 8), ports::expected_revision::any(),
                       std::move(batch),
                       [&](events::result<ports::append_result> r) { failed += r ? 0 : 1; });
  }
  double secs = seconds_since(t0);
  if (failed > 0) throw std::runtime_error(std::to_string(failed) + " raw appends failed");
  return secs;
}

void run(const sim_bench_args& a) {
  drivers::sim::quick_center_options q;
  q.agents = a.agents;
  q.aht_s = a.aht_s;
  q.rate_per_hour = a.rate_per_hour > 0 ? a.rate_per_hour : 0.85 * a.agents * 3600 / a.aht_s;
  q.hours = static_cast<double>(a.calls) / q.rate_per_hour;
  q.seed = a.seed;
  auto cfg = drivers::sim::quick_center(q);
  drivers::sim::simulation_options opts;
  opts.seed = a.seed;
  opts.seed_given = true;
  opts.answer_delay_s = 0;
  opts.progress_every_s = 0;
  drivers::sim::simulation_summary sum;
  double cpu_s = 0;
  {
    ports::memory_event_store store;
    auto cpu0 = process_cpu_seconds();
    auto r = drivers::sim::run_simulation(cfg, store, opts);
    cpu_s = process_cpu_seconds() - cpu0;
    if (!r) throw std::runtime_error(r.error().message());
    sum = *r;
  }
  double raw_s = run_raw_appends(sum.events);
  const double target = 1'000'000.0 / 60;
  double calls_per_s = static_cast<double>(sum.arrivals) / sum.wall_seconds;
  double raw_events_per_s = static_cast<double>(sum.events) / raw_s;
  nlohmann::json out = {
      {"bench", "simulate"},
      {"calls", sum.arrivals},
      {"ended", sum.ended},
      {"events", sum.events},
      {"messages", sum.messages},
      {"agents", a.agents},
      {"rate_per_hour", q.rate_per_hour},
      {"virtual_hours", sum.virtual_seconds / 3600},
      {"wall_s", sum.wall_seconds},
      {"calls_per_s", calls_per_s},
      {"cpu_s", cpu_s},
      {"calls_per_cpu_s", static_cast<double>(sum.arrivals) / cpu_s},
      {"events_per_s", static_cast<double>(sum.events) / sum.wall_seconds},
      {"target_calls_per_s", std::lround(target)},
      {"meets_target", calls_per_s >= target},
      {"baseline",
       "memory_event_store: the same number of pre-encoded events appended one by one, same run"},
      {"raw_events_per_s", raw_events_per_s},
      {"raw_wall_s", raw_s},
      {"ratio", (static_cast<double>(sum.events) / sum.wall_seconds) / raw_events_per_s},
      {"resident_bytes", resident_bytes()},
  };
  std::cout << out.dump(2) << "\n";
}

} // namespace

void add_sim_bench(CLI::App& bench) {
  auto a = std::make_shared<sim_bench_args>();
  auto* cmd = bench.add_subcommand(
      "simulate", "Simulated calls per wall-clock second through the real ACD actors");
  cmd->footer("Simulated calls per wall-clock second through the real ACD actors (quick center, "
              "virtual clock); baseline: the memory store's raw append rate for the same "
              "events\n\nExample:\n  hotline bench simulate");
  cmd->add_option("--calls", a->calls, "Calls to simulate (about: arrivals are Poisson)")
      ->capture_default_str();
  cmd->add_option("--agents", a->agents, "Agents in the single queue")->capture_default_str();
  cmd->add_option("--rate-per-hour", a->rate_per_hour,
                  "Arrivals per hour (default: 85 % occupancy)");
  cmd->add_option("--aht-s", a->aht_s, "Mean handle time, seconds")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  cmd->callback([a] {
    try {
      run(*a);
    } catch (const std::exception& e) {
      std::cerr << "hotline bench simulate: " << e.what() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

} // namespace hotline::bench
