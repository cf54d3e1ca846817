// hotline bench sip: the node as a SIP B2BUA between sipp callers and sipp
// agents' phones, with the signalling ceiling of this host measured in the
// same run (sipp → sipp directly, and sipp → Kamailio → sipp).
//
// Every party is a process of its own, as in a contact center:
//  - the node: `/proc/self/exe node --sip-listen ... --no-traffic` on a
//    generated center (one queue, N agents, each with a static phone
//    `sip:aK@127.0.0.1:<phones' port>`, wrap-up 0, a trunk group with more
//    channels than calls), a fresh store for every step;
//  - the phones: a sipp UAS answering for many agents (180 then 200 at
//    once, then waits for the BYE): one in the sweep; in the media phase one
//    per 100 calls, with `-rtp_echo` (one echo socket and thread each);
//  - the callers: a sipp UAC on the trunk's peer address (INVITE with a PCMA
//    offer, 100/180/183 allowed, 200, ACK, a pause, BYE);
//  - in the media phase the callers stream G.711 A-law (sipp's rtp_stream of
//    a file the bench writes: 20 ms packets as long as the call; not a pcap,
//    sip_scenarios.hpp says why) and their SDP points at a UDP
//    sink in this process, so every packet makes the round trip
//    caller → node → phone (echo) → node → sink, and the sink counts them.
//
// Phases:
//  1. rate sweep: for each rate (25, 50, 100, 200, 300, ... up to
//     --max-rate) sipp places rate × --seconds-per-step calls; a step passes
//     when sipp counts every call successful and the node's store has every
//     call ended `completed`. The sweep stops at the first failing step.
//  2. the same sweep for sipp → sipp phone directly, and through Kamailio
//     (a stateful proxy with record-route: every request of the dialog
//     crosses it); Kamailio runs as a child with a configuration the bench
//     writes (null with the reason when it cannot run).
//  3. concurrency: levels of long calls with RTP (250, 500, 750, ...),
//     each level placed over a ramp and then held together for a window;
//     the level passes when no call failed and the RTP loss is < 0.1 %.
//     Drops are located per socket (/proc/net/udp, sampled during the level).
// The machine's load (/proc/loadavg) is noted at the start and in each step.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "bench/child_process.hpp"
#include "bench/sip_scenarios.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"

namespace hotline::bench {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct sip_bench_args {
  int max_rate = 400;          ///< highest calls/s of the sweep
  double seconds_per_step = 5; ///< each rate lasts this long
  int max_concurrent = 1'500;  ///< highest level of the concurrency phase
  int hold_ms = 1'000;         ///< talk time of a call in the sweep
  double window_s = 10;        ///< every call of a level up together this long
  bool quick = false;          ///< a small, fast run (smoke test)
  bool no_baselines = false;   ///< skip sipp direct and Kamailio
  bool no_concurrency = false; ///< skip the media phase
  int media_threads = -1;      ///< the node's [sip] media_threads; -1: its default
};

// -- processes: bench/child_process.hpp --------------------------------------------------

/// A UDP port free now on 127.0.0.1 (the kernel's pick).
int free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    throw std::runtime_error("bind: " + std::string(std::strerror(errno)));
  }
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// The first of four consecutive UDP ports free now on 127.0.0.1, for a
/// sipp's -mp (it binds that port and the video port two above it; a
/// kernel-picked port's neighbours may be anybody's, and a sipp that
/// cannot bind exits at once). Picked at random in 12,000..19,999: below
/// the ephemeral range and the node's RTP ports.
int free_media_port() {
  static std::mt19937 pick(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ (::getpid() << 16)));
  std::uniform_int_distribution<int> base(3'000, 4'998);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int first = base(pick) * 4;
    bool free = true;
    for (int p = first; p < first + 4 && free; ++p) {
      int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
      if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(p));
      free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
    }
    if (free) return first;
  }
  throw std::runtime_error("no run of 4 free UDP ports in 12000..19999 for sipp's media");
}

double load1() {
  std::ifstream in("/proc/loadavg");
  double l = 0;
  in >> l;
  return l;
}

/// The host's UDP datagrams dropped for a full receive buffer so far
/// (/proc/net/snmp, Udp: RcvbufErrors): every process's sockets.
long long udp_rcvbuf_errors() {
  std::ifstream in("/proc/net/snmp");
  std::string header, values;
  while (std::getline(in, header)) {
    if (header.rfind("Udp:", 0) != 0) continue;
    std::getline(in, values);
    std::istringstream h(header), v(values);
    std::string name, value;
    while (h >> name && v >> value)
      if (name == "RcvbufErrors") return std::atoll(value.c_str());
    return -1;
  }
  return -1;
}

/// Whether some socket of the host is bound to UDP `port` (/proc/net/udp).
bool udp_port_bound(int port) {
  std::ifstream in("/proc/net/udp");
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string sl, local;
    if (fields >> sl >> local && local.size() > 5 && local.substr(local.size() - 5) == want)
      return true;
  }
  return false;
}

double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<std::size_t>(p * static_cast<double>(xs.size())))];
}

