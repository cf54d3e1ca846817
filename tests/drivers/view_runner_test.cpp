// The RocksDB view store on disk, and the projection runner (on the
// in-memory view store): a live view equals a rebuild byte for byte, a
// restart resumes, a corrupt record stops a replay naming its position. The
// view store's own contract is tests/drivers/view_store_contract_test.cpp.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "drivers/views/memory_view_store.hpp"
#include "drivers/views/projection_runner.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "projections/audit/audit_projection.hpp"
#include "projections/crm/crm_projection.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;

namespace {

std::unique_ptr<rocksdb_view_store> open_views(const std::string& dir,
                                               rocksdb_view_store_options o = {}) {
  auto v = rocksdb_view_store::open(dir, o);
  REQUIRE_MESSAGE(v.has_value(), (v ? "" : v.error().message()));
  return std::move(*v);
}

/// Appends `n` synthetic events; waits until all are committed.
void append_traffic(event_store& store, std::uint64_t n, std::uint64_t seed = 7) {
  std::atomic<std::uint64_t> done{0}, failed{0};
  traffic_options o;
  o.seed = seed;
  o.calls_per_hour = 3000;
  o.agents = 20;
  auto emitted = generate_traffic(o, n, [&](const std::string& stream, events::proposed_event&& e) {
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    store.append_async(stream, expected_revision::any(), std::move(one),
                       [&](result<append_result> r) {
                         if (!r) ++failed;
                         ++done;
                       });
    return true;
  });
  while (done.load() < emitted)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(failed.load() == 0);
}

/// The three projections of a node, fresh.
struct node_views {
  projections::kpi::kpi_projection kpi;
  projections::crm::crm_projection crm;
  projections::audit::audit_projection audit;
  std::vector<projections::view_projection*> all() { return {&kpi, &crm, &audit}; }
};

std::vector<std::pair<std::string, std::string>> rebuild(event_store& store,
                                                         std::size_t commit_every = 5000) {
  memory_view_store views;
  node_views p;
  runner_options o;
  o.commit_every = commit_every;
  projection_runner r{store, views, p.all(), o};
  REQUIRE(r.restore().is_ok());
  auto stats = r.catch_up();
  REQUIRE_MESSAGE(stats.has_value(), (stats ? "" : stats.error().message()));
  auto rows = views.dump();
  REQUIRE(rows.has_value());
  return *rows;
}

} // namespace

TEST_CASE("rocksdb view store: commits survive reopening, a second opener is refused, a missing "
          "one is not created") {
  testing::temp_dir dir;
  {
    auto v = open_views(dir.path() + "/views");
    projections::view_changes ch;
    ch.puts = {{"kpi/a", "1"}, {"kpi/b", "2"}};
    REQUIRE(v->commit("kpi", ch, 42).is_ok());
    ch.clear();
    ch.deletes = {"kpi/a"};
    ch.puts = {{"kpi/c", "3"}};
    REQUIRE(v->commit("kpi", ch, 43).is_ok());
  }
  auto v = open_views(dir.path() + "/views");
  CHECK(v->checkpoint("kpi")->value_or(0) == 43);
  CHECK_FALSE(v->get("kpi/a")->has_value());
  CHECK(v->get("kpi/c")->value_or("") == "3");
  CHECK_FALSE(v->checkpoint("crm")->has_value());
  CHECK(rocksdb_view_store::open(dir.path() + "/views").error().code() ==
        events::errc::store_in_use);
  CHECK(v->get("meta/format")->value_or("") == "1");
  rocksdb_view_store_options existing;
  existing.create_if_missing = false;
  auto missing = rocksdb_view_store::open(dir.path() + "/nothing/here", existing);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == events::errc::not_found);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/nothing"));
}

