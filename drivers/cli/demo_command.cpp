// hotline demo: the main job. A single-site node with an embedded RocksDB
// store, the demo center of config/demo.toml (two tenants, several skilled
// queues, VIP callers, trunks sized so blocking can happen, ~40 agents with
// shifts), simulated traffic on an accelerated virtual clock through the
// real ACD actors, a live dashboard, and at the end the KPI report (table
// and self-contained HTML) plus the commands to explore the store it made.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "actors/ports/memory_event_store.hpp"
#include "config/load.hpp"
#include "drivers/api/passwords.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/demo_files.hpp"
#include "drivers/cli/demo_music.hpp"
#include "drivers/cli/flow_clock.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/output.hpp"
#include "drivers/cli/users.hpp"
#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/mock_cluster.hpp"
#include "drivers/sim/simulator.hpp"
#include "drivers/sip/digest.hpp"
#include "drivers/store/copy_store.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"

namespace hotline::cli {

namespace {

namespace fs = std::filesystem;

struct demo_args {
  std::string config;
  std::string dir;
  double duration_s = 40;
  double hours = 0;
  std::uint64_t seed = 0;
  bool kafka = false;        ///< --kafka given
  std::string kafka_brokers; ///< its value: empty starts the mock cluster
  std::string api_listen;    ///< --api-listen: the live demo with the node API
  std::string sip_listen;    ///< --sip-listen: the live demo takes SIP calls
};

/// Writes the built-in demo center (drivers/cli/demo_files.hpp) into
/// `dir`/config and returns its demo.toml, so the run keeps the very
/// configuration it used, wherever the binary lives. Empty on failure.
std::string write_demo_config(const fs::path& dir) {
  const auto config_dir = dir / "config";
  std::error_code ec;
  fs::create_directories(config_dir, ec);
  if (ec) {
    complain() << "cannot create " << config_dir.string() << ": " << ec.message() << "\n";
    return {};
  }
  for (const auto& f : demo_files()) {
    std::ofstream out(config_dir / f.name, std::ios::binary | std::ios::trunc);
    out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    if (!out.flush()) {
      complain() << "cannot write " << (config_dir / f.name).string() << "\n";
      return {};
    }
  }
  return (config_dir / demo_files().front().name).string();
}

std::string fmt_pct(const nlohmann::json& v) {
  if (!v.is_number()) return "   -  ";
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << std::setw(5) << v.get<double>() * 100 << "%";
  return o.str();
}

std::string fmt_s(const nlohmann::json& v) {
  if (!v.is_number()) return "    - ";
  std::ostringstream o;
  o << std::fixed << std::setprecision(0) << std::setw(5) << v.get<double>() << "s";
  return o.str();
}

/// The live dashboard: per queue and agents by state, from the KPI fold.
class dashboard {
public:
  dashboard(const ports::event_store& store, bool tty) : store_(store), tty_(tty) {}

