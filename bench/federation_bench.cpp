// hotline bench federation: cross-site interflow on loopback through a Kafka
// mock cluster in another process. Site "a" has callers and no agents, site
// "b" has agents and (almost) no callers, so every call goes offer ->
// reservation (accept) -> transfer -> landing. Latencies are measured from
// the two sites' own events (same wall clock): interflow_offered at a ->
// interflowed at a (the accept came back), and -> call.arrived at b (landed).
// Baseline, same run: the same three one-way hops (offer, accept, transfer)
// between two bare federation buses, with no actors or stores in between.
#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/acd.hpp"
#include "actors/coarse_clock.hpp"
#include "actors/federation_actor.hpp"
#include "actors/ports/memory_event_store.hpp"
#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "bench/mock_process.hpp"
#include "drivers/kafka/kafka_federation_bus.hpp"
#include "drivers/sim/live_traffic.hpp"
#include "drivers/sim/quick_center.hpp"
#include "events/codec.hpp"

namespace hotline::bench {

namespace {

namespace fed = events::federation;

struct federation_bench_args {
  double seconds = 10;
  double rate = 50; ///< calls per second arriving at site a
  int agents = 200; ///< at site b
  double aht_s = 2;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct site {
  std::string id;
  config::configuration cfg;
  ports::memory_event_store store;
  std::shared_ptr<actors::acd_context> ctx;
  actors::federation_mailbox mailbox;
  std::unique_ptr<drivers::kafka_federation_bus> bus;
  drivers::sim::simulation_options opts;
  caf::actor traffic;
};

/// Three one-way hops between two bare buses, `n` times in sequence (ms each).
std::vector<double> bare_hops(const std::string& bootstrap, const std::string& prefix, int n) {
  std::mutex m;
  std::condition_variable cv;
  int done = 0;
  std::chrono::steady_clock::time_point t0;
  std::vector<double> out;
  drivers::kafka_federation_bus* a_ptr = nullptr;
  drivers::kafka_federation_bus* b_ptr = nullptr;
  auto opts = [&](const std::string& id) {
    drivers::kafka_federation_options o;
    o.bootstrap_servers = bootstrap;
    o.site = prefix + id;
    o.status_topic = "hotline." + prefix + "status";
    auto peer = prefix + (id == "a" ? "b" : "a");
    o.peer_inboxes[peer] = "hotline." + peer + ".federation";
    return o;
  };
  ports::federation_handlers ha, hb;
  ha.on_problem =
      hb.on_problem = [](std::string what) { std::cerr << "baseline: " << what << "\n"; };
  ha.on_message = [&](fed::message msg) { // accept -> transfer
    msg.kind = fed::message_kind::transfer;
    msg.queue = "q";
    std::swap(msg.from_site, msg.to_site);
    a_ptr->send(msg);
  };
  hb.on_message = [&](fed::message msg) {
    if (msg.kind == fed::message_kind::offer) {
      msg.kind = fed::message_kind::accept;
      msg.agent_id = "x";
      std::swap(msg.from_site, msg.to_site);
      b_ptr->send(msg);
      return;
    }
    std::lock_guard lock{m};
    out.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ++done;
    cv.notify_all();
  };
  auto a = drivers::kafka_federation_bus::start(opts("a"), ha);
  auto b = drivers::kafka_federation_bus::start(opts("b"), hb);
  if (!a || !b)
    throw std::runtime_error("baseline buses: " + (!a ? a.error().message() : b.error().message()));
  a_ptr = a->get();
  b_ptr = b->get();
  for (int i = 0; i <= n; ++i) {
    fed::message msg;
    msg.kind = fed::message_kind::offer;
    msg.offer_id = "o" + std::to_string(i);
    msg.call_id = "c" + std::to_string(i);
    msg.from_site = prefix + "a";
    msg.to_site = prefix + "b";
    msg.queue = "q";
    std::unique_lock lock{m};
    t0 = std::chrono::steady_clock::now();
    lock.unlock();
    a_ptr->send(msg);
    lock.lock();
    // The first one also waits for both consumers to join their groups.
    if (!cv.wait_for(lock, std::chrono::seconds(i == 0 ? 30 : 5), [&] { return done > i; }))
      throw std::runtime_error("baseline: a message was not delivered within " +
                               std::string{i == 0 ? "30" : "5"} + " s");
  }
  out.erase(out.begin()); // the first one pays for connections
  return out;
}

void run(const federation_bench_args& a) {
  auto prefix = "bench" + std::to_string(getpid()) + "-";
  mock_process mock{{"/proc/self/exe", "kafka-mock", "--brokers", "3"}};
  auto bootstrap = mock.first_line();
  if (bootstrap.empty())
    throw std::runtime_error("hotline kafka-mock did not print its bootstrap list");

  std::cerr << "baseline: bare bus hops...\n";
  auto baseline = bare_hops(bootstrap, prefix + "raw-", 200);

  caf::actor_system_config sys_cfg;
  actors::install_coarse_clock(sys_cfg);
  caf::actor_system sys{sys_cfg};
  actors::wall_clock clock;
  std::map<std::string, std::unique_ptr<site>> sites;
  for (const auto* id : {"a", "b"}) {
    auto s = std::make_unique<site>();
    s->id = prefix + id;
    drivers::sim::quick_center_options q;
    q.agents = std::string{id} == "a" ? 0 : a.agents;
    q.rate_per_hour = std::string{id} == "a" ? a.rate * 3600 : 1;
    q.aht_s = a.aht_s;
    q.hours = a.seconds / 3600;
    s->cfg = drivers::sim::quick_center(q);
    s->cfg.center.site.id = s->id;
    s->ctx = std::make_shared<actors::acd_context>();
    s->ctx->center = s->cfg.center;
    s->ctx->store = {&s->store, &clock, s->id, false};
    s->ctx->interflow.margin_ms = 0;
    s->ctx->interflow.deny_backoff_ms = 0;
    drivers::kafka_federation_options fo;
    fo.bootstrap_servers = bootstrap;
    fo.site = s->id;
    fo.status_topic = "hotline." + prefix + "status";
    fo.peer_inboxes[prefix + (std::string{id} == "a" ? "b" : "a")] =
        "hotline." + prefix + (std::string{id} == "a" ? "b" : "a") + ".federation";
    actors::federation_options ao;
    ao.site = s->id;
    ao.link = nullptr;
    sites[id] = std::move(s);
    auto& st = *sites[id];
    auto bus = drivers::kafka_federation_bus::start(
        fo, st.mailbox.handlers([](std::string what) { std::cerr << what << "\n"; }));
    if (!bus) throw std::runtime_error(bus.error().message());
    st.bus = std::move(*bus);
    ao.link = st.bus.get();
    st.ctx->federation = actors::spawn_federation(sys, st.ctx, ao);
  }
  // Callers from t0, after the sites have heard each other (below).
  const std::int64_t warm_up_ns = 4'000'000'000;
  auto t0 = clock.now_ns() + warm_up_ns;
  for (auto& [id, s] : sites) {
    s->opts.answer_delay_s = 0;
    s->opts.progress_every_s = 0;
    s->opts.call_id_prefix = s->id + "-";
    s->opts.day_epoch_ns = t0 - t0 % (86'400LL * 1'000'000'000);
    s->traffic = drivers::sim::spawn_live_traffic(
        sys, s->cfg, s->ctx, s->opts, t0, t0 + static_cast<std::int64_t>(a.seconds * 1e9), &clock);
    s->ctx->observer = s->traffic;
  }
  for (auto& [id, s] : sites) {
    actors::start_acd(sys, s->ctx);
    s->mailbox.set(s->ctx->federation);
    caf::anon_send(s->traffic, caf::ok_atom::value); // agents log in now, callers come from t0
  }
  // Statuses first (consumer groups joined, both sites known), then callers.
  std::cerr << "waiting for the sites to hear each other...\n";
  std::this_thread::sleep_for(std::chrono::nanoseconds(t0 - clock.now_ns()));
  std::uint64_t sent0[2] = {sites["a"]->bus->sent() + sites["a"]->bus->received(),
                            sites["b"]->bus->sent() + sites["b"]->bus->received()};
  std::cerr << "interflow traffic for " << a.seconds << " s...\n";
  auto wall0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
  double window_s = seconds_since(wall0);
  std::uint64_t msgs[2] = {sites["a"]->bus->sent() + sites["a"]->bus->received() - sent0[0],
                           sites["b"]->bus->sent() + sites["b"]->bus->received() - sent0[1]};
  std::this_thread::sleep_for(std::chrono::seconds(3)); // in-flight moves land
  for (auto& [id, s] : sites) {
    s->mailbox.set({});
    caf::anon_send_exit(s->traffic, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(s->ctx->federation, caf::exit_reason::user_shutdown);
    actors::stop_acd(s->ctx);
  }
  sys.await_all_actors_done();

  // Latencies from the events.
  const auto& codec = events::event_codec::standard();
  std::map<std::string, std::int64_t> offered_at, accepted_at, landed_at; // by offer id
  std::uint64_t calls = 0;
  for (auto& [id, s] : sites) {
    auto all = s->store.read_all(1, SIZE_MAX);
    if (!all) throw std::runtime_error(all.error().message());
    for (const auto& e : *all) {
      if (e.type == "call.arrived" && id == "a") ++calls;
      if (e.type != "call.interflow_offered" && e.type != "call.interflowed" &&
          e.type != "call.arrived")
        continue;
      auto p = codec.decode(e);
      if (!p) throw std::runtime_error(p.error().message());
      if (auto* o = std::get_if<events::call_interflow_offered>(&*p))
        offered_at[o->offer_id] = e.meta.timestamp_ns;
      if (auto* f = std::get_if<events::call_interflowed>(&*p))
        accepted_at[f->offer_id] = e.meta.timestamp_ns;
      if (auto* r = std::get_if<events::call_arrived>(&*p))
        if (auto it = r->attached.find("interflow.offer"); it != r->attached.end())
          landed_at[it->second] = e.meta.timestamp_ns;
    }
  }
  std::vector<double> to_accept, to_land;
  for (const auto& [offer, t] : offered_at) {
    if (auto x = accepted_at.find(offer); x != accepted_at.end())
      to_accept.push_back((x->second - t) / 1e6);
    if (auto x = landed_at.find(offer); x != landed_at.end())
      to_land.push_back((x->second - t) / 1e6);
  }
  // HOTLINE_BENCH_TRACE=1: every landing's latency on stderr, by offer time
  // (to see whether the slow ones cluster, e.g. at start-up).
  if (std::getenv("HOTLINE_BENCH_TRACE")) {
    std::vector<std::pair<std::int64_t, double>> seq;
    for (const auto& [offer, t] : offered_at)
      if (auto x = landed_at.find(offer); x != landed_at.end())
        seq.push_back({t, (x->second - t) / 1e6});
    std::sort(seq.begin(), seq.end());
    for (const auto& [t, ms] : seq)
      std::cerr << (t - t0) / 1'000'000 << " ms: " << ms << "\n";
  }
  double p99 = percentile(to_land, 0.99);
  nlohmann::json out = {
      {"bench", "federation"},
      {"seconds", a.seconds},
      {"offered_calls_per_s", a.rate},
      {"calls", calls},
      {"offers", offered_at.size()},
      {"interflowed", accepted_at.size()},
      {"landed", landed_at.size()},
      {"offer_to_accept_ms",
       {{"p50", percentile(to_accept, 0.5)}, {"p99", percentile(to_accept, 0.99)}}},
      {"offer_to_landed_ms",
       {{"p50", percentile(to_land, 0.5)}, {"p99", p99}, {"max", percentile(to_land, 1.0)}}},
      {"target_p99_ms", 50},
      {"meets_target", !to_land.empty() && p99 <= 50},
      {"messages_per_s_per_site",
       {{"a", static_cast<double>(msgs[0]) / window_s},
        {"b", static_cast<double>(msgs[1]) / window_s}}},
      {"baseline", "the same 3 one-way hops (offer, accept, transfer) between two bare federation "
                   "buses, same mock cluster, same run"},
      {"baseline_ms", {{"p50", percentile(baseline, 0.5)}, {"p99", percentile(baseline, 0.99)}}},
      {"ratio_p50",
       percentile(baseline, 0.5) > 0 ? percentile(to_land, 0.5) / percentile(baseline, 0.5) : 0.0},
  };
  std::cout << out.dump(2) << "\n";
}

} // namespace

void add_federation_bench(CLI::App& bench) {
  auto a = std::make_shared<federation_bench_args>();
  auto* cmd = bench.add_subcommand(
      "federation", "Cross-site interflow latency and federation messages per second");
  cmd->footer("Cross-site interflow latency (offer -> accept -> transfer -> landed) and federation "
              "messages per second per site, two sites through a mock cluster in a child process; "
              "baseline: the same hops between bare buses\n\nExample:\n  hotline bench federation");
  cmd->add_option("--seconds", a->seconds, "How long callers arrive")->capture_default_str();
  cmd->add_option("--rate", a->rate, "Calls per second arriving at the site without agents")
      ->capture_default_str();
  cmd->add_option("--agents", a->agents, "Agents at the other site")->capture_default_str();
  cmd->add_option("--aht-s", a->aht_s, "Mean handle time, seconds")->capture_default_str();
  cmd->callback([a] {
    try {
      run(*a);
    } catch (const std::exception& e) {
      std::cerr << "hotline bench federation: " << e.what() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

} // namespace hotline::bench
