// hotline kafka-mock | relay: a Kafka mock cluster for tests and the demo,
// and the relay run by hand against a store.
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>

#include <pthread.h>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/output.hpp"
#include "drivers/cli/stop_signals.hpp"
#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/mock_cluster.hpp"
#include "drivers/store/rocksdb_event_store.hpp"

namespace hotline::cli {

namespace {

/// complain() `message`; returns `code` (the callbacks set the exit status).
int failed(const std::string& message, int code = 1) {
  complain() << message << "\n";
  return code;
}

struct mock_args {
  int brokers = 3;
  std::vector<std::string> topics;
  std::string log_format = "text";
};

int run_kafka_mock(const mock_args& a) {
  configure_log(a.log_format, false);
  drivers::mock_cluster_options opts;
  opts.brokers = a.brokers;
  for (const auto& text : a.topics) {
    auto t = drivers::parse_mock_topic(text);
    if (!t) return failed(t.error().message(), 2);
    opts.topics.push_back(std::move(*t));
  }
  auto signals = block_stop_signals();
  auto cluster = drivers::mock_cluster::create(opts);
  if (!cluster) return failed(cluster.error().message());
  std::cout << (*cluster)->bootstraps() << std::endl; // first line, flushed: scripts wait for it
  int sig = 0;
  sigwait(&signals, &sig);
  return 0;
}

struct relay_args {
  std::string store;
  std::string kafka;
  std::string site;
  std::string topic;
  bool until_caught_up = false;
  bool progress = false;
  double timeout_s = 0;
  std::uint64_t checkpoint_every = 0;
  std::uint64_t from_position = 0;
  bool republish = false;
  std::vector<std::string> properties;
  std::string log_format = "text";
};

int run_relay(const relay_args& a) {
  configure_log(a.log_format, false);
  drivers::kafka_relay_options opts;
  opts.bootstrap_servers = a.kafka;
  opts.site = a.site;
  opts.topic = a.topic;
  if (a.checkpoint_every > 0) opts.checkpoint_every = a.checkpoint_every;
  if (a.republish && a.from_position > 0)
    return failed("relay: give --republish or --from-position, not both", 2);
  if (a.republish) opts.from_position = 1;
  if (a.from_position > 0) opts.from_position = a.from_position;
  for (const auto& kv : a.properties) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return failed("--property '" + kv + "': expected KEY=VALUE", 2);
    opts.properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }

  auto signals = block_stop_signals();
  drivers::rocksdb_store_options sopts;
  sopts.create_if_missing = false;
  auto store = drivers::rocksdb_event_store::open(a.store, sopts);
  if (!store) return failed(store.error().message());
  drivers::kafka_relay relay{**store, opts};
  if (auto st = relay.start(); !st)
    return failed(st.message(), st.code() == events::errc::invalid_argument ? 2 : 1);
  const auto target = (*store)->head_position();
  const auto started = std::chrono::steady_clock::now();
  auto timed_out = [&] {
    return a.timeout_s > 0 &&
           std::chrono::steady_clock::now() - started > std::chrono::duration<double>(a.timeout_s);
  };
  // The target is checked before anything is published (kafka_relay.hpp).
  for (;;) {
    auto s = relay.status();
    if (s.state == drivers::relay_state::diverged) {
      relay.stop();
      return failed("relay: " + s.last_error.message());
    }
    if (s.state != drivers::relay_state::connecting) {
      if (!s.notice.empty()) std::cout << "note: " << s.notice << std::endl;
      std::cout << "relaying " << a.store << " (head " << target << ") to topic " << relay.topic()
                << " at " << a.kafka << " (cluster " << s.cluster_id << ") from position "
                << s.start_position << std::endl;
      break;
    }
    if (stop_signal_within(signals, std::chrono::milliseconds(20))) {
      relay.stop();
      return 0;
    }
    if (timed_out()) {
      relay.stop();
      return failed("relay: no answer from the Kafka brokers " + a.kafka + " within " +
                    std::to_string(a.timeout_s) + " s" +
                    (s.last_error.is_ok() ? std::string{} : ": " + s.last_error.message()));
    }
  }

