// hotline bench api: the node API under desktops and a load of calls.
//
// One process: a RocksDB store in a temporary directory, the single-queue
// center of `hotline simulate --agents N` (one agent per desktop), its
// simulated callers and agents on the wall clock, the identity actor with
// one user and one bearer token per agent, the feed hub, the routes and
// the transport; then N WebSocket desktop sessions, one per agent, each
// seeing only its own agent's events. The sessions' client side runs in a
// child process (bench/desktop_process.hpp): its descriptors, memory and
// CPU are not the node's, as they would not be in a contact center.
//  - event → desktop: from the moment the hub takes an event from the
//    store subscription to its arrival at the session (the "t" field);
//  - command round trip: POST /api/agents/{id}/not-ready and /ready by a
//    few agents people drive ([simulation] api_agents), request sent to
//    answer read (the command decided, its events handed to the store);
//  - bytes per idle session: the node process's resident memory grown by
//    opening the sessions, divided by N (the server side only: the client
//    is another process);
//  - the baseline: round trips through a bare Beast WebSocket echo on the
//    same transport, measured in the same run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/acd.hpp"
#include "actors/coarse_clock.hpp"
#include "actors/identity_actor.hpp"
#include "actors/time_source.hpp"
#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "bench/desktop_process.hpp"
#include "bench/ws_echo.hpp"
#include "bench/ws_load.hpp"
#include "drivers/api/feed_hub.hpp"
#include "drivers/api/node_api.hpp"
#include "drivers/api/passwords.hpp"
#include "drivers/sim/live_traffic.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/store/rocksdb_event_store.hpp"

namespace hotline::bench {

namespace {

struct api_bench_args {
  std::size_t sessions = 10'000;
  double rate_per_hour = 36'000; ///< 10 calls a second
  double aht_s = 60;
  double seconds = 20;
  int commanders = 20; ///< agents driven through the API for the command round trips
};

/// A desktop's HTTP/1.1 connection to the node, kept alive between
/// requests as a browser keeps it. Blocking and small on purpose: what the
/// bench times is the server.
class keepalive_client {
public:
  explicit keepalive_client(std::uint16_t port) : port_{port} {}
  ~keepalive_client() { drop(); }
  keepalive_client(const keepalive_client&) = delete;
  keepalive_client& operator=(const keepalive_client&) = delete;

  /// POST with a bearer token; the status, or -1 on a transport failure
  /// (the next request opens a new connection).
  int post(const std::string& target, const std::string& token, const std::string& body) {
    if (fd_ < 0 && !open()) return -1;
    const std::string req =
        "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      return drop();
    // Read the head, then Content-Length bytes of body.
    std::string in;
    std::size_t head_end = std::string::npos;
    char buf[4096];
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return drop();
      in.append(buf, static_cast<std::size_t>(n));
    }
    std::size_t length = 0;
    for (const char* name : {"Content-Length: ", "content-length: "})
      if (auto at = in.find(name); at != std::string::npos && at < head_end)
        length = std::strtoull(in.c_str() + at + std::strlen(name), nullptr, 10);
    while (in.size() < head_end + 4 + length) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return drop();
      in.append(buf, static_cast<std::size_t>(n));
    }
    if (in.size() < 12) return drop();
    const int status = std::atoi(in.c_str() + 9);
    if (in.substr(0, head_end).find("Connection: close") != std::string::npos) drop();
    return status;
  }

private:
  bool open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      drop();
      return false;
    }
    return true;
  }
  int drop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return -1;
  }
  std::uint16_t port_;
  int fd_ = -1;
};

double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<std::size_t>(p * double(xs.size())))];
}