/// Samples /proc/net/udp (every socket of the host) twice a second on a
/// thread: the largest drop count seen per socket, by local port, and the
/// ones of process `owner` (its sockets found in /proc/<owner>/fd). A
/// socket's count goes with it when it closes, hence the sampling while
/// the calls are up.
class udp_drop_sampler {
public:
  explicit udp_drop_sampler(pid_t owner) : owner_{owner}, thread_([this] { loop(); }) {}
  ~udp_drop_sampler() {
    if (thread_.joinable()) stop();
  }
  udp_drop_sampler(const udp_drop_sampler&) = delete;
  udp_drop_sampler& operator=(const udp_drop_sampler&) = delete;
  /// Stops sampling (one last sample first): drops by local port of the
  /// sockets that are not the owner's.
  std::map<int, long long> stop() {
    stop_ = true;
    thread_.join();
    sample();
    std::map<int, long long> out;
    for (const auto& [inode, d] : max_)
      if (!owned_.count(inode)) out[d.port] += d.drops;
    return out;
  }
  /// Drops at the owner's sockets (after stop).
  long long owner_drops() const {
    long long n = 0;
    for (const auto& [inode, d] : max_)
      if (owned_.count(inode)) n += d.drops;
    return n;
  }

private:
  void loop() {
    while (!stop_) {
      sample();
      for (int i = 0; i < 5 && !stop_; ++i)
        std::this_thread::sleep_for(100ms);
    }
  }
  void sample() {
    std::error_code ec;
    const std::string fds = "/proc/" + std::to_string(owner_) + "/fd";
    for (std::filesystem::directory_iterator it(fds, ec), end; !ec && it != end; it.increment(ec)) {
      const auto target = std::filesystem::read_symlink(it->path(), ec).string();
      if (!ec && target.rfind("socket:[", 0) == 0)
        owned_.insert(std::strtoull(target.c_str() + 8, nullptr, 10));
      ec.clear();
    }
    std::ifstream in("/proc/net/udp");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::vector<std::string> f;
      for (std::string x; fields >> x;)
        f.push_back(x);
      if (f.size() < 13) continue;
      const auto colon = f[1].find(':');
      if (colon == std::string::npos) continue;
      const int port = static_cast<int>(std::strtol(f[1].c_str() + colon + 1, nullptr, 16));
      auto& d = max_[std::strtoull(f[9].c_str(), nullptr, 10)];
      d.port = port;
      d.drops = std::max(d.drops, std::atoll(f.back().c_str()));
    }
  }
  struct socket_drops {
    int port = 0;
    long long drops = 0;
  };
  pid_t owner_;
  std::atomic<bool> stop_{false};
  std::map<unsigned long long, socket_drops> max_; ///< by inode
  std::set<unsigned long long> owned_;             ///< the owner's sockets' inodes
  std::thread thread_;
};

// -- the RTP sink ------------------------------------------------------------------------

/// A UDP socket on 127.0.0.1 and a thread counting the datagrams it receives.
class rtp_sink {
public:
  rtp_sink() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    int size = 16 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size); // root; else capped
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("bind: " + std::string(std::strerror(errno)));
    socklen_t n = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~rtp_sink() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  rtp_sink(const rtp_sink&) = delete;
  rtp_sink& operator=(const rtp_sink&) = delete;
  int port() const { return port_; }
  std::uint64_t packets() const { return packets_.load(); }

private:
  void loop() {
    char buf[2048];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      while (::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) > 0)
        packets_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> packets_{0};
  std::thread thread_;
};

// -- sipp --------------------------------------------------------------------------------

/// sipp's own count of a run (its -trace_stat file) and response times.
struct sipp_result {
  int exit_status = -1;
  long long created = 0, successful = 0, failed = 0, retransmissions = 0;
  std::vector<double> rtd_ms; ///< INVITE → 200, one per successful call (ms, integer)
  double cpu_s = 0;
  double elapsed_s = 0;
  std::string log_tail;
};

/// The last line of a sipp -trace_stat CSV as name → value.
std::map<std::string, std::string> last_stats(const std::string& path) {
  std::ifstream in(path);
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  std::map<std::string, std::string> out;
  std::istringstream h(header), v(last);
  std::string name, value;
  while (std::getline(h, name, ';') && std::getline(v, value, ';'))
    out[name] = value;
  return out;
}

std::vector<double> rtt_samples(const std::string& dir) {
  std::vector<double> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.size() < 8 || name.substr(name.size() - 8) != "_rtt.csv") continue;
    std::ifstream in(e.path());
    std::string line;
    std::getline(in, line); // Date_ms;response_time_ms;rtd_no
    while (std::getline(in, line)) {
      auto a = line.find(';');
      if (a == std::string::npos) continue;
      out.push_back(std::atof(line.c_str() + a + 1));
    }
  }
  return out;
}

