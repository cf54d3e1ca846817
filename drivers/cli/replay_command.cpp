// hotline replay: fold a node's event store into views (D3, D5).
#include <chrono>
#include <iostream>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/kafka/topic_replay.hpp"
#include "drivers/views/projection_runner.hpp"
#include "projections/audit/audit_projection.hpp"
#include "projections/crm/crm_projection.hpp"

namespace hotline::cli {

namespace {

struct replay_args {
  std::string store, out, from, to, projection = "all", kafka;
  std::vector<std::string> topics;
  double kafka_timeout_s = 300;
  double timeout_s = 10;
  bool quiet = false, skip_corrupt = false;
  std::size_t commit_every = 10'000;
  kpi_flags kpi;
};

void run_replay(const replay_args& a) {
  const bool from_kafka = !a.kafka.empty() || !a.topics.empty();
  if (from_kafka && !a.store.empty())
    return fail("give either --store or --kafka/--topic, not both", 2);
  if (from_kafka && (a.kafka.empty() || a.topics.empty()))
    return fail("--kafka BROKERS and at least one --topic T are needed to replay from Kafka", 2);
  if (!from_kafka && a.store.empty())
    return fail("--store (or --kafka with --topic) is required", 2);
  drivers::runner_options ro;
  ro.commit_every = a.commit_every;
  ro.skip_corrupt = a.skip_corrupt;
  if (std::string why; !parse_time_range_args(a.from, a.to, ro.from_ns, ro.to_ns, why))
    return fail(why, 2);
  projections::kpi::kpi_options ko;
  std::string error;
  if (!to_kpi_options(a.kpi, ko, error)) return fail(error, 2);

  // The events come from the node's store, or from Kafka into memory: the
  // runner folds either the same way.
  std::unique_ptr<ports::event_store> store;
  if (!from_kafka) {
    store = open_event_store(a.store);
    if (!store) return;
  }
  auto views = open_view_store(a.out);
  if (!views) return;
  if (from_kafka) {
    if (a.topics.size() > 1) {
      // Merged positions shift when any topic grows: resuming would skip or
      // repeat events. A federated view is rebuilt whole.
      for (const char* p : {"kpi", "crm", "audit"}) {
        auto cp = views->checkpoint(p);
        if (cp && cp->has_value())
          return fail(
              "the view store " + a.out + " already holds views (checkpoint '" + p +
                  "'); a view over several topics is rebuilt from scratch: give a new --out",
              2);
      }
    }
    auto memory = std::make_unique<ports::memory_event_store>();
    drivers::topic_replay_options to;
    to.bootstrap_servers = a.kafka;
    to.topics = a.topics;
    to.timeout_per_topic =
        std::chrono::milliseconds(static_cast<std::int64_t>(a.kafka_timeout_s * 1000));
    to.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_s * 1000));
    auto loaded = drivers::load_topics(to, *memory);
    if (!loaded) return fail("reading Kafka: " + loaded.error().message());
    for (const auto& d : loaded->dead_letter_details)
      complain() << "dead letter: " << d.why.message() << "\n";
    if (loaded->dead_letters > loaded->dead_letter_details.size())
      complain() << "... and " << loaded->dead_letters - loaded->dead_letter_details.size()
                 << " more dead letters\n";
    if (!a.quiet)
      std::cout << "read " << loaded->records << " records from " << a.topics.size() << " topic"
                << (a.topics.size() == 1 ? "" : "s") << ": " << loaded->events << " events, "
                << loaded->duplicates << " duplicates dropped, " << loaded->dead_letters
                << " dead letters\n";
    store = std::move(memory);
  }

  projections::kpi::kpi_projection kpi{ko};
  projections::crm::crm_projection crm;
  projections::audit::audit_projection audit;
  std::vector<projections::view_projection*> list;
  if (a.projection == "kpi" || a.projection == "all") list.push_back(&kpi);
  if (a.projection == "crm" || a.projection == "all") list.push_back(&crm);
  if (a.projection == "audit" || a.projection == "all") list.push_back(&audit);