  const auto tick = std::chrono::milliseconds(a.progress ? 10 : 100);
  std::uint64_t shown = relay.status().checkpoint_position;
  int code = 0;
  for (;;) {
    if (a.until_caught_up && relay.wait_until_published(target, tick).is_ok()) break;
    if (stop_signal_within(signals, a.until_caught_up ? std::chrono::milliseconds(0) : tick)) break;
    if (a.progress) {
      auto cp = relay.status().checkpoint_position;
      if (cp != shown) std::cout << "checkpoint " << (shown = cp) << std::endl;
    }
    if (timed_out()) {
      auto st = relay.wait_until_published(target, std::chrono::milliseconds(0));
      complain() << st.message() << "\n";
      code = 1;
      break;
    }
  }
  auto st = relay.stop();
  auto s = relay.status();
  if (!st) return failed("final checkpoint: " + st.message());
  std::cout << "published up to position " << s.published_position << " (checkpoint "
            << s.checkpoint_position << ", " << s.delivery_errors << " delivery errors, "
            << s.rewinds << " rewinds)" << std::endl;
  return code;
}

} // namespace

void add_kafka_commands(CLI::App& app) {
  auto margs = std::make_shared<mock_args>();
  auto* mock = app.add_subcommand(
      "kafka-mock", "For tests and the demo: librdkafka's mock Kafka cluster on loopback");
  mock->footer("For tests and the demo only: run librdkafka's mock Kafka cluster on loopback. "
               "Prints the bootstrap list as the first stdout line, then serves until "
               "SIGTERM/SIGINT. Not a real broker: ~5 MiB kept per partition, nothing on "
               "disk.\n\nExample:\n  hotline kafka-mock --topic hotline.north.events:4");
  mock->add_option("--brokers", margs->brokers, "Number of brokers")
      ->capture_default_str()
      ->check(whole_in(1, 64, "a number of brokers"));
  mock->add_option("--topic", margs->topics,
                   "Topic to create, NAME:PARTITIONS (repeatable; others are auto-created "
                   "with 4 partitions)");
  add_log_format_option(mock, margs->log_format);
  mock->callback([margs] { exit_code() = run_kafka_mock(*margs); });

  auto rargs = std::make_shared<relay_args>();
  auto* relay = app.add_subcommand(
      "relay", "Publish a store's events to Kafka, from its checkpoint, until SIGINT/SIGTERM");
  relay->footer(
      "Publish a store's events to Kafka (one topic per site, key = stream, value = event JSON), "
      "resuming from the store's 'relay.kafka' checkpoint (a new cluster or topic starts from 1). "
      "Refuses, exit 1, when the topic holds events the store does not (a rolled-back or replaced "
      "store). Stops on SIGTERM/SIGINT. The store must not be open elsewhere (run it on a stopped "
      "node's store, or in tests).\n\nExample:\n  hotline relay --store var/north --kafka "
      "127.0.0.1:9092 --site north --until-caught-up");
  relay->add_option("--store", rargs->store, "Store directory")->required();
  relay->add_option("--kafka", rargs->kafka, "Bootstrap servers, host:port,...")->required();
  relay->add_option("--site", rargs->site, "Site id (names the topic, fills the site header)")
      ->required();
  relay->add_option("--topic", rargs->topic, "Topic. Default: hotline.<site>.events");
  relay->add_flag("--until-caught-up", rargs->until_caught_up,
                  "Exit 0 once every event stored at start is acknowledged by the brokers");
  relay
      ->add_option("--timeout", rargs->timeout_s,
                   "Give up (exit 1) after this many seconds; 0: never")
      ->capture_default_str();
  relay->add_option("--property", rargs->properties,
                    "Extra librdkafka producer property KEY=VALUE (repeatable)");
  relay->add_option("--checkpoint-every", rargs->checkpoint_every,
                    "Write the checkpoint at least every N published events (default 50000)");
  relay->add_option("--from-position", rargs->from_position,
                    "Publish from position N (1..head+1) whatever the checkpoint says");
  relay->add_flag("--republish", rargs->republish,
                  "Publish everything again from position 1 (same as --from-position 1)");
  relay->add_flag("--progress", rargs->progress,
                  "Print 'checkpoint N' on stdout whenever the checkpoint moves");
  add_log_format_option(relay, rargs->log_format);
  relay->callback([rargs] { exit_code() = run_relay(*rargs); });
}

} // namespace hotline::cli