TEST_CASE("runner: a view projected live while events are appended equals a rebuild from 0, byte "
          "for byte") {
  testing::rocksdb_store_fixture f;
  std::vector<std::pair<std::string, std::string>> live_rows;
  {
    memory_view_store views;
    node_views p;
    runner_options o;
    o.commit_every = 997; // commits fall at places a rebuild never uses
    projection_runner live{f.store(), views, p.all(), o};
    REQUIRE(live.restore().is_ok());
    REQUIRE(live.start_live().is_ok());
    append_traffic(f.store(), 30'000);
    for (int i = 0; i < 2000 && live.position() < f.store().head_position(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(live.position() == f.store().head_position());
    REQUIRE(live.stop_live().is_ok());
    CHECK(live.stats().commits > 5);
    live_rows = *views.dump();
  }
  auto rebuilt = rebuild(f.store());
  REQUIRE(rebuilt.size() == live_rows.size());
  CHECK(rebuilt == live_rows);
  // every projection wrote rows and a checkpoint at the head
  for (const char* prefix : {"kpi/cell/", "crm/customer/", "audit/rec/", "checkpoint/kpi"}) {
    CAPTURE(prefix);
    CHECK(std::any_of(rebuilt.begin(), rebuilt.end(),
                      [&](const auto& kv) { return kv.first.rfind(prefix, 0) == 0; }));
  }
}

TEST_CASE("runner: a restarted runner resumes from its checkpoint and ends where a rebuild ends") {
  testing::rocksdb_store_fixture f;
  append_traffic(f.store(), 8'000, 11);
  memory_view_store views; // what the first runner left for the second
  {
    node_views p;
    projection_runner r{f.store(), views, p.all()};
    REQUIRE(r.restore().is_ok());
    REQUIRE(r.catch_up().has_value());
    CHECK(views.checkpoint("kpi")->value_or(0) == f.store().head_position());
  }
  append_traffic(f.store(), 8'000, 12);
  {
    node_views p; // fresh projections: all they know comes from the rows
    projection_runner r{f.store(), views, p.all()};
    REQUIRE(r.restore().is_ok());
    CHECK(r.position() == 8'000);
    auto stats = r.catch_up();
    REQUIRE(stats.has_value());
    CHECK(stats->read == 8'000); // only the new events
  }
  auto resumed = views.dump();
  REQUIRE(resumed.has_value());
  CHECK(*resumed == rebuild(f.store()));
}

TEST_CASE(
    "runner: a corrupt record stops a replay with its position, skip_corrupt skips and counts") {
  testing::rocksdb_store_fixture f;
  append_traffic(f.store(), 2'000, 5);
  REQUIRE(f.store_->overwrite_raw_record_for_testing(1234, "garbage").is_ok());
  {
    memory_view_store views;
    projections::kpi::kpi_projection kpi;
    runner_options o;
    o.read_batch = 500;
    projection_runner r{f.store(), views, {&kpi}, o};
    REQUIRE(r.restore().is_ok());
    auto stats = r.catch_up();
    REQUIRE_FALSE(stats.has_value());
    CHECK(stats.error().code() == events::errc::corrupt_record);
    CHECK(stats.error().detail().find("position 1234") != std::string::npos);
    // everything before it is folded and checkpointed
    CHECK(views.checkpoint("kpi")->value_or(0) == 1233);
  }
  {
    memory_view_store views;
    projections::kpi::kpi_projection kpi;
    runner_options o;
    o.skip_corrupt = true;
    projection_runner r{f.store(), views, {&kpi}, o};
    REQUIRE(r.restore().is_ok());
    auto stats = r.catch_up();
    REQUIRE(stats.has_value());
    CHECK(stats->skipped == 1);
    REQUIRE(stats->skipped_details.size() == 1);
    CHECK(stats->skipped_details[0].find("position 1234") != std::string::npos);
    CHECK(views.checkpoint("kpi")->value_or(0) == 2'000);
  }
}

TEST_CASE("runner: a commit the view store refuses stops the replay with the store's error") {
  testing::memory_store_fixture f;
  append_traffic(f.store(), 3'000, 6);
  memory_view_store views;
  projections::kpi::kpi_projection kpi;
  runner_options o;
  o.commit_every = 1'000;
  projection_runner r{f.store(), views, {&kpi}, o};
  REQUIRE(r.restore().is_ok());
  views.fail_next_commits(1);
  auto stats = r.catch_up();
  REQUIRE_FALSE(stats.has_value());
  CHECK(stats.error().code() == events::errc::io_error);
  CHECK_MESSAGE(stats.error().detail().find("position 1000") != std::string::npos,
                stats.error().detail());
  CHECK(r.stats().read == 1'000); // nothing read after the refused commit
}

TEST_CASE("runner: after a refused commit the views keep their last good checkpoint, and a new "
          "runner rebuilds them as a run without the failure does") {
  testing::memory_store_fixture f;
  append_traffic(f.store(), 3'000, 6);
  runner_options o;
  o.commit_every = 1'000;
  auto run = [&](memory_view_store& views) {
    projections::kpi::kpi_projection kpi;
    projection_runner r{f.store(), views, {&kpi}, o};
    REQUIRE(r.restore().is_ok());
    return r.catch_up();
  };
  memory_view_store clean;
  REQUIRE(run(clean).has_value());

  memory_view_store views;
  {
    projections::kpi::kpi_projection kpi;
    projection_runner r{f.store(), views, {&kpi}, o};
    REQUIRE(r.restore().is_ok());
    views.fail_next_commits(1); // the commit at position 1,000 is refused
    REQUIRE_FALSE(r.catch_up().has_value());
    CHECK_FALSE(views.checkpoint(kpi.name())->has_value()); // nothing committed
    CHECK_FALSE(r.catch_up().has_value()); // the runner has ended: nothing more is committed
    CHECK_FALSE(views.checkpoint(kpi.name())->has_value());
  }
  REQUIRE(run(views).has_value()); // a new runner: from the last good checkpoint (none)
  CHECK(*views.dump() == *clean.dump());
}
