// hotline store info|read|check|repair: look inside a node's event store.
// info, read and check open it read-only (they change no file and work
// beside a running node); repair is the one that writes, and only with --yes.
#include <filesystem>
#include <iostream>

#include "drivers/cli/commands.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/store/store_repair.hpp"
#include "drivers/store/wal_scan.hpp"
#include "events/codec.hpp"

namespace hotline::cli {

namespace {

struct store_args {
  std::string dir;
  std::uint64_t from = 1;
  std::size_t limit = SIZE_MAX;
  std::string stream;
  bool yes = false;
};

void run_info(const store_args& a) {
  auto store = open_event_store(a.dir);
  if (!store) return;
  std::cout << "store:    " << a.dir << "\n"
            << "events:   " << store->head_position() << "\n";
  for (const char* name : {"relay.kafka"}) {
    auto cp = store->get_checkpoint(name);
    if (cp && *cp) std::cout << "checkpoint " << name << ": " << **cp << "\n";
  }
  if (auto repairs = store->repairs(); repairs)
    for (const auto& r : *repairs)
      std::cout << r << "\n";
}

void run_read(const store_args& a) {
  auto store = open_event_store(a.dir);
  if (!store) return;
  const auto& codec = events::event_codec::standard();
  std::size_t printed = 0;
  auto print = [&](const std::vector<events::recorded_event>& batch) {
    for (const auto& e : batch) {
      auto text = codec.to_json_text(e);
      if (!text) {
        complain() << "position " << e.position << " (stream " << e.stream
                   << "): " << text.error().message() << "\n";
        exit_code() = 1;
        return false;
      }
      std::cout << *text << "\n";
      if (++printed >= a.limit) return false;
    }
    return !batch.empty();
  };
  if (!a.stream.empty()) {
    auto batch = store->read_stream(a.stream, a.from == 0 ? 0 : a.from - 1, a.limit);
    if (!batch) {
      complain() << batch.error().message() << "\n";
      exit_code() = 1;
      return;
    }
    print(*batch);
    return;
  }
  for (std::uint64_t pos = a.from;;) {
    auto batch = store->read_all(pos, 4096);
    if (!batch) {
      complain() << batch.error().message() << "\n";
      exit_code() = 1;
      return;
    }
    if (!print(*batch)) return;
    pos = batch->back().position + 1;
  }
}

void run_check(const store_args& a) {
  auto store = open_event_store(a.dir);
  if (!store) return;
  const auto& codec = events::event_codec::standard();
  std::uint64_t bad = 0, good = 0;
  for (std::uint64_t pos = 1; pos <= store->head_position(); ++pos) {
    auto raw = store->raw_record(pos);
    events::result<events::recorded_event> rec =
        raw ? codec.decode_record(*raw) : events::result<events::recorded_event>{raw.error()};
    events::status st;
    if (!rec)
      st = rec.error();
    else if (auto ev = codec.decode(*rec); !ev)
      st = ev.error();
    if (!st.is_ok()) {
      std::cerr << "position " << pos << ": " << st.message() << "\n";
      ++bad;
    } else {
      ++good;
    }
  }
  std::cout << good << " records ok, " << bad << " bad\n";
  // The WAL (the open already refused damage in it; this says what it holds).
  if (auto files = drivers::wal::wal_files(a.dir); files) {
    for (const auto& f : *files) {
      auto r = drivers::wal::scan_file(f);
      if (!r) continue; // retired meanwhile by a running node
      std::cout << "WAL " << r->name << ": " << r->records << " write batches, " << r->size
                << " bytes";
      if (r->incomplete_tail)
        std::cout << ", an incomplete last batch of " << r->incomplete_tail->second
                  << " bytes at offset " << r->incomplete_tail->first
                  << " (a write a crash interrupted, never acknowledged: ignored)";
      std::cout << "\n";
    }
  }
  auto index = store->check_stream_index();
  if (!index) {
    complain() << index.error().message() << "\n";
    exit_code() = 1;
    return;
  }
  for (const auto& p : index->problems)
    std::cerr << p << "\n";
  std::cout << "stream index: " << index->streams << " streams, " << index->events << " events, "
            << (index->problems.empty() ? "ok" : "damaged") << "\n";
  if (!index->problems.empty()) exit_code() = 1;
  if (bad > 0) exit_code() = 1;
}

void run_repair(const store_args& a) {
  if (!a.yes) {
    auto plan = drivers::plan_repair(a.dir);
    if (!plan) return fail(plan.error().message());
    std::cout << plan->text();
    if (!plan->damaged) return;
    if (!plan->fixable) {
      exit_code() = 1;
      return;
    }
    std::cout << "Nothing was changed. Run again with --yes to repair (the dropped WAL files are "
                 "saved first).\n";
    exit_code() = 1; // the store is still damaged
    return;
  }
  auto done = drivers::repair(a.dir);
  if (!done) return fail("store repair: " + done.error().message());
  if (!done->plan.damaged) {
    std::cout << done->plan.text();
    return;
  }
  if (!done->plan.fixable) {
    std::cout << done->plan.text();
    exit_code() = 1;
    return;
  }
  std::cout << done->plan.text() << "Repaired: the store holds " << done->plan.head_after
            << " events; the dropped WAL files were saved in " << done->saved_to
            << "; `hotline store info` lists this repair.\n";
}

} // namespace

void add_store_commands(CLI::App& app) {
  auto* store = app.add_subcommand(
      "store", "Inspect, check or repair a node's event store (RocksDB directory)");
  store->footer("Example:\n  hotline store info --store var/north");
  store->require_subcommand(1);
  auto args = std::make_shared<store_args>();

  auto* info = store->add_subcommand("info", "Print the store's head position and checkpoints");
  info->footer("Example:\n  hotline store info --store var/north");
  info->add_option("--store", args->dir, "Store directory")->required();
  info->callback([args] { run_info(*args); });

  auto* read = store->add_subcommand("read", "Print events as JSON lines (the Kafka form)");
  read->footer("Example:\n  hotline store read --store var/north --from 1000 --limit 20");
  read->add_option("--store", args->dir, "Store directory")->required();
  read->add_option("--from", args->from, "First global position (or, with --stream, revision+1)")
      ->capture_default_str();
  read->add_option("--limit", args->limit, "At most this many events");
  read->add_option("--stream", args->stream, "Only this stream (category-id)");
  read->callback([args] { run_read(*args); });

  auto* check = store->add_subcommand(
      "check", "Verify every record's checksum, payload and the stream index");
  check->footer("Verify every record's checksum and payload, and the stream index; exit 1 naming "
                "each bad position or stream\n\nExample:\n  hotline store check --store var/north");
  check->add_option("--store", args->dir, "Store directory")->required();
  check->callback([args] { run_check(*args); });

  auto* repair = store->add_subcommand(
      "repair", "Drop a damaged WAL record and what follows, saying first what");
  repair->footer(
      "Drop a damaged WAL record and everything after it: without --yes, say exactly what would be "
      "dropped and change nothing (exit 1 if there is damage); with --yes, save the dropped WAL "
      "files in DIR/repair-TIME/, repair, and record it in the store\n\nExamples:\n  hotline store "
      "repair --store var/north\n  hotline store repair --store var/north --yes");
  repair->add_option("--store", args->dir, "Store directory (no process may have it open)")
      ->required();
  repair->add_flag("--yes", args->yes, "Do it");
  repair->callback([args] { run_repair(*args); });
}

} // namespace hotline::cli