/// sipp callers: `calls` calls at `rate`/s to `target`, from `port`; sipp's verdict.
sipp_result run_callers(const std::string& dir, const std::string& scenario,
                        const std::string& target, int port, int rate, long long calls, int hold_ms,
                        std::chrono::seconds timeout, const std::vector<std::string>& extra = {}) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> argv{"sipp",
                                scenario,
                                "-s",
                                "100",
                                target,
                                "-i",
                                "127.0.0.1",
                                "-p",
                                std::to_string(port),
                                "-r",
                                std::to_string(rate),
                                "-m",
                                std::to_string(calls),
                                "-l",
                                std::to_string(std::max<long long>(calls, 1)),
                                "-d",
                                std::to_string(hold_ms),
                                "-nostdin",
                                "-trace_stat",
                                "-stf",
                                "stat.csv",
                                "-fd",
                                "1",
                                "-trace_rtt",
                                "-rtt_freq",
                                "1",
                                "-timeout",
                                std::to_string(timeout.count()) + "s",
                                "-timeout_error"};
  argv.insert(argv.begin() + 1, "-sf");
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto t0 = std::chrono::steady_clock::now();
  child uac(argv, dir, dir + "/sipp.log");
  sipp_result r;
  r.exit_status = uac.wait_for(timeout + 30s).value_or(-1);
  if (r.exit_status < 0) r.exit_status = uac.stop(SIGKILL, 5s);
  r.elapsed_s = seconds_since(t0);
  r.cpu_s = uac.cpu_seconds();
  auto st = last_stats(dir + "/stat.csv");
  auto num = [&](const char* k) { return st.count(k) ? std::atoll(st[k].c_str()) : 0LL; };
  r.created = num("TotalCallCreated");
  r.successful = num("SuccessfulCall(C)");
  r.failed = num("FailedCall(C)");
  r.retransmissions = num("Retransmissions(C)");
  r.rtd_ms = rtt_samples(dir);
  if (r.exit_status != 0 || r.failed > 0 || r.successful < calls) r.log_tail = uac.log_tail(8);
  return r;
}

/// The phones' sipp UAS on `port` (RTP echoed on `echo_port` when > 0).
std::unique_ptr<child> start_phones(const std::string& dir, const std::string& scenario, int port,
                                    int echo_port) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> argv{
      "sipp", "-sf", scenario, "-i", "127.0.0.1", "-p", std::to_string(port), "-nostdin"};
  if (echo_port > 0) {
    argv.insert(argv.end(),
                {"-mp", std::to_string(echo_port), "-rtp_echo", "-rtp_buffsize", "4194304"});
  } else {
    argv.insert(argv.end(), {"-mp", std::to_string(free_media_port())});
  }
  auto p = std::make_unique<child>(argv, dir, dir + "/phones.log");
  // sipp binds at once; give it a moment and make sure it did not die.
  for (int i = 0; i < 50 && p->running(); ++i)
    std::this_thread::sleep_for(10ms);
  if (!p->running())
    throw std::runtime_error("the phones' sipp exited at start:\n" + p->log_tail());
  return p;
}

// -- the node ----------------------------------------------------------------------------

struct node_setup {
  int agents = 0;
  int channels = 0;
  std::vector<int> phones_ports; ///< agent aK's phone: phones_ports[(K - 1) % size]
  int callers_port = 0;
  int rtp_min = 30'000, rtp_max = 49'999;
  int media_threads = -1; ///< [sip] media_threads; -1: not written
};

void write_center(const std::string& path, const node_setup& s) {
  std::ofstream f(path);
  f << "# Written by hotline bench sip: one queue, " << s.agents
    << " agents with static phones, one trunk.\n"
    << "[site]\nid = \"bench\"\n\n[[tenants]]\nid = \"acme\"\nname = \"Acme\"\n\n"
    << "[[trunks]]\nid = \"pstn\"\nchannels = " << s.channels << "\n\n"
    << "[[queues]]\nid = \"sales\"\nskills = { sales = 1 }\nwrap_up_s = 0\n"
    << "ring_timeout_s = 30\n\n"
    << "[[entry_points]]\ndialed = \"100\"\nqueue = \"sales\"\n\n";
  for (int i = 1; i <= s.agents; ++i)
    f << "[[agents]]\nid = \"a" << i << "\"\nskills = { sales = 50 }\nqueues = [\"sales\"]\n\n";
  f << "[sip]\nrtp_port_min = " << s.rtp_min << "\nrtp_port_max = " << s.rtp_max << "\n"
    << (s.media_threads >= 0 ? "media_threads = " + std::to_string(s.media_threads) + "\n" : "")
    << "\n"
    << "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"127.0.0.1:" << s.callers_port << "\"\n\n";
  for (int i = 1; i <= s.agents; ++i)
    f << "[[sip.phone]]\nagent = \"a" << i << "\"\ncontact = \"sip:a" << i
      << "@127.0.0.1:" << s.phones_ports[static_cast<std::size_t>(i - 1) % s.phones_ports.size()]
      << "\"\n\n";
}