  void refresh(std::int64_t now_ns, double progress) {
    for (;;) {
      auto batch = store_.read_all(next_, 8192);
      if (!batch || batch->empty()) break;
      for (const auto& e : *batch) {
        (void)kpi_.apply(e);
        track_waiting(e);
      }
      next_ = batch->back().position + 1;
    }
    projections::kpi::report_request req;
    req.by = projections::kpi::dimension::queue;
    req.intervals = false;
    auto r = projections::kpi::build_report(kpi_, req);
    std::ostringstream out;
    if (tty_) out << "\x1b[H\x1b[2J";
    out << "hotline demo  " << events::format_timestamp(now_ns).substr(11, 8) << " (virtual)   "
        << std::fixed << std::setprecision(0) << progress * 100
        << "% of the day   events: " << next_ - 1 << "\n\n";
    out << std::left << std::setw(16) << "queue" << std::right << std::setw(8) << "offered"
        << std::setw(9) << "waiting" << std::setw(8) << "oldest" << std::setw(8) << "SL"
        << std::setw(8) << "ASA" << std::setw(10) << "abandon" << std::setw(9) << "blocked"
        << "\n";
    auto g = kpi_.gauges();
    if (r.contains("groups") && r["groups"].contains("queue"))
      for (auto& [key, m] : r["groups"]["queue"].items()) {
        auto w = waiting_by_queue(key, now_ns);
        out << std::left << std::setw(16) << key.substr(0, 15) << std::right << std::setw(8)
            << m.value("offered", 0) << std::setw(9) << w.first << std::setw(8)
            << fmt_s(w.second / 1000.0) << std::setw(8) << fmt_pct(m["service_level"])
            << std::setw(8) << fmt_s(m["asa_s"]) << std::setw(10) << fmt_pct(m["abandon_rate"])
            << std::setw(9) << m.value("blocked", 0) << "\n";
      }
    const auto& t = r["totals"];
    out << std::left << std::setw(16) << "all" << std::right << std::setw(8)
        << t.value("offered", 0) << std::setw(9) << g.calls_waiting << std::setw(8)
        << fmt_s(g.oldest_wait_ms / 1000.0) << std::setw(8) << fmt_pct(t["service_level"])
        << std::setw(8) << fmt_s(t["asa_s"]) << std::setw(10) << fmt_pct(t["abandon_rate"])
        << std::setw(9) << t.value("blocked", 0) << "\n\nagents: ";
    for (const auto& [state, n] : g.agents_by_state)
      out << state << "=" << n << "  ";
    if (t.value("ivr_entered", 0) > 0)
      out << "\nIVR: " << t.value("ivr_entered", 0) << " entered, containment "
          << fmt_pct(t["ivr_containment"]) << ", abandoned in the IVR "
          << t.value("ivr_abandoned", 0);
    out << "\n(SL: " << t.value("service_level_definition", std::string{}) << ")\n";
    std::cout << out.str() << std::flush;
  }

  const projections::kpi::kpi_projection& kpi() const { return kpi_; }

private:
  /// Calls waiting per queue: queue.call_joined minus queue.call_left, from
  /// the queue streams (call id -> joined at).
  void track_waiting(const events::recorded_event& e) {
    if (e.type != "queue.call_joined" && e.type != "queue.call_left") return;
    auto body = events::event_codec::standard().decode(e);
    if (!body) return;
    if (const auto* j = std::get_if<events::queue_call_joined>(&*body))
      joined_[j->queue][j->call_id] = e.meta.timestamp_ns;
    else if (const auto* l = std::get_if<events::queue_call_left>(&*body))
      joined_[l->queue].erase(l->call_id);
  }
  /// (calls waiting, oldest wait in ms) of a queue.
  std::pair<std::int64_t, std::int64_t> waiting_by_queue(const std::string& queue,
                                                         std::int64_t now_ns) const {
    auto it = joined_.find(queue);
    if (it == joined_.end() || it->second.empty()) return {0, 0};
    std::int64_t oldest = now_ns;
    for (const auto& [call, at] : it->second)
      oldest = std::min(oldest, at);
    return {static_cast<std::int64_t>(it->second.size()), (now_ns - oldest) / 1'000'000};
  }
  std::map<std::string, std::map<std::string, std::int64_t>> joined_;