void run(const api_bench_args& given) {
  auto a = given;
  // The server's end of every session is a descriptor of this process (the
  // client's are the child's), plus the store's files and the load's calls.
  const auto fds = raise_fd_limit();
  nlohmann::json out{{"bench", "api"}, {"sessions_asked", a.sessions}, {"fd_limit", fds}};
  if (fds < a.sessions + 2'000) {
    a.sessions = fds > 2'000 ? fds - 2'000 : 1;
    out["sessions_capped_by_fd_limit"] = true;
  }
  out["sessions"] = a.sessions;
  // Baseline first, on an idle machine: a bare echo on the same transport.
  {
    drivers::api::server_options so;
    so.listen = "127.0.0.1:0";
    auto echo = ws_echo_server::start(so);
    if (auto* err = std::get_if<std::string>(&echo)) {
      std::cerr << "echo server: " << *err << "\n";
      return;
    }
    ws_load_stats st;
    measure_echo_round_trip(std::get<0>(echo)->url(), 100, 100, std::chrono::seconds(60), st);
    out["baseline_echo_p50_ms"] = st.p50_ms;
    out["baseline_echo_p99_ms"] = st.p99_ms;
  }

  const auto dir =
      std::filesystem::temp_directory_path() / ("hotline-bench-api-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto opened = drivers::rocksdb_event_store::open(dir.string());
  if (!opened) {
    std::cerr << opened.error().message() << "\n";
    return;
  }
  auto& store = **opened;
  drivers::sim::quick_center_options qo;
  qo.agents = static_cast<int>(a.sessions);
  qo.rate_per_hour = a.rate_per_hour;
  qo.aht_s = a.aht_s;
  qo.hours = 24;
  auto cfg = drivers::sim::quick_center(qo);
  for (int i = 0; i < a.commanders && i < qo.agents; ++i)
    cfg.simulation.api_agents.push_back(cfg.center.agents[static_cast<std::size_t>(i)].id);

  caf::actor_system_config sys_cfg;
  actors::install_coarse_clock(sys_cfg);
  caf::actor_system sys{sys_cfg};
  actors::wall_clock clock;
  auto ctx = std::make_shared<actors::acd_context>();
  ctx->center = cfg.center;
  ctx->store = {&store, &clock, cfg.center.site.id, false};

  // One user and one bearer token per agent.
  auto identity = actors::spawn_identity(sys, ctx->store);
  const auto now = clock.now_ns();
  std::vector<std::string> tokens;
  {
    caf::scoped_actor self{sys};
    const std::string hash = drivers::api::hash_password("bench users never log in");
    std::size_t pending = 0;
    auto drain = [&](std::size_t down_to) {
      for (; pending > down_to; --pending)
        self->receive([](caf::ok_atom) {},
                      [](actors::refused_atom, const std::string& code, const std::string& d) {
                        std::cerr << "identity: " << code << " " << d << "\n";
                      });
    };
    for (std::size_t i = 0; i < a.sessions; ++i) {
      const auto& agent = cfg.center.agents[i];
      const auto user = "u" + std::to_string(i);
      tokens.push_back(drivers::api::new_token());
      namespace id = events::identity;
      self->send(identity, actors::identity_cmd_atom::value, user,
                 id::command{id::create_user{
                     agent.tenant, user, {id::role::agent}, agent.id, {}, hash, now}},
                 events::principal::system("bench"), std::string{});
      self->send(identity, actors::identity_cmd_atom::value, user,
                 id::command{id::open_session{drivers::api::token_sha256_hex(tokens.back()),
                                              events::session_kind::bearer, "bench",
                                              now + 86'400'000'000'000LL, now}},
                 events::principal::system("bench"), std::string{});
      pending += 2;
      drain(2'000);
    }
    drain(0);
  }

  drivers::sim::simulation_options so;
  so.progress_every_s = 0;
  so.day_epoch_ns = now - now % (86'400LL * 1'000'000'000);
  so.call_id_prefix = "bench-";
  auto traffic =
      drivers::sim::spawn_live_traffic(sys, cfg, ctx, so, now, now + 86'400'000'000'000LL, &clock);
  ctx->observer = traffic;
  actors::start_acd(sys, ctx);

  auto hub_owner = std::make_unique<drivers::api::feed_hub>(store, ctx->center,
                                                            [&clock] { return clock.now_ns(); });
  auto& hub = *hub_owner;
  hub.start();
  drivers::api::api_options ao;
  ao.requests_per_s = 1e6;
  ao.burst = 1e6;
  auto api_owner =
      std::make_unique<drivers::api::node_api>(sys, ctx, store, identity, clock, hub, ao);
  auto& api = *api_owner;
  drivers::api::server_options srv;
  srv.listen = "127.0.0.1:0";
  srv.max_connections = a.sessions + 1'000;
  auto started = drivers::api::http_server::start(srv, api);
  if (auto* err = std::get_if<std::string>(&started)) {
    std::cerr << "api: " << *err << "\n";
    return;
  }
  auto& server = *std::get<0>(started);
  api.set_ready(true);
  for (int i = 0; i < 600 && !hub.caught_up(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

  // The desktops, in their own process.
  desktop_process_options dopt;
  dopt.url = server.url();
  dopt.tokens = tokens;
  const auto rss_before = resident_bytes();
  desktop_process desktops{dopt};
  if (!desktops.error().empty()) {
    std::cerr << "desktops: " << desktops.error() << "\n";
    return;
  }
  auto connected = desktops.connect().value_or(ws_load_stats{});
  std::this_thread::sleep_for(std::chrono::seconds(2)); // snapshots delivered
  const auto rss_after = resident_bytes();
  out["sessions_open"] = connected.sessions_open;
  out["sessions_failed"] = connected.sessions_failed;
  if (!connected.first_error.empty()) out["first_error"] = connected.first_error;
  out["bytes_per_idle_session"] =
      connected.sessions_open == 0
          ? 0
          : double(rss_after > rss_before ? rss_after - rss_before : 0) / connected.sessions_open;
  out["client_bytes_per_session"] =
      connected.sessions_open == 0 ? 0
                                   : double(desktops.resident_bytes()) / connected.sessions_open;

  // The load: callers arrive; the people's agents log in and toggle.
  caf::anon_send(traffic, caf::ok_atom::value);
  std::vector<double> round_trips;
  std::atomic<bool> stop{false};
  std::thread commander([&] {
    std::vector<std::unique_ptr<keepalive_client>> desks;
    for (int i = 0; i < a.commanders; ++i)
      desks.push_back(std::make_unique<keepalive_client>(server.port()));
    for (int i = 0; i < a.commanders; ++i)
      desks[std::size_t(i)]->post("/api/agents/" + cfg.center.agents[std::size_t(i)].id + "/login",
                                  tokens[std::size_t(i)], "{}");
    for (std::size_t round = 0; !stop; ++round)
      for (int i = 0; i < a.commanders && !stop; ++i) {
        const auto& id = cfg.center.agents[std::size_t(i)].id;
        const bool ready = round % 2 == 0;
        const auto t0 = std::chrono::steady_clock::now();
        const int status = desks[std::size_t(i)]->post(
            "/api/agents/" + id + (ready ? "/ready" : "/not-ready"), tokens[std::size_t(i)],
            ready ? "{}" : "{\"reason\":\"bench\"}");
        const auto ms = seconds_since(t0) * 1000;
        if (status == 200) round_trips.push_back(ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
  });
  std::this_thread::sleep_for(std::chrono::seconds(3)); // warm up
  desktops.stats(true);
  const auto cpu0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
  auto st = desktops.stats().value_or(ws_load_stats{});
  const auto wall = seconds_since(t0);
  const auto cpu = process_cpu_seconds() - cpu0;
  stop = true;
  commander.join();
  out["seconds"] = wall;
  out["events_to_desktops"] = st.messages;
  out["events_to_desktops_per_s"] = double(st.messages) / wall;
  out["event_to_client_p50_ms"] = st.p50_ms;
  out["event_to_client_p99_ms"] = st.p99_ms;
  out["event_to_client_max_ms"] = st.max_ms;
  out["command_round_trips"] = round_trips.size();
  out["command_round_trip_p50_ms"] = percentile(round_trips, 0.5);
  out["command_round_trip_p99_ms"] = percentile(round_trips, 0.99);
  out["cpu_cores_used"] = cpu / wall;
  out["event_to_client_p99_vs_echo_p99"] =
      out["baseline_echo_p99_ms"].get<double>() > 0
          ? st.p99_ms / out["baseline_echo_p99_ms"].get<double>()
          : 0.0;
  out["store_events"] = store.head_position();

  desktops.close();
  server.stop();
  caf::anon_send_exit(traffic, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(identity, caf::exit_reason::user_shutdown);
  actors::stop_acd(ctx);
  sys.await_all_actors_done();
  std::cout << out.dump(2) << std::endl;
  api_owner.reset();
  hub_owner.reset(); // its subscription reads the store: before the store closes
  (*opened).reset();
  std::filesystem::remove_all(dir);
}

} // namespace

void add_api_bench(CLI::App& bench) {
  auto a = std::make_shared<api_bench_args>();
  auto* cmd = bench.add_subcommand(
      "api", "The node API: N desktop WebSocket sessions under a load of calls (JSON)");
  cmd->add_option("--sessions", a->sessions, "Desktop sessions, one agent each (default 10000)");
  cmd->add_option("--rate-per-hour", a->rate_per_hour, "Calls an hour (default 36000)");
  cmd->add_option("--aht-s", a->aht_s, "Mean handle time (default 60)");
  cmd->add_option("--seconds", a->seconds, "Measured seconds (default 20)");
  cmd->callback([a] { run(*a); });
}

} // namespace hotline::bench
