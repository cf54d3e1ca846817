// hotline demo: the main job. Until the traffic simulator lands it writes a
// scripted stream of call, agent, queue and trunk events for a small center
// through the group-commit store from many concurrent streams, reads them
// back, and prints the commands to explore what it made.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "drivers/cli/commands.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"

namespace hotline::cli {

namespace {

struct demo_args {
  std::string dir;
  int calls = 4000;
  int agents = 40;
  std::uint64_t seed = 1;
};

struct demo_writer {
  drivers::event_store& store;
  std::string site = "site-1";
  std::atomic<std::uint64_t> failures{0};

  events::proposed_event make(const events::event& body, const std::string& id_name,
                              std::int64_t t_ns, const std::string& tenant,
                              events::principal who) {
    return events::event_codec::standard().propose(
        body, {events::event_id::from_name(id_name), site, tenant, t_ns, {}, {}, std::move(who)});
  }
  void append(const std::string& stream, std::optional<std::uint64_t>& last,
              std::vector<events::proposed_event> evs) {
    auto r = store.append(stream, drivers::expected_revision::after(last), std::move(evs));
    if (!r) {
      std::cerr << "hotline demo: " << r.error().message() << "\n";
      ++failures;
      return;
    }
    last = r->last_revision;
  }
};

void run_demo(const demo_args& a) {
  std::string dir = a.dir;
  if (dir.empty()) dir = (std::filesystem::current_path() / ".hotline-demo" / "store").string();
  std::filesystem::create_directories(dir);
  auto opened = drivers::rocksdb_event_store::open(dir);
  if (!opened) {
    std::cerr << "hotline demo: " << opened.error().message() << "\n";
    exit_code() = 1;
    return;
  }
  auto& store = **opened;
  std::uint64_t start_head = store.head_position();
  std::cout << "hotline demo: store " << dir << " (" << start_head << " events already there)\n"
            << "  writing " << a.calls << " scripted calls for " << a.agents
            << " agents from 4 threads through the group-commit store...\n";
  demo_writer w{store};
  auto base_ns = std::int64_t{1'795'392'000} * 1'000'000'000; // 2026-11-23T00:00:00Z
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::string run_tag = std::to_string(start_head);
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      std::mt19937_64 rng{a.seed * 7919 + static_cast<std::uint64_t>(th)};
      for (int c = th; c < a.calls; c += 4) {
        std::string call_id = run_tag + "-" + std::to_string(c);
        std::string tenant = c % 3 == 0 ? "bright-bank" : "acme-telecom";
        std::string queue = c % 3 == 0 ? "bank-general" : (c % 2 ? "billing" : "tech");
        std::string agent = "a" + std::to_string(rng() % static_cast<unsigned>(a.agents));
        auto t = base_ns + static_cast<std::int64_t>(c) * 2'000'000'000;
        auto sys = events::principal::system("demo");
        std::optional<std::uint64_t> last;
        std::string stream = "call-" + call_id;
        std::int64_t wait_ms = static_cast<std::int64_t>(rng() % 60'000);
        bool abandoned = rng() % 10 == 0;
        std::vector<events::proposed_event> evs;
        evs.push_back(w.make(events::call_arrived{call_id, "voice", "inbound", "+86138" + std::to_string(rng() % 100000000), "10086", "cust-" + std::to_string(rng() % 5000), {}, "pstn"}, stream + "#0", t, tenant, sys));
        evs.push_back(w.make(events::call_queued{call_id, queue, 0, 1, 30'000, "entry 10086"}, stream + "#1", t + 1'000'000, tenant, sys));
        w.append(stream, last, std::move(evs));
        evs.clear();
        auto t_end = t + wait_ms * 1'000'000;
        if (abandoned) {
          evs.push_back(w.make(events::call_ended{call_id, "abandoned", "caller_hangup", "", queue}, stream + "#2", t_end, tenant, sys));
        } else {
          evs.push_back(w.make(events::call_connected{call_id, queue, agent, wait_ms}, stream + "#2", t_end, tenant, events::principal::agent(agent)));
          evs.push_back(w.make(events::call_ended{call_id, "completed", "agent_hangup", agent, queue}, stream + "#3", t_end + 180'000'000'000, tenant, events::principal::agent(agent)));
        }
        w.append(stream, last, std::move(evs));
      }
    });
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::uint64_t written = store.head_position() - start_head;
  std::cout << "  wrote " << written << " events in " << secs << " s (" << static_cast<std::uint64_t>(written / secs)
            << " events/s), " << w.failures << " failed appends\n";
  auto back = store.read_all(start_head + 1, SIZE_MAX);
  if (!back || back->size() != written) {
    std::cerr << "hotline demo: reading back failed\n";
    exit_code() = 1;
    return;
  }
  std::cout << "  read back " << back->size() << " events in global order: ok\n\n"
            << "Explore the store (close this demo first; a store has one writer):\n"
            << "  hotline store info  --store " << dir << "\n"
            << "  hotline store read  --store " << dir << " --limit 5\n"
            << "  hotline store read  --store " << dir << " --stream call-" << run_tag << "-0\n"
            << "  hotline store check --store " << dir << "\n";
  if (w.failures > 0) exit_code() = 1;
}

} // namespace

void add_demo_command(CLI::App& app) {
  auto a = std::make_shared<demo_args>();
  auto* demo = app.add_subcommand(
      "demo", "The main job: write a day of contact-center events into a node store and show how "
              "to explore it (interim: scripted calls until the simulator lands)");
  demo->add_option("--dir", a->dir, "Store directory (default ./.hotline-demo/store)");
  demo->add_option("--calls", a->calls, "Number of calls")->capture_default_str();
  demo->add_option("--agents", a->agents, "Number of agents")->capture_default_str();
  demo->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  demo->callback([a] { run_demo(*a); });
}

} // namespace hotline::cli
