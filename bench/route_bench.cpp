// hotline bench route: the ACD end to end on the wall clock. A large center
// (10,000 agents, 1,000 queues with skills), the production actors
// (actors/acd.hpp) on a real-time CAF system, every event appended to a
// RocksDB store through its group commit; callers talk for zero time.
//
// Why not the simulation runtime: it runs on one thread with appends that
// complete inline, so it cannot show the group commit, the thread hand-offs
// or a latency in wall-clock time, which are what this bench is about.
//
// Phases, in one process and one store:
//  1. waiting: agents logged out, `--waiting` calls arrive and queue; the
//     resident memory they add, per call. Then the agents log in and drain
//     them (drain rate).
//  2. throughput: `--calls` calls, `--window` of them in flight at a time
//     (a new call arrives when one ends): calls and events per second.
//  3. latency: `--latency-calls` calls arriving at a fixed rate, by default
//     half the rate phase 2 reached: p50/p99 from the queue accepting a call
//     that finds a ready agent to the call being offered.
// Baseline in the same run: the raw rate of the same store appending
// pre-encoded events from many streams at once.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/acd.hpp"
#include "actors/call_actor.hpp"
#include "actors/coarse_clock.hpp"
#include "actors/time_source.hpp"
#include "bench/bench_system.hpp"
#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"