  progress_bar bar{a.quiet};
  ro.on_progress = [&](const drivers::runner_progress& p) {
    bar.update(p.position, p.head, p.elapsed_s);
  };
  drivers::projection_runner runner{*store, *views, list, ro};
  if (auto st = runner.restore(); !st)
    return fail("cannot resume the views in " + a.out + ": " + st.message());
  const auto resumed_at = runner.position();
  if (!a.quiet && resumed_at > 0)
    std::cerr << "resuming after position " << resumed_at << " (the views' checkpoint)\n";
  const auto started = std::chrono::steady_clock::now();
  auto stats = runner.catch_up();
  bar.finish();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& d : runner.stats().skipped_details)
    complain() << "skipped " << d << "\n";
  if (!stats) {
    std::string hint = stats.error().code() == events::errc::corrupt_record
                           ? " (the views are committed up to the record before it; --skip-corrupt "
                             "skips such records)"
                           : "";
    return fail("replay stopped at " + stats.error().detail() + hint);
  }
  if (!a.quiet) {
    std::cout << "replayed " << stats->read << " events (" << stats->folded
              << " in the time window, " << stats->skipped << " corrupt skipped) into " << a.out
              << " in " << secs << " s ("
              << static_cast<std::uint64_t>(secs > 0 ? double(stats->read) / secs : 0)
              << " events/s); checkpoint " << runner.position() << "\n";
  }
}

} // namespace

void add_replay_command(CLI::App& app) {
  auto a = std::make_shared<replay_args>();
  auto* cmd = app.add_subcommand(
      "replay", "Rebuild the KPI, CRM and audit views from a store or Kafka topics");
  cmd->footer("Rebuild or bring up to date the KPI, CRM and audit views from a node's event store, "
              "or from its Kafka topic(s)\n\nExamples:\n  hotline replay --store var/north --out "
              "var/north.views\n  hotline replay --kafka 127.0.0.1:9092 --topic "
              "hotline.north.events --topic hotline.south.events --out var/all.views");
  cmd->add_option("--store", a->store, "The node's event store directory (read)");
  cmd->add_option("--kafka", a->kafka,
                  "Replay from Kafka instead: the bootstrap brokers (with --topic)");
  cmd->add_option("--topic", a->topics,
                  "A relay topic to replay, from its beginning; several (one per site) give a "
                  "federated view merged by event time. Records that do not decode are counted "
                  "as dead letters; duplicates are dropped by event id");
  cmd->add_option("--kafka-timeout", a->kafka_timeout_s, "Seconds allowed to read each topic")
      ->check(number_in(1, 86'400, "a number of seconds"))
      ->capture_default_str();
  cmd->add_option("--timeout", a->timeout_s,
                  "With --kafka: seconds to wait for the brokers to answer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--out", a->out,
                  "The view store directory (created; resumed from its checkpoints)")
      ->required();
  cmd->add_option("--projection", a->projection, "Which views")
      ->check(CLI::IsMember({"kpi", "crm", "audit", "all"}))
      ->capture_default_str();
  cmd->add_option("--from", a->from, "Fold only events at or after this time (UTC)");
  cmd->add_option("--to", a->to, "Fold only events before this time (UTC)");
  add_quiet_flag(cmd, a->quiet);
  cmd->add_flag("--skip-corrupt", a->skip_corrupt,
                "Skip records that fail their checksum or do not decode, and count them");
  cmd->add_option("--commit-every", a->commit_every,
                  "Events per atomic commit of rows and checkpoint")
      ->check(whole_in(1, 100'000'000, "a number of events"))
      ->capture_default_str();
  add_kpi_flags(*cmd, a->kpi);
  cmd->callback([a] { run_replay(*a); });
}

} // namespace hotline::cli
