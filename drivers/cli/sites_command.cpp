// hotline sites: every site of a federation with its newest status and its
// age, read from the federation status topic (docs/federation.md).
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "events/federation/site_status.hpp"

namespace hotline::cli {

namespace {

struct sites_args {
  std::string kafka;
  std::string topic = "hotline.federation.status";
  std::string format = "table";
  double timeout_s = 10;
};

void run_sites(const sites_args& a) {
  drivers::topic_reader_options o;
  o.bootstrap_servers = a.kafka;
  o.topic = a.topic;
  o.decode_events = false;
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_s * 1000));
  o.connect_timeout = o.timeout;
  auto records = drivers::read_topic(o);
  if (!records) return fail("sites: " + records.error().message());
  std::map<std::string, events::federation::site_status> latest;
  std::size_t bad = 0;
  for (const auto& r : *records) {
    auto s = events::federation::site_status_from_json(r.value);
    if (!s) {
      ++bad;
      complain() << "topic " << a.topic << " partition " << r.partition << " offset " << r.offset
                 << ": " << s.error().detail() << "\n";
      continue;
    }
    auto& cur = latest[s->site];
    if (s->at_ns >= cur.at_ns) cur = std::move(*s);
  }
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  if (a.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [id, s] : latest) {
      auto j = nlohmann::json::parse(events::federation::to_json(s));
      j["age_ms"] = (now - s.at_ns) / 1'000'000;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  if (latest.empty()) {
    std::cout << "no site has published a status on " << a.topic << "\n";
    return;
  }
  std::cout << std::left << std::setw(14) << "site" << std::setw(10) << "age" << std::setw(18)
            << "queue" << std::right << std::setw(8) << "agents" << std::setw(7) << "ready"
            << std::setw(9) << "waiting" << std::setw(9) << "EWT s" << std::setw(7) << "SL"
            << "\n";
  for (const auto& [id, s] : latest) {
    std::ostringstream age;
    age << std::fixed << std::setprecision(1) << static_cast<double>(now - s.at_ns) / 1e9 << " s";
    bool first = true;
    for (const auto& q : s.queues) {
      std::cout << std::left << std::setw(14) << (first ? id : "") << std::setw(10)
                << (first ? age.str() : "") << std::setw(18) << q.queue << std::right
                << std::setw(8) << q.agents_logged_in << std::setw(7) << q.agents_ready
                << std::setw(9) << q.calls_waiting << std::setw(9)
                << (q.ewt_ms < 0 ? std::string{"-"} : std::to_string(q.ewt_ms / 1000))
                << std::setw(7)
                << (q.service_level
                        ? std::to_string(static_cast<int>(*q.service_level * 100 + 0.5)) + "%"
                        : std::string{"-"})
                << "\n";
      first = false;
    }
    if (s.queues.empty())
      std::cout << std::left << std::setw(14) << id << std::setw(10) << age.str()
                << "(no queues)\n";
  }
  if (bad > 0) exit_code() = 1;
}

} // namespace

void add_sites_command(CLI::App& app) {
  auto a = std::make_shared<sites_args>();
  auto* cmd =
      app.add_subcommand("sites", "The federation's sites and their newest status, from Kafka");
  cmd->footer(
      "Every site of a federation with its newest status (per queue: agents, ready, waiting, EWT, "
      "service level) and how old it is\n\nExample:\n  hotline sites --kafka 127.0.0.1:9092");
  cmd->add_option("--kafka", a->kafka, "Kafka bootstrap servers HOST:PORT,...")->required();
  cmd->add_option("--topic", a->topic, "The federation status topic")->capture_default_str();
  cmd->add_option("--format", a->format, "table | json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--timeout", a->timeout_s, "Seconds to wait for the brokers")
      ->capture_default_str();
  cmd->callback([a] { run_sites(*a); });
}

} // namespace hotline::cli