/// `hotline node` on a generated center and a fresh store, up once it says "ACD up".
class node_process {
public:
  node_process(const std::string& dir, const node_setup& s) : dir_{dir} {
    std::filesystem::create_directories(dir);
    write_center(dir + "/center.toml", s);
    port_ = free_udp_port();
    proc_ = std::make_unique<child>(
        std::vector<std::string>{"/proc/self/exe", "node", "--config", dir + "/center.toml",
                                 "--store", dir + "/store", "--no-traffic", "--sip-listen",
                                 "127.0.0.1:" + std::to_string(port_)},
        dir, dir + "/node.log");
    const auto until = std::chrono::steady_clock::now() + 120s;
    while (!file_contains(proc_->log(), "ACD up")) {
      if (!proc_->running())
        throw std::runtime_error("the node exited before 'ACD up':\n" + proc_->log_tail());
      if (std::chrono::steady_clock::now() > until)
        throw std::runtime_error("the node did not say 'ACD up' in 120 s:\n" + proc_->log_tail());
      std::this_thread::sleep_for(50ms);
    }
  }
  int port() const { return port_; }
  pid_t pid() const { return proc_->pid(); }
  double cpu_seconds() { return proc_->cpu_seconds(); }
  /// SIGINT and wait (the node hangs its calls up and closes the store).
  void stop() {
    if (int rc = proc_->stop(SIGINT, 120s); rc != 0)
      throw std::runtime_error("the node exited " + std::to_string(rc) + ":\n" + proc_->log_tail());
  }
  std::string store() const { return dir_ + "/store"; }
  std::string log_tail() const { return proc_->log_tail(); }

private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<child> proc_;
};

/// What the node's store says about the calls of a run (after the node stopped).
struct store_facts {
  long long calls = 0, completed = 0;
  std::map<std::string, long long> other_outcomes;
  std::vector<double> arrival_to_offer_ms; ///< call.arrived → first call.offered
};

store_facts read_store(const std::string& dir) {
  auto store = drivers::rocksdb_event_store::open(dir);
  if (!store) throw std::runtime_error("cannot open the node's store: " + store.error().message());
  auto all = (*store)->read_all(1, SIZE_MAX);
  if (!all) throw std::runtime_error("cannot read the node's store: " + all.error().message());
  const auto& codec = events::event_codec::standard();
  struct times {
    std::int64_t arrived = -1, offered = -1;
  };
  std::map<std::string, times> seen;
  store_facts f;
  for (const auto& e : *all) {
    if (e.stream.rfind("call-", 0) != 0) continue;
    auto& t = seen[e.stream];
    if (e.type == "call.arrived" && t.arrived < 0) t.arrived = e.meta.timestamp_ns;
    if (e.type == "call.offered" && t.offered < 0) t.offered = e.meta.timestamp_ns;
    if (e.type != "call.ended") continue;
    auto ev = codec.decode(e);
    if (!ev) continue;
    if (const auto* x = std::get_if<events::call_ended>(&*ev)) {
      const auto outcome = std::string{events::to_wire(x->outcome)};
      if (outcome == "completed")
        ++f.completed;
      else
        ++f.other_outcomes[outcome];
    }
  }
  f.calls = static_cast<long long>(seen.size());
  for (const auto& [stream, t] : seen)
    if (t.arrived >= 0 && t.offered >= t.arrived)
      f.arrival_to_offer_ms.push_back(static_cast<double>(t.offered - t.arrived) / 1e6);
  return f;
}

// -- Kamailio ----------------------------------------------------------------------------

/// Kamailio as a stateful proxy with record-route to the phones, on `port`.
std::string kamailio_cfg(int port, int phones_port) {
  return "#!KAMAILIO\n"
         "# Written by hotline bench sip: a stateful proxy to the phones.\n"
         "debug=1\nlog_stderror=yes\nfork=yes\nchildren=2\nauto_aliases=no\n"
         "listen=udp:127.0.0.1:" +
         std::to_string(port) +
         "\n"
         "loadmodule \"pv.so\"\nloadmodule \"tm.so\"\nloadmodule \"sl.so\"\n"
         "loadmodule \"rr.so\"\nloadmodule \"maxfwd.so\"\nloadmodule \"siputils.so\"\n"
         "loadmodule \"textops.so\"\n"
         "request_route {\n"
         "  if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); "
         "exit; }\n"
         "  if (has_totag()) {\n"
         "    if (loose_route()) { t_relay(); exit; }\n"
         "    if (is_method(\"ACK\")) { if (t_check_trans()) { t_relay(); } exit; }\n"
         "    sl_send_reply(\"404\", \"Not here\");\n    exit;\n  }\n"
         "  if (is_method(\"CANCEL\")) { if (t_check_trans()) { t_relay(); } exit; }\n"
         "  t_check_trans();\n  record_route();\n"
         "  $du = \"sip:127.0.0.1:" +
         std::to_string(phones_port) +
         "\";\n"
         "  if (!t_relay()) { sl_reply_error(); }\n  exit;\n}\n";
}

/// The module directory of Debian's kamailio (multiarch), or empty.
std::string kamailio_modules() {
  for (const char* d : {"/usr/lib/x86_64-linux-gnu/kamailio/modules",
                        "/usr/lib/aarch64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules"})
    if (std::filesystem::exists(std::string(d) + "/tm.so")) return d;
  return {};
}

// -- phases ------------------------------------------------------------------------------

std::vector<int> sweep_rates(const sip_bench_args& a) {
  std::vector<int> rates;
  if (a.quick) {
    for (int r : {5, 10})
      if (r <= a.max_rate) rates.push_back(r);
  } else {
    for (int r : {25, 50, 100, 200})
      if (r <= a.max_rate) rates.push_back(r);
    for (int r = 300; r <= a.max_rate; r += 100)
      rates.push_back(r);
  }
  if (rates.empty()) rates.push_back(a.max_rate);
  return rates;
}

