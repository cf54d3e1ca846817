// Recording (F14): a queue's `record`, its tenant's default and
// [sip] recordings_dir; a bad value names its file, line and column.
#include <doctest/doctest.h>

#include <filesystem>

#include "events/recording/recording_policy.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;

namespace {

/// Tenant acme (its `record` given by `tenant_record`, "" for none) with queues
/// `sales` (record given by `queue_record`) and `billing` (no record key).
std::string center(const std::string& tenant_record, const std::string& queue_record) {
  return std::string(R"([[tenants]]
id = "acme"
)") + (tenant_record.empty() ? "" : "record = \"" + tenant_record + "\"\n") +
         R"(
[[trunks]]
id = "pstn"

[[queues]]
id = "sales"
tenant = "acme"
skills = { english = 10 }
)" + (queue_record.empty() ? "" : "record = \"" + queue_record + "\"\n") +
         R"(
[[queues]]
id = "billing"
tenant = "acme"
skills = { english = 10 }

[[agents]]
id = "ann"
tenant = "acme"
skills = { english = 50 }
queues = ["sales"]

[[entry_points]]
dialed = "100"
queue = "sales"
)";
}

events::recording_policy effective(const load_outcome& loaded, const std::string& queue) {
  const auto& c = loaded.config.center;
  const auto* q = c.find_queue(queue);
  const events::tenant_definition* t = nullptr;
  for (const auto& x : c.tenants)
    if (q && x.id == q->tenant) t = &x;
  return events::recording::policy_for(q, t);
}

} // namespace

TEST_CASE("record: the queue's own policy wins, `tenant` (the default) takes the tenant's") {
  config_files files;
  files.write("c.toml", center("always", "never"));
  auto loaded = files.load("c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  CHECK(loaded.config.center.find_queue("sales")->record == events::recording_policy::never);
  CHECK(loaded.config.center.find_queue("billing")->record == events::recording_policy::tenant);
  CHECK(effective(loaded, "sales") == events::recording_policy::never);
  CHECK(effective(loaded, "billing") == events::recording_policy::always);

  files.write("d.toml", center("", "always"));
  auto second = files.load("d.toml");
  REQUIRE(second.ok());
  CHECK(effective(second, "sales") == events::recording_policy::always);
  CHECK(effective(second, "billing") == events::recording_policy::never); // tenants: never
}

TEST_CASE("a bad record value names the key, its line and the values allowed") {
  config_files files;
  files.write("c.toml", center("sometimes", "loud"));
  auto loaded = files.load("c.toml");
  auto t = only(loaded.problems, "tenants[0].record");
  CHECK(t.file == files.path("c.toml"));
  CHECK(t.line == 3);
  CHECK(t.column > 0);
  CHECK(t.message.find("never, always") != std::string::npos);
  auto q = only(loaded.problems, "queues[0].record");
  CHECK(q.line == 12);
  CHECK(q.message.find("tenant, never, always") != std::string::npos);
  // A tenant's default cannot defer to the tenant.
  files.write("d.toml", center("tenant", ""));
  auto second = files.load("d.toml");
  CHECK(only(second.problems, "tenants[0].record").message.find("'tenant'") != std::string::npos);
}

TEST_CASE("[sip] recordings_dir is relative to the file, and empty is refused") {
  config_files files;
  files.write("c.toml", center("", "") + "\n[sip]\nrecordings_dir = \"rec/calls\"\n");
  auto loaded = files.load("c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  CHECK(loaded.config.sip.recordings_dir ==
        (std::filesystem::path(files.path("c.toml")).parent_path() / "rec/calls").string());
  CHECK(loaded.config.sip.recording_queue_frames == 4096);

  files.write("d.toml", center("", "") + "\n[sip]\nrecordings_dir = \"\"\n");
  auto empty = files.load("d.toml");
  CHECK(only(empty.problems, "sip.recordings_dir").message.find("directory") != std::string::npos);

  files.write("e.toml", center("", "") + "\n[sip]\n");
  auto unset = files.load("e.toml");
  REQUIRE(unset.ok());
  CHECK(unset.config.sip.recordings_dir.empty()); // the node's <store>/recordings
}