namespace hotline::bench {

namespace {

using namespace hotline::actors;

struct route_bench_args {
  int agents = 10'000;
  int queues = 1'000;
  int queues_per_agent = 10;
  std::uint64_t waiting = 100'000;
  std::uint64_t calls = 100'000;
  std::uint64_t window = 2'000;
  std::uint64_t latency_calls = 20'000;
  double latency_rate = 0; ///< calls/s; 0: half of the throughput phase
  std::string sync = "batch";
  std::string dir;
  int threads = 2;
  std::string scheduler = "stealing";
  std::uint64_t seed = 1;
};

/// The center: queue q requires skill `sk<q>`; agent i serves
/// `queues_per_agent` queues spread over the range, with levels 1..10 in
/// their skills; zero wrap-up; longest idle. No trunk groups (calls enter
/// a queue directly), so the bench measures routing, not trunk hunting.
events::center_definition make_center(const route_bench_args& a) {
  events::center_definition c;
  c.site = {"site-1", "route bench"};
  c.tenants.push_back({"default", "default", {}});
  for (int q = 0; q < a.queues; ++q) {
    events::queue_definition def;
    def.id = "q" + std::to_string(q);
    def.tenant = "default";
    def.skills = {{"sk" + std::to_string(q), 1}};
    def.wrap_up_ms = 0;
    def.ring_timeout_ms = 600'000; // the bench's agents always answer
    c.queues.push_back(std::move(def));
  }
  const int stride = std::max(1, a.queues / std::max(1, a.queues_per_agent)) + 1;
  for (int i = 0; i < a.agents; ++i) {
    events::agent_definition def;
    def.id = "a" + std::to_string(i);
    def.tenant = "default";
    def.wrap_up_ms = 0;
    for (int k = 0; k < a.queues_per_agent; ++k) {
      int q = (i + k * stride) % a.queues;
      auto id = "q" + std::to_string(q);
      if (std::find(def.queues.begin(), def.queues.end(), id) != def.queues.end()) continue;
      def.queues.push_back(id);
      def.skills["sk" + std::to_string(q)] = 1 + (i * 31 + k) % 10;
    }
    c.agents.push_back(std::move(def));
  }
  return c;
}

/// What the driver actor and the main thread share.
struct shared_counts {
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t queued = 0;
  std::uint64_t ended = 0;
  std::uint64_t rejected = 0;
  std::uint64_t completed = 0;                     ///< ended "completed" (talked)
  std::map<std::string, std::uint64_t> rejections; ///< "category:code" -> count
  /// Closed loop: when a call ends and `to_spawn` > 0, the driver starts the next.
  std::uint64_t to_spawn = 0;
  std::uint64_t next_index = 0;
  /// Steady-clock ns at arrival and at ringing, by call index.
  std::vector<std::int64_t> arrived_at, ringing_at;
};

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::uint64_t index_of(const std::string& call_id) {
  std::uint64_t n = 0;
  std::from_chars(call_id.data() + 1, call_id.data() + call_id.size(), n);
  return n;
}

call_request make_request(std::uint64_t index, const route_bench_args& a) {
  call_request req;
  req.call_id = "b" + std::to_string(index);
  // A fixed, well-spread queue per call index (splitmix-style mixing).
  std::uint64_t x = (index + a.seed) * 0x9e3779b97f4a7c15ULL;
  x ^= x >> 31;
  req.queue = "q" + std::to_string(x % static_cast<std::uint64_t>(a.queues));
  req.customer_id = "cust-" + std::to_string(index % 100'000);
  req.caller = "+86139" + std::to_string(10'000'000 + index % 90'000'000);
  return req;
}

void start_call(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                shared_counts& sh, std::uint64_t index, const route_bench_args& a) {
  sh.arrived_at[index] = steady_ns();
  spawn_call(sys, ctx, make_request(index, a));
}

/// The ACD's observer: answers every ringing phone at once, hangs up every
/// connected call at once (zero talk time), counts, and keeps the closed
/// loop going.
caf::behavior driver(caf::event_based_actor* self, std::shared_ptr<acd_context> ctx,
                     shared_counts* sh, const route_bench_args* a) {
  return {
      [=](ringing_atom, const std::string& agent_id, const std::string& call_id) {
        auto i = index_of(call_id);
        if (i < sh->ringing_at.size() && sh->ringing_at[i] == 0) sh->ringing_at[i] = steady_ns();
        self->send(ctx->agents.at(agent_id), answer_atom::value, call_id);
      },
      [=](talking_atom, const std::string& call_id, const std::string& agent_id) {
        self->send(ctx->agents.at(agent_id), hangup_atom::value, call_id);
      },
      [=](queued_atom, const std::string&, const std::string&) {
        std::lock_guard lock{sh->mu};
        ++sh->queued;
        sh->cv.notify_all();
      },
      [=](ended_atom, const std::string&, events::call_outcome outcome) {
        std::uint64_t next = 0;
        bool spawn = false;
        {
          std::lock_guard lock{sh->mu};
          ++sh->ended;
          if (outcome == events::call_outcome::completed) ++sh->completed;
          if (sh->to_spawn > 0) {
            --sh->to_spawn;
            next = sh->next_index++;
            spawn = true;
          }
          sh->cv.notify_all();
        }
        if (spawn) start_call(self->home_system(), ctx, *sh, next, *a);
      },
      [=](callback_offered_atom, const std::string&, const std::string&) {
      }, // nobody takes one here
      [=](off_line_atom, const std::string&) {},
      [=](ring_stopped_atom, const std::string&, const std::string&, const std::string&) {},
      [=](held_atom, const std::string&, const std::string&, bool) {},
      [=](announce_atom, const std::string&, int, std::int64_t) {},
      [=](party_atom, const std::string&, const party_change&) {},
      [=](rejected_atom, const std::string& stream, const std::string& code) {
        std::lock_guard lock{sh->mu};
        ++sh->rejected;
        ++sh->rejections[std::string{events::stream_category(stream)} + ":" + code];
      },
  };
}

template <class Pred>
bool wait_for(shared_counts& sh, Pred pred,
              std::chrono::seconds limit = std::chrono::seconds{600}) {
  std::unique_lock lock{sh.mu};
  return sh.cv.wait_for(lock, limit, pred);
}

/// Resident set size from /proc/self/status (VmRSS), in bytes.
std::uint64_t vm_rss_bytes() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

using latency_figures = percentile_figures; // microseconds here

nlohmann::json to_json(const latency_figures& f) {
  return {{"samples", f.samples}, {"p50_us", f.p50}, {"p99_us", f.p99}, {"max_us", f.max}};
}

/// Enqueue -> offer from the events stored in positions (from, to]: for each
/// call whose `call.queued` says a ready agent was there (expected wait 0),
/// the time from its `queue.call_joined` to its first `call.offered`. Both
/// are stamped with the wall clock when the actor decided them.
latency_figures enqueue_to_offer(const ports::event_store& store, std::uint64_t from,
                                 std::uint64_t to) {
  const auto& codec = events::event_codec::standard();
  struct marks {
    std::int64_t joined = 0, offered = 0;
    bool ready_agent = false;
  };
  std::unordered_map<std::string, marks> calls;
  for (auto pos = from + 1; pos <= to;) {
    auto batch = store.read_all(pos, 4096);
    if (!batch || batch->empty()) break;
    for (const auto& rec : *batch) {
      pos = rec.position + 1;
      if (rec.position > to) break;
      if (rec.type != "queue.call_joined" && rec.type != "call.queued" &&
          rec.type != "call.offered")
        continue;
      auto ev = codec.decode(rec);
      if (!ev) continue;
      if (const auto* j = std::get_if<events::queue_call_joined>(&*ev))
        calls[j->call_id].joined = rec.meta.timestamp_ns;
      else if (const auto* q = std::get_if<events::call_queued>(&*ev))
        calls[q->call_id].ready_agent = q->ewt_ms == 0;
      else if (const auto* o = std::get_if<events::call_offered>(&*ev)) {
        auto& m = calls[o->call_id];
        if (m.offered == 0) m.offered = rec.meta.timestamp_ns;
      }
    }
  }
  std::vector<double> us;
  for (const auto& [id, m] : calls)
    if (m.ready_agent && m.joined > 0 && m.offered >= m.joined)
      us.push_back(static_cast<double>(m.offered - m.joined) / 1e3);
  return percentiles(std::move(us));
}

/// Arrival (the driver spawns the call) -> its agent's phone rings (the
/// driver hears it), on the steady clock, for call indexes [lo, hi).
latency_figures arrival_to_ringing(const shared_counts& sh, std::uint64_t lo, std::uint64_t hi) {
  std::vector<double> us;
  for (auto i = lo; i < hi; ++i)
    if (sh.arrived_at[i] > 0 && sh.ringing_at[i] >= sh.arrived_at[i])
      us.push_back(static_cast<double>(sh.ringing_at[i] - sh.arrived_at[i]) / 1e3);
  return percentiles(std::move(us));
}

/// The same store's raw append rate: `events` pre-encoded events from
/// `streams` streams, one append in flight per stream, like actors.
double raw_store_events_per_s(const std::string& base, drivers::sync_policy sync,
                              std::uint64_t events, int streams) {
  scratch_dir dir{base};
  drivers::rocksdb_store_options opts;
  opts.sync = sync;
  auto store = drivers::rocksdb_event_store::open(dir.path() + "/store", opts);
  if (!store) throw std::runtime_error(store.error().message());
  events::call_queued body{"raw", "q1", 0, 3, 0, "direct"};
  auto proto = events::event_codec::standard().propose(
      events::event{body}, {{}, "site-1", "default", 0, {}, {}, events::principal::system("acd")});
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t done = 0, failed = 0;
  std::vector<std::uint64_t> next(static_cast<std::size_t>(streams), 0);
  std::function<void(int)> append_next = [&](int s) {
    auto n = next[static_cast<std::size_t>(s)]++;
    auto e = proto;
    e.meta.id = {n + 1, static_cast<std::uint64_t>(s) + 1};
    std::vector<events::proposed_event> batch;
    batch.push_back(std::move(e));
    (*store)->append_async(
        "call-raw" + std::to_string(s), ports::expected_revision::any(), std::move(batch),
        [&, s](events::result<ports::append_result> r) {
          bool more;
          {
            std::lock_guard lock{mu};
            ++done;
            failed += r ? 0 : 1;
            more = next[static_cast<std::size_t>(s)] * static_cast<std::uint64_t>(streams) < events;
            cv.notify_all();
          }
          if (more) append_next(s);
        });
  };
  auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < streams; ++s)
    append_next(s);
  std::unique_lock lock{mu};
  cv.wait(lock, [&] { return done >= events; });
  double secs = seconds_since(t0);
  if (failed > 0) throw std::runtime_error(std::to_string(failed) + " raw appends failed");
  return static_cast<double>(done) / secs;
}

using route_config = bench_system_config;

void run(const route_bench_args& a) {
  drivers::sync_policy sync;
  if (!drivers::parse_sync_policy(a.sync, sync))
    throw std::runtime_error("--sync: none | batch | always");
  if (a.scheduler != "sharing" && a.scheduler != "stealing")
    throw std::runtime_error("--scheduler: sharing | stealing");
  scratch_dir dir{a.dir};
  drivers::rocksdb_store_options opts;
  opts.sync = sync;
  auto opened = drivers::rocksdb_event_store::open(dir.path() + "/store", opts);
  if (!opened) throw std::runtime_error(opened.error().message());
  auto& store = **opened;

  const std::uint64_t total = a.waiting + a.calls + a.latency_calls;
  shared_counts sh;
  sh.arrived_at.assign(total, 0);
  sh.ringing_at.assign(total, 0);
  wall_clock clock;
  nlohmann::json out = {{"bench", "route"},         {"agents", a.agents},
                        {"queues", a.queues},       {"queues_per_agent", a.queues_per_agent},
                        {"sync", a.sync},           {"scheduler_threads", a.threads},
                        {"scheduler", a.scheduler}, {"talk_time", "zero"}};
  {
    route_config cfg{a.threads, a.scheduler};
    caf::actor_system sys{cfg};
    auto ctx = std::make_shared<acd_context>();
    ctx->center = make_center(a);
    ctx->store = {&store, &clock, "site-1", false};
    auto drv = sys.spawn(driver, ctx, &sh, &a);
    ctx->observer = drv;
    auto t_start = std::chrono::steady_clock::now();
    start_acd(sys, ctx);
    // Agents and queues recover from their (empty) streams when spawned;
    // a round trip to each queue and agent says they are all running.
    {
      caf::scoped_actor self{sys};
      for (auto& [id, q] : ctx->queues)
        self->request(q, caf::infinite, stats_atom::value)
            .receive([](int, int) {}, [](caf::error&) {});
      for (auto& ag : ctx->agents.live())
        self->request(ag, caf::infinite, caf::get_atom::value)
            .receive([](const std::string&) {}, [](caf::error&) {});
    }
    out["start_s"] = seconds_since(t_start);

    // 1. Waiting calls: nobody logged in, so every call queues and stays.
    std::uint64_t next = 0;
    if (a.waiting > 0) {
      auto rss0 = vm_rss_bytes();
      auto t0 = std::chrono::steady_clock::now();
      for (; next < a.waiting; ++next)
        start_call(sys, ctx, sh, next, a);
      if (!wait_for(sh, [&] { return sh.queued >= a.waiting; }))
        throw std::runtime_error("waiting phase: only " + std::to_string(sh.queued) +
                                 " calls queued");
      double queue_s = seconds_since(t0);
      std::this_thread::sleep_for(
          std::chrono::milliseconds(200)); // let the last completions settle
      auto rss1 = vm_rss_bytes();
      // Drain: everyone logs in; the waiting calls are routed, talk, end.
      auto head0 = store.head_position();
      auto t1 = std::chrono::steady_clock::now();
      for (const auto& id : ctx->agents.ids())
        caf::anon_send(ctx->agents.at(id), login_atom::value, std::vector<std::string>{});
      if (!wait_for(sh, [&] { return sh.ended >= a.waiting; }))
        throw std::runtime_error("drain: only " + std::to_string(sh.ended) + " calls ended");
      double drain_s = seconds_since(t1);
      out["waiting"] = {
          {"calls", a.waiting},
          {"queue_s", queue_s},
          {"resident_before_bytes", rss0},
          {"resident_waiting_bytes", rss1},
          {"resident_per_waiting_call_bytes",
           static_cast<double>(rss1 - std::min(rss1, rss0)) / static_cast<double>(a.waiting)},
          {"target_bytes_per_call", (1ULL << 30) / 100'000},
          {"meets_target", rss1 - std::min(rss1, rss0) <= (1ULL << 30) * a.waiting / 100'000},
          {"drain_s", drain_s},
          {"drain_calls_per_s", static_cast<double>(a.waiting) / drain_s},
          {"drain_events", store.head_position() - head0},
      };
    } else {
      for (const auto& id : ctx->agents.ids())
        caf::anon_send(ctx->agents.at(id), login_atom::value, std::vector<std::string>{});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }

    // 2. Throughput: a closed loop with `window` calls in flight.
    double calls_per_s = 0;
    {
      auto ended0 = sh.ended;
      auto completed0 = sh.completed;
      auto head0 = store.head_position();
      auto stats0 = store.stats();
      auto first = next;
      auto window = std::min(a.window, a.calls);
      {
        std::lock_guard lock{sh.mu};
        sh.to_spawn = a.calls - window;
        sh.next_index = next + window;
      }
      auto t0 = std::chrono::steady_clock::now();
      auto cpu0 = process_cpu_seconds();
      for (std::uint64_t i = 0; i < window; ++i)
        start_call(sys, ctx, sh, next + i, a);
      if (!wait_for(sh, [&] { return sh.ended >= ended0 + a.calls; }))
        throw std::runtime_error("throughput phase: only " + std::to_string(sh.ended - ended0) +
                                 " calls ended");
      double secs = seconds_since(t0);
      double cpu_s = process_cpu_seconds() - cpu0;
      next += a.calls;
      auto head1 = store.head_position();
      calls_per_s = static_cast<double>(a.calls) / secs;
      out["throughput"] = {
          {"calls", a.calls},
          {"completed", sh.completed - completed0},
          {"window", window},
          {"wall_s", secs},
          {"calls_per_s", calls_per_s},
          // CPU of the whole process (every thread): what a call costs on a
          // busy machine, where wall time also counts other processes.
          {"cpu_s", cpu_s},
          {"cpu_us_per_call", cpu_s * 1e6 / static_cast<double>(a.calls)},
          {"events", head1 - head0},
          {"events_per_s", static_cast<double>(head1 - head0) / secs},
          // The store's group commits: one WAL write (and one sync) each.
          {"store_commits", store.stats().commits - stats0.commits},
          {"events_per_commit", static_cast<double>(store.stats().events - stats0.events) /
                                    static_cast<double>(std::max<std::uint64_t>(
                                        1, store.stats().commits - stats0.commits))},
          {"enqueue_to_offer", to_json(enqueue_to_offer(store, head0, head1))},
          {"arrival_to_ringing", to_json(arrival_to_ringing(sh, first, next))},
      };
      out["calls_per_s"] = calls_per_s;
      out["events_per_s"] = static_cast<double>(head1 - head0) / secs;
      out["target_calls_per_s"] = 10'000;
      out["meets_calls_target"] = calls_per_s >= 10'000;
    }

    // 3. Latency at a fixed arrival rate (default: half the throughput).
    if (a.latency_calls > 0) {
      double rate = a.latency_rate > 0 ? a.latency_rate : calls_per_s / 2;
      auto ended0 = sh.ended;
      auto head0 = store.head_position();
      auto first = next;
      auto t0 = std::chrono::steady_clock::now();
      for (std::uint64_t i = 0; i < a.latency_calls; ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                               static_cast<double>(i) * 1e9 / rate)));
        start_call(sys, ctx, sh, next + i, a);
      }
      if (!wait_for(sh, [&] { return sh.ended >= ended0 + a.latency_calls; }))
        throw std::runtime_error("latency phase: only " + std::to_string(sh.ended - ended0) +
                                 " calls ended");
      double secs = seconds_since(t0);
      next += a.latency_calls;
      auto head1 = store.head_position();
      auto lat = enqueue_to_offer(store, head0, head1);
      out["latency"] = {
          {"calls", a.latency_calls},
          {"arrival_rate_per_s", rate},
          {"achieved_calls_per_s", static_cast<double>(a.latency_calls) / secs},
          {"enqueue_to_offer", to_json(lat)},
          {"arrival_to_ringing", to_json(arrival_to_ringing(sh, first, next))},
      };
      out["p50_us"] = lat.p50;
      out["p99_us"] = lat.p99;
      out["target_p99_us"] = 1000;
      out["meets_latency_target"] = lat.samples > 0 && lat.p99 <= 1000;
    }
    if (out.contains("waiting"))
      out["resident_per_waiting_call_bytes"] = out["waiting"]["resident_per_waiting_call_bytes"];
    out["rejected_commands"] = sh.rejected;
    out["rejections"] = sh.rejections;
    out["resident_bytes"] = vm_rss_bytes();
    stop_acd(ctx);
    caf::anon_send_exit(drv, caf::exit_reason::user_shutdown);
  }
  // Baseline: the same kind of store, as many events as the throughput
  // phase wrote, from as many streams as it had calls in flight.
  auto events = out["throughput"]["events"].get<std::uint64_t>();
  double raw = raw_store_events_per_s(a.dir, sync, std::max<std::uint64_t>(events, 10'000),
                                      static_cast<int>(std::min<std::uint64_t>(a.window, 10'000)));
  out["baseline"] =
      "rocksdb_event_store: the same number of pre-encoded events, one append in flight per "
      "stream, as many streams as calls in flight; same run, same sync policy";
  out["raw_events_per_s"] = raw;
  out["ratio"] = out["events_per_s"].get<double>() / raw;
  std::cout << out.dump(2) << "\n";
}

} // namespace

void add_route_bench(CLI::App& bench) {
  auto a = std::make_shared<route_bench_args>();
  auto* cmd = bench.add_subcommand(
      "route", "The ACD end to end: calls/s, offer latency, memory per waiting call");
  cmd->footer(
      "The ACD end to end on the wall clock: real actors, RocksDB store, 10,000 agents and 1,000 "
      "queues; calls/s, events/s, enqueue->offer p50/p99, memory per waiting call; baseline: the "
      "store's raw append rate\n\nExample:\n  hotline bench route --calls 100000");
  cmd->add_option("--agents", a->agents, "Agents")->capture_default_str();
  cmd->add_option("--queues", a->queues, "Queues (one skill each)")->capture_default_str();
  cmd->add_option("--queues-per-agent", a->queues_per_agent, "Queues (and skills) per agent")
      ->capture_default_str();
  cmd->add_option("--waiting", a->waiting, "Calls waiting at once for the memory figure (0: skip)")
      ->capture_default_str();
  cmd->add_option("--calls", a->calls, "Calls in the throughput phase")->capture_default_str();
  cmd->add_option("--window", a->window, "Calls in flight in the throughput phase")
      ->capture_default_str();
  cmd->add_option("--latency-calls", a->latency_calls, "Calls in the latency phase (0: skip)")
      ->capture_default_str();
  cmd->add_option("--latency-rate", a->latency_rate,
                  "Arrivals per second in the latency phase (default: half the throughput)");
  cmd->add_option("--sync", a->sync, "Store sync policy: none | batch | always")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "CAF scheduler threads")->capture_default_str();
  cmd->add_option(
         "--scheduler", a->scheduler,
         "CAF scheduler policy: sharing (one queue, idle workers wake on a message) | stealing "
         "(CAF's default: idle workers poll, and sleep up to 10 ms between polls when idle long)")
      ->capture_default_str();
  cmd->add_option("--dir", a->dir, "Where to create the scratch store (default: temp dir)");
  cmd->add_option("--seed", a->seed, "Spreads calls over queues")->capture_default_str();
  cmd->callback([a] {
    try {
      run(*a);
    } catch (const std::exception& e) {
      std::cerr << "hotline bench route: " << e.what() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

} // namespace hotline::bench