std::vector<int> concurrency_levels(const sip_bench_args& a) {
  std::vector<int> levels;
  if (a.quick) {
    levels.push_back(std::min(a.max_concurrent, 10));
  } else {
    for (int l = 250; l <= a.max_concurrent; l += 250)
      levels.push_back(l);
    if (levels.empty() || levels.back() != a.max_concurrent) levels.push_back(a.max_concurrent);
  }
  return levels;
}

json rtd_figures(const std::vector<double>& ms) {
  return {{"p50_ms", percentile(ms, 0.50)}, {"p99_ms", percentile(ms, 0.99)}, {"n", ms.size()}};
}

/// A sweep's summary: the highest rate reached with zero failures.
struct sweep_result {
  json steps = json::array();
  int best_rate = 0;
  json best_step;
  /// The highest passing rate at which no SIP message was sent twice (sipp's
  /// Retransmissions 0): beyond it, calls succeed only by retransmitting,
  /// and their post-dial delay grows by 500 ms steps.
  int best_rate_without_retransmissions = 0;
};

/// One step of the node: a fresh node and phones, sipp at `rate` for the step.
json node_step(const sip_bench_args& a, const scenario_files& sc, const std::string& dir,
               int rate) {
  const long long calls = static_cast<long long>(std::llround(rate * a.seconds_per_step));
  node_setup s;
  // Agents and lines for every call up at once (a rate × its whole life), twice over.
  const int concurrent = static_cast<int>(rate * (a.hold_ms / 1000.0 + 1)) + 10;
  s.agents = std::max(2 * concurrent, 20);
  s.channels = s.agents;
  s.media_threads = a.media_threads;
  s.phones_ports = {free_udp_port()};
  s.callers_port = free_udp_port();
  json step{{"rate", rate}, {"calls", calls}, {"load1", load1()}};
  auto phones = start_phones(dir + "/phones", sc.phone, s.phones_ports[0], 0);
  node_process node(dir + "/node", s);
  const double cpu0 = node.cpu_seconds();
  const auto timeout =
      std::chrono::seconds(static_cast<long long>(a.seconds_per_step + a.hold_ms / 1000.0 + 60));
  auto r = run_callers(dir + "/callers", sc.caller, "127.0.0.1:" + std::to_string(node.port()),
                       s.callers_port, rate, calls, a.hold_ms, timeout);
  // Let the last BYEs reach the phones before the node's CPU is read.
  std::this_thread::sleep_for(500ms);
  const double cpu = node.cpu_seconds() - cpu0;
  node.stop();
  phones->stop(SIGTERM, 5s);
  auto facts = read_store(node.store());
  step["sipp_exit"] = r.exit_status;
  step["successful"] = r.successful;
  step["failed"] = r.failed;
  step["retransmissions"] = r.retransmissions;
  step["elapsed_s"] = r.elapsed_s;
  step["calls_in_store"] = facts.calls;
  step["completed_in_store"] = facts.completed;
  if (!facts.other_outcomes.empty()) step["other_outcomes"] = facts.other_outcomes;
  step["node_cpu_s"] = cpu;
  step["cpu_us_per_call"] = calls > 0 ? cpu * 1e6 / static_cast<double>(calls) : 0.0;
  step["callers_cpu_s"] = r.cpu_s;
  step["invite_to_200"] = rtd_figures(r.rtd_ms);
  step["arrival_to_offer"] = rtd_figures(facts.arrival_to_offer_ms);
  step["passed"] = r.exit_status == 0 && r.failed == 0 && r.successful == calls &&
                   facts.completed == calls && facts.calls == calls;
  if (!step["passed"].get<bool>() && !r.log_tail.empty()) step["sipp_log_tail"] = r.log_tail;
  return step;
}

/// One step of a baseline: sipp callers → `target` → the phones (already up).
json baseline_step(const sip_bench_args& a, const scenario_files& sc, const std::string& dir,
                   const std::string& target, int rate) {
  const long long calls = static_cast<long long>(std::llround(rate * a.seconds_per_step));
  json step{{"rate", rate}, {"calls", calls}, {"load1", load1()}};
  const auto timeout =
      std::chrono::seconds(static_cast<long long>(a.seconds_per_step + a.hold_ms / 1000.0 + 60));
  auto r = run_callers(dir, sc.caller, target, free_udp_port(), rate, calls, a.hold_ms, timeout);
  step["sipp_exit"] = r.exit_status;
  step["successful"] = r.successful;
  step["failed"] = r.failed;
  step["retransmissions"] = r.retransmissions;
  step["invite_to_200"] = rtd_figures(r.rtd_ms);
  step["passed"] = r.exit_status == 0 && r.failed == 0 && r.successful == calls;
  if (!step["passed"].get<bool>() && !r.log_tail.empty()) step["sipp_log_tail"] = r.log_tail;
  return step;
}

sweep_result sweep(const sip_bench_args& a, const std::function<json(int)>& step) {
  sweep_result out;
  for (int rate : sweep_rates(a)) {
    json s = step(rate);
    out.steps.push_back(s);
    std::cerr << "  " << rate << " calls/s: " << (s["passed"].get<bool>() ? "ok" : "FAILED")
              << "\n";
    if (!s["passed"].get<bool>()) break;
    out.best_rate = rate;
    out.best_step = s;
    if (s["retransmissions"].get<long long>() == 0) out.best_rate_without_retransmissions = rate;
  }
  return out;
}