  const ports::event_store& store_;
  bool tty_;
  std::uint64_t next_ = 1;
  projections::kpi::kpi_projection kpi_;
};

/// --kafka: the whole path. The relay publishes the node store to the
/// brokers given, or, with none, to librdkafka's mock cluster started here
/// (it stands in for a Kafka cluster, for the demo only), while the demo waits.
bool publish_to_kafka(ports::event_store& store, const std::string& site,
                      const std::string& brokers) {
  std::unique_ptr<drivers::mock_cluster> cluster;
  if (brokers.empty()) {
    auto made = drivers::mock_cluster::create({3, {{"hotline." + site + ".events", 4}}});
    if (!made) {
      complain() << made.error().message() << "\n";
      exit_code() = 1;
      return false;
    }
    cluster = std::move(*made);
  }
  drivers::kafka_relay_options o;
  o.bootstrap_servers = cluster ? cluster->bootstraps() : brokers;
  o.site = site;
  drivers::kafka_relay relay{store, o};
  auto t0 = std::chrono::steady_clock::now();
  if (auto st = relay.start(); !st) {
    complain() << "kafka relay: " << st.message() << "\n";
    exit_code() = 1;
    return false;
  }
  auto st = relay.wait_until_published(store.head_position(), std::chrono::seconds(120));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!st) {
    complain() << "kafka relay: " << st.message() << "\n";
    exit_code() = 1;
    return false;
  }
  std::cout << "\nKafka: published " << store.head_position() << " events to " << relay.topic()
            << " on " << (cluster ? "the mock cluster " : "") << o.bootstrap_servers << " in "
            << std::fixed << std::setprecision(1) << secs << " s\n";
  auto stopped = relay.stop();
  if (!stopped) complain() << "kafka relay: " << stopped.message() << "\n";
  return true;
}

/// `hotline demo --sip-listen HOST:PORT` on the built-in center: a [sip]
/// section appended to DIR/config/demo.toml, so the run keeps what it
/// used: the listen address, the demo's music (demo_music.hpp, written to
/// DIR/config/demo-moh.wav), announcements when Debian's Asterisk sound
/// pack is installed, and one SIP trunk on the first tenant's first
/// inbound trunk group that accepts calls from the listen host and from
/// 127.0.0.1 (a softphone or sipp on this machine). False on failure.
bool add_demo_sip(const std::string& config_path, const config::configuration& cfg,
                  const std::string& listen) {
  config::host_port where;
  std::string why;
  if (!config::parse_host_port(listen, where, why)) {
    fail("--sip-listen: " + why, 2);
    return false;
  }
  const events::trunk_group_definition* group = nullptr;
  for (const auto& t : cfg.center.trunks)
    if (t.direction != events::trunk_direction::outbound) {
      group = &t;
      break;
    }
  if (!group) {
    fail("--sip-listen: the demo center has no inbound trunk group for SIP calls", 2);
    return false;
  }
  const auto dir = fs::path(config_path).parent_path();
  if (!write_wav_8k_mono(dir / "demo-moh.wav", demo_music(), why)) {
    fail(why);
    return false;
  }
  // Position / expected-wait announcements in the words of Debian's Asterisk
  // English sound pack, when it is installed (asterisk-core-sounds-en-wav).
  const fs::path pack = "/usr/share/asterisk/sounds/en";
  std::error_code ec;
  const bool announce = fs::exists(pack / "queue-thereare.wav", ec);
  std::ofstream f{config_path, std::ios::app};
  f << "\n# Added by `hotline demo --sip-listen " << listen
    << "` (docs/telephony.md): callers from a\n# softphone or sipp on " << where.host
    << " or 127.0.0.1 come in on trunk group " << group->id << ".\n"
    << "[sip]\nlisten = \"" << listen << "\"\nmusic_on_hold = \"demo-moh.wav\"\n"
    << (announce ? "announcements = \"" + pack.string() + "\"\n\n" : std::string{"\n"})
    << "[[sip.trunk]]\ngroup = \"" << group->id << "\"\npeer = \"" << where.host
    << ":5060\"\nallow = [\"" << where.host << "\""
    << (where.host == "127.0.0.1" ? "" : ", \"127.0.0.1\"") << "]\n"
    << "options_interval_s = 0   # softphones, not a carrier: no keepalive\n";
  if (!f.flush()) {
    fail("cannot write " + config_path);
    return false;
  }
  return true;
}

/// `hotline demo --api-listen ADDR`: the demo center live, on the wall
/// clock, with the node API and demo accounts whose passwords are printed:
/// an admin, a supervisor (Lin Na's supervisor agent), an agent people
/// drive (Zhao Lei, left out of the simulated agents) and an auditor, all
/// of the first tenant. Runs until SIGINT/SIGTERM.
void run_live_demo(const demo_args& a, const fs::path& dir, const std::string& config_path,
                   const config::configuration& cfg) {
  const auto store_dir = (dir / "store").string();
  if (cfg.center.tenants.empty() || cfg.center.agents.empty()) {
    fail("the live demo needs a tenant and agents in " + config_path, 2);
    return;
  }
  const auto& tenant = cfg.center.tenants.front().id;
  const events::agent_definition* supervisor = nullptr;
  const events::agent_definition* desk = nullptr;
  for (const auto& ag : cfg.center.agents) {
    if (ag.tenant != tenant) continue;
    if (ag.supervisor && !supervisor)
      supervisor = &ag;
    else if (!ag.supervisor && !desk)
      desk = &ag;
  }
  struct demo_user {
    std::string name;
    events::identity::role_set roles;
    std::string agent;
    std::vector<std::string> queues;
    std::string password;
  };
  std::vector<demo_user> users{{"admin", {events::identity::role::admin}, "", {}, ""},
                               {"auditor", {events::identity::role::auditor}, "", {}, ""}};
  if (supervisor)
    users.push_back({"supervisor",
                     {events::identity::role::supervisor},
                     supervisor->id,
                     supervisor->queues,
                     ""});
  if (desk) users.push_back({"agent", {events::identity::role::agent}, desk->id, {}, ""});
  std::string sip_password; ///< the agent's softphone's, with --sip-listen
  {
    auto store = drivers::rocksdb_event_store::open(store_dir);
    if (!store) {
      fail(store.error().message());
      return;
    }
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (auto& u : users) {
      u.password = drivers::api::new_password();
      events::identity::create_user cmd{
          tenant, u.name, u.roles, u.agent, u.queues, drivers::api::hash_password(u.password), now};
      if (!write_user_command(**store, cfg.center.site.id, u.name, cmd)) return;
    }
    // The agent's softphone registers with a SIP password of its own (docs/telephony.md).
    if (cfg.sip.enabled && desk) {
      sip_password = drivers::api::new_password();
      events::identity::set_sip_secret cmd{
          cfg.sip.realm, drivers::sip::digest_ha1("agent", cfg.sip.realm, sip_password), now};
      if (!write_user_command(**store, cfg.center.site.id, "agent", cmd)) return;
    }
  }
  std::vector<std::string> people;
  if (desk) people.push_back(desk->id);
  std::cout << "hotline demo (live): " << config_path << ", store " << store_dir
            << "\nthe simulated day runs on the wall clock until Ctrl-C; demo accounts of "
            << tenant << " (passwords made for this run):\n";
  for (const auto& u : users)
    std::cout << "  " << std::left << std::setw(11) << u.name << " " << u.password
              << (u.agent.empty() ? "" : "   (agent " + u.agent + ")") << "\n";
  if (cfg.sip.enabled && !cfg.center.entry_points.empty()) {
    const auto& sip = cfg.sip;
    std::vector<std::string> numbers; // the tenant's entry points
    for (const auto& e : cfg.center.entry_points)
      if (const auto* q = cfg.center.find_queue(e.queue);
          e.tenant == tenant || (q && q->tenant == tenant))
        numbers.push_back(e.dialed);
    if (numbers.empty()) numbers.push_back(cfg.center.entry_points.front().dialed);
    std::string listed;
    for (const auto& n : numbers)
      listed += (listed.empty() ? "" : ", ") + n;
    std::cout << "SIP on udp " << sip.listen.text() << " (docs/telephony.md): call " << listed
              << "\n  e.g. sipp -sn uac -s " << numbers.front() << " " << sip.listen.text()
              << " -i 127.0.0.1 -p 5060 -m 1 -d 10000\n"
              << "  or a softphone on this machine: sip:" << numbers.front() << "@"
              << sip.listen.text()
              << " (simulated agents answer with music: the demo has no voices)\n";
    if (!sip_password.empty())
      std::cout << "  the agent's softphone: registrar " << sip.listen.text()
                << ", user agent, realm " << sip.realm << ", SIP password " << sip_password << "\n";
  }
  std::cout.flush();
  run_live_node(
      config_path, store_dir, a.api_listen, a.sip_listen, people, [&users](const std::string& url) {
        const auto& who = users.back();
        std::cout << "the web pages are at " << url << "/ (docs/web.md): sign in with an account "
                  << "above\n"
                  << "the node API is on " << url << " (docs/api.md); try:\n"
                  << "  curl -c jar -H 'Content-Type: application/json' -d "
                  << "'{\"username\":\"" << who.name << "\",\"password\":\"" << who.password
                  << "\"}' " << url << "/api/login\n"
                  << "  curl -b jar -X POST " << url << "/api/agents/" << who.agent << "/login\n"
                  << "  curl -b jar -X POST " << url << "/api/agents/" << who.agent << "/ready\n"
                  << "  curl -b jar " << url << "/api/queues" << std::endl;
      });
}

void run_demo(const demo_args& a) {
  auto stamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  fs::path dir = a.dir.empty() ? fs::current_path() / ".hotline-demo" / stamp : fs::path{a.dir};
  auto config_path = a.config.empty() ? write_demo_config(dir) : a.config;
  if (config_path.empty()) {
    exit_code() = 1;
    return;
  }
  auto loaded = config::load_file(config_path);
  if (!loaded.ok()) {
    for (const auto& d : loaded.problems)
      std::cerr << config::format(d) << "\n";
    exit_code() = 2;
    return;
  }
  auto cfg = std::move(loaded.config);
  fs::create_directories(dir);
  if (!a.sip_listen.empty() && a.config.empty() && !cfg.sip.enabled) {
    // The built-in center gets its SIP trunk and music (add_demo_sip), then is read again.
    if (!add_demo_sip(config_path, cfg, a.sip_listen)) return;
    auto again = config::load_file(config_path);
    if (!again.ok()) {
      for (const auto& d : again.problems)
        std::cerr << config::format(d) << "\n";
      exit_code() = 2;
      return;
    }
    cfg = std::move(again.config);
  }
  if (!a.api_listen.empty() || !a.sip_listen.empty())
    return run_live_demo(a, dir, config_path, cfg);
  auto store_dir = (dir / "store").string();
  bool tty = isatty(STDOUT_FILENO);

  std::cout << "hotline demo: " << config_path << " — " << cfg.center.tenants.size() << " tenants, "
            << cfg.center.queues.size() << " queues, " << cfg.center.agents.size() << " agents, "
            << cfg.center.trunks.size() << " trunk groups\n"
            << "node store: " << store_dir << "\n";

  ports::memory_event_store memory;
  dashboard board{memory, tty};
  drivers::sim::simulation_options opts;
  opts.hours = a.hours;
  opts.local_wall = flow_clock(cfg); // `hours` nodes read the flow's zone
  if (a.seed > 0) {
    opts.seed = a.seed;
    opts.seed_given = true;
  }
  double virtual_total_s =
      a.hours > 0 ? a.hours * 3600
                  : static_cast<double>(cfg.simulation.end_ms - cfg.simulation.start_ms) / 1000;
  auto wall0 = std::chrono::steady_clock::now();
  std::int64_t start_ns = opts.day_epoch_ns + cfg.simulation.start_ms * 1'000'000;
  opts.progress_every_s = std::max(60.0, virtual_total_s / 200);
  double last_print = -1;
  opts.on_progress = [&](std::int64_t now_ns) {
    double progress = static_cast<double>(now_ns - start_ns) / 1e9 / virtual_total_s;
    // Accelerated clock: the whole day takes --duration seconds of wall time.
    auto target = wall0 + std::chrono::duration<double>(progress * a.duration_s);
    std::this_thread::sleep_until(target);
    if (tty || progress - last_print >= 0.1) {
      board.refresh(now_ns, progress);
      last_print = progress;
    }
  };
  auto sum = drivers::sim::run_simulation(cfg, memory, opts);
  if (!sum) {
    complain() << sum.error().message() << "\n";
    exit_code() = 1;
    return;
  }
  board.refresh(sum->end_ns, 1.0);

  {
    auto store = drivers::rocksdb_event_store::open(store_dir);
    if (!store) {
      complain() << store.error().message() << "\n";
      exit_code() = 1;
      return;
    }
    auto copied = drivers::copy_store(memory, **store);
    if (!copied) {
      complain() << copied.error().message() << "\n";
      exit_code() = 1;
      return;
    }
    if (a.kafka && !publish_to_kafka(**store, cfg.center.site.id, a.kafka_brokers)) return;
  }
  projections::kpi::report_request req;
  req.intervals = true;
  auto report = projections::kpi::build_report(board.kpi(), req);
  auto html_path = (dir / "kpi-report.html").string();
  auto json_path = (dir / "kpi-report.json").string();
  std::ofstream(html_path) << projections::kpi::render_html(report);
  std::ofstream(json_path) << report.dump(2) << "\n";
  // The commands below must work when pasted: name this binary by its path.
  std::error_code exe_ec;
  auto self_path = fs::read_symlink("/proc/self/exe", exe_ec);
  std::string hl = exe_ec ? std::string{"hotline"} : self_path.string();
  // The table by queue, with the IVR's flows, path and choices (docs/ivr.md "KPIs").
  projections::kpi::report_request all_groups;
  all_groups.intervals = false;
  auto table = projections::kpi::build_report(board.kpi(), all_groups);
  for (const char* dim : {"agent", "site", "tenant"})
    table["groups"].erase(dim);
  std::cout << "\n"
            << projections::kpi::render_table(table) << "\n"
            << sum->arrivals << " calls, " << sum->events << " events, "
            << sum->virtual_seconds / 3600 << " simulated hours in " << std::fixed
            << std::setprecision(1)
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count()
            << " s; " << sum->agents_passivated << " idle agent actors passivated, "
            << sum->agents_recovered << " recovered on demand\n\n"
            << "KPI report: " << html_path << " (self-contained, open it in a browser)\n"
            << "            " << json_path << "\n\n"
            << "Explore the store it made:\n"
            << "  " << hl << " kpi --store " << store_dir << " --by agent --format table\n"
            << "  " << hl << " kpi --store " << store_dir << " --interval 30m --html "
            << (dir / "kpi-30m.html").string() << "\n"
            << "  " << hl << " audit verify --store " << store_dir << "\n"
            << "  " << hl << " audit query --store " << store_dir << " --type command.rejected\n"
            << "  " << hl << " audit query --store " << store_dir << " --agent "
            << (cfg.center.agents.empty() ? "a1" : cfg.center.agents.front().id)
            << " --format table\n"
            << "  " << hl << " replay --store " << store_dir << " --out "
            << (dir / "views").string() << "\n"
            << "  " << hl << " store read --store " << store_dir << " --limit 20\n";
}

} // namespace

