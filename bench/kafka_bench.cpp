// hotline bench kafka: relay throughput from a RocksDB store to a Kafka mock
// cluster in another process, against a raw librdkafka producer sending the
// same JSON values in the same run.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/benches.hpp"
#include "bench/mock_process.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"

extern char** environ;

namespace hotline::bench {

namespace {

using steady = std::chrono::steady_clock;

struct kafka_bench_args {
  std::uint64_t events = 1'000'000;
  int streams = 1000;
  int partitions = 4;
};

/// CPU seconds used by this process so far (all threads).
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

/// CPU seconds used so far by this process's thread named `name` (0 if none).
double thread_cpu_seconds(const std::string& name) {
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm{task.path() / "comm"};
    std::string n;
    if (!std::getline(comm, n) || n != name) continue;
    std::ifstream stat{task.path() / "stat"};
    std::string line;
    std::getline(stat, line);
    // Fields after the parenthesised name: state is 3rd, utime 14th, stime 15th.
    std::istringstream rest{line.substr(line.rfind(')') + 2)};
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
      if (i >= 14) ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return 0;
}

/// A temp directory removed on destruction.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    std::string t = (std::filesystem::temp_directory_path() / "hotline-bench-XXXXXX").string();
    if (mkdtemp(t.data())) path = t;
  }
  ~scratch_dir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

/// One call's life: four events of ~200 stored bytes each.
events::event call_event(std::uint64_t i, const std::string& call_id) {
  switch (i % 4) {
  case 0:
    return events::call_arrived{call_id,
                                events::contact_channel::voice,
                                events::call_direction::inbound,
                                "+4930" + std::to_string(1000000 + i),
                                "+498001234567",
                                "cust-" + std::to_string(i % 7919),
                                {},
                                "pstn"};
  case 1:
    return events::call_queued{call_id, "sales-de", static_cast<std::int32_t>(i % 3),
                               1,       0,          "entry"};
  case 2:
    return events::call_connected{call_id, "sales-de", "agent-" + std::to_string(i % 211),
                                  static_cast<std::int64_t>(i % 60000)};
  default:
    return events::call_ended{call_id, events::call_outcome::completed, "caller_hangup", "a1",
                              "sales-de"};
  }
}

/// Appends `n` events across `streams` streams (10 events per append, many
/// appends in flight: the store's group commit batches them).
events::status fill_store(ports::event_store& store, std::uint64_t n, int streams) {
  const auto& codec = events::event_codec::standard();
  constexpr std::uint64_t per_append = 10;
  std::vector<std::uint64_t> revision(static_cast<std::size_t>(streams), 0);
  std::atomic<std::uint64_t> pending{0};
  std::mutex mu;
  events::status failure;
  std::uint64_t made = 0;
  for (std::uint64_t round = 0; made < n; ++round) {
    for (int s = 0; s < streams && made < n; ++s) {
      std::string call_id = "bench" + std::to_string(s);
      std::vector<events::proposed_event> batch;
      for (std::uint64_t k = 0; k < per_append && made < n; ++k, ++made) {
        auto i = revision[static_cast<std::size_t>(s)]++;
        auto name = call_id + "#" + std::to_string(i);
        batch.push_back(codec.propose(
            call_event(i, call_id),
            {events::event_id::from_name(name), "bench", "tenant-1",
             1'700'000'000'000'000'000 + static_cast<std::int64_t>(made) * 1000,
             events::event_id::from_name(call_id), events::event_id::from_name(name + "/cmd"),
             events::principal::system("bench")}));
      }
      while (pending.load() > 20000)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      pending += 1;
      store.append_async("call-" + call_id, ports::expected_revision::any(), std::move(batch),
                         [&](events::result<ports::append_result> r) {
                           if (!r) {
                             std::lock_guard lock{mu};
                             failure = r.error();
                           }
                           pending -= 1;
                         });
    }
  }
  while (pending.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::lock_guard lock{mu};
  return failure;
}

struct raw_message {
  std::string key;
  std::string value;
};

void count_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* counts = static_cast<std::uint64_t*>(opaque);
  ++counts[m->err == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : 1];
}

/// The baseline: a plain idempotent acks=all producer with the relay's
/// batching settings, sending pre-encoded values. Returns seconds or an error.
events::result<double> raw_produce(const std::string& bootstrap, const std::string& topic,
                                   const std::vector<raw_message>& messages) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::uint64_t counts[2] = {0, 0};
  for (auto [k, v] : std::initializer_list<std::pair<const char*, std::string>>{
           {"bootstrap.servers", bootstrap},
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"linger.ms", "5"},
           {"batch.num.messages", "10000"},
           {"batch.size", "1000000"},
           {"queue.buffering.max.messages", "50000"}}) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return events::status{events::errc::invalid_argument, err};
    }
  }
  rd_kafka_conf_set_opaque(conf, counts);
  rd_kafka_conf_set_dr_msg_cb(conf, count_delivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return events::status{events::errc::unavailable, err};
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  auto start = steady::now();
  int since_poll = 0;
  for (const auto& m : messages) {
    for (;;) {
      auto e = rd_kafka_producev(
          rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(m.key.data(), m.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        return events::status{events::errc::unavailable,
                              std::string{"raw produce: "} + rd_kafka_err2str(e)};
      }
      rd_kafka_poll(rk, 10);
    }
    if (++since_poll == 512) { // serve delivery reports as often as the relay does
      since_poll = 0;
      rd_kafka_poll(rk, 0);
    }
  }
  while (counts[0] + counts[1] < messages.size())
    rd_kafka_poll(rk, 10);
  double seconds = std::chrono::duration<double>(steady::now() - start).count();
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  if (counts[1] > 0)
    return events::status{events::errc::unavailable,
                          "raw produce: " + std::to_string(counts[1]) + " deliveries failed"};
  return seconds;
}

int run_kafka_bench(const kafka_bench_args& a) {
  auto fail = [](const std::string& what) {
    std::cerr << "hotline bench kafka: " << what << "\n";
    return 1;
  };
  if (a.events == 0 || a.streams < 1 || a.partitions < 1) return fail("nothing to measure");
  const std::string topic = drivers::default_kafka_topic("bench");
  const std::string raw_topic = "hotline.bench.raw";
  const std::string parts = ":" + std::to_string(a.partitions);

  mock_process mock{{"/proc/self/exe", "kafka-mock", "--brokers", "3", "--topic", topic + parts,
                     "--topic", raw_topic + parts}};
  auto bootstrap = mock.first_line();
  if (bootstrap.empty()) return fail("hotline kafka-mock did not print its bootstrap list");

  scratch_dir dir;
  if (dir.path.empty()) return fail("cannot create a temp directory");
  drivers::rocksdb_store_options sopts;
  sopts.sync = drivers::sync_policy::none;
  auto store = drivers::rocksdb_event_store::open(dir.path + "/store", sopts);
  if (!store) return fail(store.error().message());
  std::cerr << "filling the store with " << a.events << " events on " << a.streams
            << " streams...\n";
  if (auto st = fill_store(**store, a.events, a.streams); !st) return fail(st.message());
  const auto head = (*store)->head_position();

  // Baseline: the same values, encoded before the clock starts.
  std::cerr << "encoding the baseline's values...\n";
  std::vector<raw_message> messages;
  messages.reserve(head);
  std::uint64_t value_bytes = 0, record_bytes = 0;
  for (std::uint64_t pos = 1; pos <= head;) {
    auto batch = (*store)->read_all(pos, 4096);
    if (!batch) return fail(batch.error().message());
    for (auto& e : *batch) {
      auto v = events::event_codec::standard().to_json_text(e);
      if (!v) return fail(v.error().message());
      value_bytes += v->size();
      record_bytes += events::event_codec::standard().encode_record(e).size();
      messages.push_back({e.stream, std::move(*v)});
    }
    pos = batch->back().position + 1;
  }
  std::cerr << "raw producer...\n";
  const double raw_cpu_before = process_cpu_seconds();
  auto raw = raw_produce(bootstrap, raw_topic, messages);
  if (!raw) return fail(raw.error().message());
  const double raw_cpu = process_cpu_seconds() - raw_cpu_before;
  messages = {};

  std::cerr << "relay...\n";
  drivers::kafka_relay_options ropts;
  ropts.bootstrap_servers = bootstrap;
  ropts.site = "bench";
  drivers::kafka_relay relay{**store, ropts};
  const double relay_cpu_before = process_cpu_seconds();
  auto start = steady::now();
  if (auto st = relay.start(); !st) return fail(st.message());
  auto reached = relay.wait_until_published(head, std::chrono::minutes(10));
  double seconds = std::chrono::duration<double>(steady::now() - start).count();
  const double relay_cpu = process_cpu_seconds() - relay_cpu_before;
  const double relay_thread_cpu = thread_cpu_seconds("kafka-relay");
  const double reader_thread_cpu = thread_cpu_seconds("read-ahead");
  auto stopped = relay.stop();
  if (!reached) return fail(reached.message());
  if (!stopped) return fail(stopped.message());
  // The clock stops when every event is acknowledged; the checkpoint written
  // by stop() is checked to be the head as well.
  auto cp = (*store)->get_checkpoint(ropts.checkpoint_name);
  if (!cp || !*cp || **cp != head) return fail("the relay's checkpoint is not at the head");

  const double relay_rate = static_cast<double>(head) / seconds;
  const double raw_rate = static_cast<double>(head) / *raw;
  nlohmann::ordered_json out;
  out["bench"] = "kafka";
  out["events"] = head;
  auto rounded = [](double v, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
  };
  out["events_per_s"] = std::llround(relay_rate);
  out["baseline"] = "raw librdkafka produce of the same JSON values";
  out["raw_events_per_s"] = std::llround(raw_rate);
  out["ratio"] = rounded(relay_rate / raw_rate, 3);
  out["seconds"] = rounded(seconds, 3);
  out["raw_seconds"] = rounded(*raw, 3);
  // CPU of this process (the mock broker is another one) per event: less
  // sensitive than rates to other load on the machine.
  out["cpu_us_per_event"] = rounded(relay_cpu * 1e6 / static_cast<double>(head), 2);
  out["raw_cpu_us_per_event"] = rounded(raw_cpu * 1e6 / static_cast<double>(head), 2);
  // The relay's own two threads (the rest is librdkafka's): 1e6 / the larger
  // one is the rate the relay could reach with a core to itself.
  out["relay_thread_cpu_us_per_event"] =
      rounded(relay_thread_cpu * 1e6 / static_cast<double>(head), 2);
  out["read_ahead_thread_cpu_us_per_event"] =
      rounded(reader_thread_cpu * 1e6 / static_cast<double>(head), 2);
  out["avg_record_bytes"] = record_bytes / head; // as stored
  out["avg_value_bytes"] = value_bytes / head;   // as JSON on the topic
  out["partitions"] = a.partitions;
  std::cout << out.dump() << std::endl;
  return 0;
}

} // namespace

void add_kafka_bench(CLI::App& bench) {
  auto args = std::make_shared<kafka_bench_args>();
  auto* cmd = bench.add_subcommand(
      "kafka", "Relay throughput, store to Kafka, vs a raw librdkafka producer");
  cmd->footer(
      "Relay throughput, store -> Kafka (mock cluster in a child process), vs a raw librdkafka "
      "producer of the same JSON values\n\nExample:\n  hotline bench kafka --events 200000");
  cmd->add_option("--events", args->events, "Events to publish")->capture_default_str();
  cmd->add_option("--streams", args->streams, "Streams they are spread over")
      ->capture_default_str();
  cmd->add_option("--partitions", args->partitions, "Partitions of the topics")
      ->capture_default_str();
  cmd->callback([args] { cli::exit_code() = run_kafka_bench(*args); });
}

} // namespace hotline::bench