/// One level of the media phase: `level` calls with RTP, all up together for the window.
json concurrency_level(const sip_bench_args& a, const scenario_files& sc, const std::string& dir,
                       int level) {
  // Calls placed at 10 to 100 a second (rates the sweep passes easily), then held together.
  const int rate = std::min(100, std::max(10, level / 5));
  const double ramp_s = static_cast<double>(level) / rate;
  const double audio_s = ramp_s + a.window_s;
  const int packets = static_cast<int>(audio_s * 50);
  const int hold_ms = static_cast<int>(audio_s * 1000) + 1'000; // the audio ends before the BYE
  std::filesystem::create_directories(dir);
  write_pcma_raw(dir + "/audio.alaw", packets);
  node_setup s;
  s.agents = level + 10;
  s.channels = level + 10;
  s.media_threads = a.media_threads;
  s.callers_port = free_udp_port();
  json out{{"level", level},
           {"rate", rate},
           {"audio_s", audio_s},
           {"hold_ms", hold_ms},
           {"packets_per_call", packets},
           {"load1", load1()}};
  rtp_sink sink;
  // One phones' sipp for every 100 calls: each echoes its calls' RTP on one
  // socket and one thread, which is what overflows first (udp_drops says).
  const int phone_processes = std::max(1, (level + 99) / 100);
  std::vector<std::unique_ptr<child>> phones;
  std::vector<int> echo_ports;
  for (int k = 0; k < phone_processes; ++k) {
    s.phones_ports.push_back(free_udp_port());
    echo_ports.push_back(free_media_port());
    phones.push_back(start_phones(dir + "/phones-" + std::to_string(k), sc.phone,
                                  s.phones_ports.back(), echo_ports.back()));
  }
  out["phone_processes"] = phone_processes;
  node_process node(dir + "/node", s);
  const double cpu0 = node.cpu_seconds();
  const long long drops0 = udp_rcvbuf_errors();
  udp_drop_sampler sampler(node.pid());
  const auto t0 = std::chrono::steady_clock::now();
  const auto caller = write_caller_with_audio(dir, dir + "/audio.alaw");
  auto r = run_callers(
      dir + "/callers", caller, "127.0.0.1:" + std::to_string(node.port()), s.callers_port, rate,
      level, hold_ms, std::chrono::seconds(static_cast<long long>(hold_ms / 1000 + 90)),
      {"-key", "sink_port", std::to_string(sink.port()), "-mp", std::to_string(free_media_port())});
  const double wall = seconds_since(t0);
  std::this_thread::sleep_for(500ms);
  const double cpu = node.cpu_seconds() - cpu0;
  const long long drops = udp_rcvbuf_errors() - drops0;
  const auto received = sink.packets();
  const auto by_port = sampler.stop();
  node.stop();
  for (auto& p : phones)
    p->stop(SIGTERM, 5s);
  // Where the datagrams were dropped: which sockets' buffers overflowed
  // ("other": any other socket of the host, other programs' included).
  long long at_echo = 0, at_sink = 0, elsewhere = 0;
  for (const auto& [port, n] : by_port) {
    if (std::find(echo_ports.begin(), echo_ports.end(), port) != echo_ports.end())
      at_echo += n;
    else if (port == sink.port())
      at_sink += n;
    else
      elsewhere += n;
  }
  out["udp_drops"] = {{"phones_echo", at_echo},
                      {"sink", at_sink},
                      {"node", sampler.owner_drops()},
                      {"other_sockets_of_the_host", elsewhere}};
  auto facts = read_store(node.store());
  const double expected = static_cast<double>(r.successful) * packets;
  const double loss =
      expected > 0 ? std::max(0.0, 1.0 - static_cast<double>(received) / expected) : 1.0;
  out["successful"] = r.successful;
  out["failed"] = r.failed;
  out["sipp_exit"] = r.exit_status;
  out["completed_in_store"] = facts.completed;
  out["rtp_expected"] = expected;
  out["rtp_received"] = received;
  out["rtp_loss_ratio"] = loss;
  out["udp_rcvbuf_errors"] = drops;
  out["node_cpu_s"] = cpu;
  out["node_cores"] = wall > 0 ? cpu / wall : 0.0;
  out["callers_cpu_s"] = r.cpu_s;
  out["invite_to_200"] = rtd_figures(r.rtd_ms);
  out["passed"] = r.exit_status == 0 && r.failed == 0 && r.successful == level && loss < 0.001;
  if (!out["passed"].get<bool>() && !r.log_tail.empty()) out["sipp_log_tail"] = r.log_tail;
  return out;
}