void add_demo_command(CLI::App& app) {
  auto a = std::make_shared<demo_args>();
  auto* demo = app.add_subcommand(
      "demo", "Simulate a day of the demo center, with a live dashboard and reports");
  demo->footer(
      "The main job: simulate a day of the demo center (config/demo.toml) through the real ACD "
      "actors on an accelerated clock, with a live dashboard, the KPI report and a node store to "
      "explore\n\nExamples:\n  hotline demo\n  hotline demo --duration 20 --kafka");
  demo->add_option("--config", a->config,
                   "Center + [simulation] TOML (default: the built-in demo center, "
                   "config/demo.toml, written to DIR/config)");
  demo->add_option("--dir", a->dir,
                   "Where to put the store and reports (default ./.hotline-demo/<time>)");
  demo->add_option(
          "--duration", a->duration_s,
          "Wall-clock seconds the simulated day takes (at least as long as the computing takes)")
      ->capture_default_str()
      ->check(number_in(1, 86'400, "a number of wall-clock seconds"));
  demo->add_option("--hours", a->hours, "Simulate this many hours instead of the configured day")
      ->check(number_in(0.01, 8'760, "a number of hours"));
  demo->add_option("--seed", a->seed, "Random seed (default: the configuration's)");
  demo->add_option("--api-listen", a->api_listen,
                   "Run the demo center live on the wall clock with the node API on HOST:PORT "
                   "and demo accounts (printed), until Ctrl-C");
  demo->add_option("--sip-listen", a->sip_listen,
                   "Run the demo center live and take SIP calls on UDP IPV4:PORT from a softphone "
                   "or sipp on that host or 127.0.0.1 (the built-in center gets a SIP trunk and "
                   "music on hold), until Ctrl-C");
  auto* kafka =
      demo->add_option(
              "--kafka", a->kafka_brokers,
              "Also publish the store through the Kafka relay to BROKERS; with no value, to "
              "librdkafka's mock cluster started for the demo")
          ->expected(0, 1);
  demo->callback([a, kafka] {
    a->kafka = kafka->count() > 0;
    run_demo(*a);
  });
}

} // namespace hotline::cli