int run(const sip_bench_args& given) {
  auto a = given;
  if (a.quick) {
    a.max_rate = std::min(a.max_rate, 10);
    a.seconds_per_step = std::min(a.seconds_per_step, 2.0);
    a.hold_ms = std::min(a.hold_ms, 200);
    a.max_concurrent = std::min(a.max_concurrent, 10);
    a.window_s = std::min(a.window_s, 2.0);
  }
  if (!program_exists("sipp")) {
    std::cerr << "hotline bench sip: sipp is not installed (apt-get install sip-tester)\n";
    return 1;
  }
  // Children inherit the limit: sipp and the node need a descriptor a call.
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  scratch_dir scratch;
  const auto sc = write_scenarios(scratch.path());
  json out{{"bench", "sip"},
           {"quick", a.quick},
           {"loadavg_at_start", loadavg()},
           {"cores", std::thread::hardware_concurrency()},
           {"seconds_per_step", a.seconds_per_step},
           {"hold_ms", a.hold_ms},
           {"max_rate", a.max_rate},
           {"max_concurrent", a.max_concurrent},
           {"media_threads",
            a.media_threads < 0 ? json("default: one per core") : json(a.media_threads)}};
  try {
    std::cerr << "hotline bench sip: rate sweep through the node\n";
    int n = 0;
    auto node_sweep = sweep(a, [&](int rate) {
      return node_step(a, sc, scratch.path() + "/node-" + std::to_string(++n), rate);
    });
    out["sweep"] = node_sweep.steps;
    out["calls_per_s_zero_failures"] = node_sweep.best_rate;
    out["calls_per_s_without_retransmissions"] = node_sweep.best_rate_without_retransmissions;
    const json& at =
        node_sweep.best_step.is_null() ? node_sweep.steps.front() : node_sweep.best_step;
    out["post_dial_delay_p50_ms"] = at["invite_to_200"]["p50_ms"];
    out["post_dial_delay_p99_ms"] = at["invite_to_200"]["p99_ms"];
    out["post_dial_delay_at_rate"] = at["rate"];
    out["post_dial_delay_measured"] =
        "at the caller: INVITE sent -> 200 OK received (sipp -trace_rtt, whole milliseconds), "
        "the agent's phone answering the moment it rings (180 and 200 together): INVITE -> "
        "phone ringing plus the phone's 200 back through the node. arrival_to_offer: the "
        "node's own call.arrived -> call.offered (INVITE sent to the phone), from the store";
    out["node_arrival_to_offer_p99_ms"] = at["arrival_to_offer"]["p99_ms"];
    out["cpu_us_per_call"] = at["cpu_us_per_call"];

    if (a.no_baselines) {
      out["sipp_direct_calls_per_s"] = nullptr;
      out["kamailio_calls_per_s"] = nullptr;
      out["kamailio_error"] = "skipped (--no-baselines)";
    } else {
      std::cerr << "hotline bench sip: baseline sipp -> sipp directly\n";
      {
        const int phones_port = free_udp_port();
        auto phones = start_phones(scratch.path() + "/direct-phones", sc.phone, phones_port, 0);
        int k = 0;
        auto direct = sweep(a, [&](int rate) {
          return baseline_step(a, sc, scratch.path() + "/direct-" + std::to_string(++k),
                               "127.0.0.1:" + std::to_string(phones_port), rate);
        });
        phones->stop(SIGTERM, 5s);
        out["direct_sweep"] = direct.steps;
        out["sipp_direct_calls_per_s"] = direct.best_rate;
        out["sipp_direct_calls_per_s_without_retransmissions"] =
            direct.best_rate_without_retransmissions;
      }
      std::cerr << "hotline bench sip: baseline sipp -> Kamailio -> sipp\n";
      const auto modules = kamailio_modules();
      if (!program_exists("kamailio") || modules.empty()) {
        out["kamailio_calls_per_s"] = nullptr;
        out["kamailio_error"] = "kamailio is not installed (apt-get install kamailio)";
      } else {
        const auto dir = scratch.path() + "/kamailio";
        std::filesystem::create_directories(dir + "/run");
        const int phones_port = free_udp_port();
        const int kam_port = free_udp_port();
        std::ofstream(dir + "/kamailio.cfg") << "mpath=\"" << modules << "/\"\n"
                                             << kamailio_cfg(kam_port, phones_port);
        auto phones = start_phones(dir + "/phones", sc.phone, phones_port, 0);
        child kam({"kamailio", "-f", dir + "/kamailio.cfg", "-DD", "-E", "-m", "64", "-M", "8",
                   "-P", dir + "/run/kamailio.pid", "-Y", dir + "/run"},
                  dir, dir + "/kamailio.log");
        // Up when its port is bound, and a second more for its children to start.
        for (int i = 0; i < 100 && kam.running() && !udp_port_bound(kam_port); ++i)
          std::this_thread::sleep_for(100ms);
        std::this_thread::sleep_for(1s);
        if (!kam.running()) {
          out["kamailio_calls_per_s"] = nullptr;
          out["kamailio_error"] = "kamailio exited at start:\n" + kam.log_tail();
        } else {
          int k = 0;
          auto through = sweep(a, [&](int rate) {
            return baseline_step(a, sc, dir + "/step-" + std::to_string(++k),
                                 "127.0.0.1:" + std::to_string(kam_port), rate);
          });
          out["kamailio_sweep"] = through.steps;
          out["kamailio_calls_per_s"] = through.best_rate;
          out["kamailio_calls_per_s_without_retransmissions"] =
              through.best_rate_without_retransmissions;
          kam.stop(SIGTERM, 10s);
        }
        phones->stop(SIGTERM, 5s);
      }
      auto ratio = [&](const char* base) {
        return out[base].is_number() && out[base].get<int>() > 0
                   ? json(static_cast<double>(node_sweep.best_rate) / out[base].get<int>())
                   : json(nullptr);
      };
      out["ratio_to_sipp_direct"] = ratio("sipp_direct_calls_per_s");
      out["ratio_to_kamailio"] = ratio("kamailio_calls_per_s");
    }

    if (a.no_concurrency) {
      out["concurrent_bridged_calls"] = nullptr;
      out["rtp_loss_ratio"] = nullptr;
    } else {
      std::cerr << "hotline bench sip: bridged calls with RTP\n";
      json levels = json::array();
      int best = 0;
      json best_level;
      int n2 = 0;
      for (int level : concurrency_levels(a)) {
        auto l = concurrency_level(a, sc, scratch.path() + "/media-" + std::to_string(++n2), level);
        levels.push_back(l);
        std::cerr << "  " << level << " calls: loss " << l["rtp_loss_ratio"].get<double>()
                  << (l["passed"].get<bool>() ? " ok" : " FAILED") << "\n";
        if (!l["passed"].get<bool>()) break;
        best = level;
        best_level = l;
      }
      out["concurrency"] = levels;
      out["concurrent_bridged_calls"] = best;
      out["rtp_loss_ratio"] =
          best_level.is_null() ? levels.front()["rtp_loss_ratio"] : best_level["rtp_loss_ratio"];
      out["rtp_loss_measured"] =
          "each caller streams G.711 A-law (sipp rtp_stream, 20 ms packets) whose SDP "
          "points at a UDP sink in the bench; the node relays it to the phone, whose sipp "
          "echoes it, and back: loss = 1 - packets at the sink / (answered calls x packets per "
          "call), the round trip caller -> node -> phone -> node -> sink. udp_drops: drop counts "
          "of the sockets (/proc/net/udp, sampled while the calls are up) of the phones' echo, "
          "the sink, the node, and any other socket of the host; udp_rcvbuf_errors: the "
          "host's UDP datagrams dropped for a full socket buffer during the level (every "
          "process, other programs' too)";
    }
  } catch (const std::exception& e) {
    std::cerr << "hotline bench sip: " << e.what() << "\n";
    std::cout << out.dump(2) << "\n";
    return 1;
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

} // namespace

void add_sip_bench(CLI::App& bench) {
  auto a = std::make_shared<sip_bench_args>();
  auto* cmd = bench.add_subcommand(
      "sip", "The node as a SIP B2BUA between sipp callers and phones, with sipp-direct and "
             "Kamailio baselines (JSON)");
  cmd->add_option("--max-rate", a->max_rate, "Highest calls/s of the sweep (default 400)");
  cmd->add_option("--seconds-per-step", a->seconds_per_step,
                  "Seconds of calls at each rate (default 5)");
  cmd->add_option("--max-concurrent", a->max_concurrent,
                  "Highest level of bridged calls with RTP (default 1500)");
  cmd->add_option("--hold-ms", a->hold_ms, "Talk time of a call in the sweep (default 1000)");
  cmd->add_option("--window-s", a->window_s,
                  "Seconds every call of a level is up at once (default 10)");
  cmd->add_flag("--quick", a->quick,
                "A small, fast run (a smoke test: 5 and 10 calls/s, 10 calls)");
  cmd->add_flag("--no-baselines", a->no_baselines, "Skip the sipp-direct and Kamailio sweeps");
  cmd->add_flag("--no-concurrency", a->no_concurrency, "Skip the bridged calls with RTP");
  cmd->add_option("--media-threads", a->media_threads,
                  "The node's [sip] media_threads (default: the node's own, one per core; 0: "
                  "every packet on the SIP thread)");
  cmd->footer("Example:\n  hotline bench sip --max-rate 400 --max-concurrent 1500\n"
              "Needs sipp (Debian sip-tester); the Kamailio baseline needs kamailio.");
  cmd->callback([a] {
    // Bad usage: status 2 (drivers/cli/commands.hpp), naming the option.
    // (Negative and non-numeric values are refused by the CLI's own check.)
    auto refuse = [](const std::string& why) {
      std::cerr << "hotline bench sip: " << why << "\nRun 'hotline bench sip --help' for more "
                << "information.\n";
      std::exit(2);
    };
    if (a->max_rate < 1)
      refuse("--max-rate: at least 1 call a second, not " + std::to_string(a->max_rate));
    if (!(a->seconds_per_step >= 0.1))
      refuse("--seconds-per-step: at least 0.1, not " + std::to_string(a->seconds_per_step));
    if (a->max_concurrent < 1)
      refuse("--max-concurrent: at least 1 call, not " + std::to_string(a->max_concurrent));
    if (a->media_threads != -1 && (a->media_threads < 0 || a->media_threads > 64))
      refuse("--media-threads: 0..64, not " + std::to_string(a->media_threads));
    if (!(a->window_s >= 0.5))
      refuse("--window-s: at least 0.5, not " + std::to_string(a->window_s));
    if (int rc = run(*a); rc != 0) std::exit(rc);
  });
}

} // namespace hotline::bench
