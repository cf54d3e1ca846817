// Readers of a store holding bad records, as a user runs them (the real
// binary): text that is not valid UTF-8 (stored by an import that did not
// check its input), and a record that does not decode. No reader may abort;
// each reports the bad record with its position and goes on or stops
// cleanly, as its docs say. Also: crm show with one customer id in two tenants.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/hotline_cli.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;

namespace {

using hotline::testing::hotline_cli;

/// One answered call of `customer` in `tenant`, appended to `store`.
void call(rocksdb_event_store& store, const std::string& id, const std::string& tenant,
          const std::string& customer, const std::string& queue, const std::string& agent,
          std::int64_t t_s, std::map<std::string, std::string> attached = {}) {
  const auto& codec = events::event_codec::standard();
  std::int64_t t = 1'704'067'200'000'000'000 + t_s * 1'000'000'000;
  std::vector<events::proposed_event> evs;
  int n = 0;
  auto add = [&](events::event body, std::int64_t at) {
    evs.push_back(codec.propose(body, {events::event_id::from_name(id + "#" + std::to_string(n++)),
                                       "site-a",
                                       tenant,
                                       at,
                                       {},
                                       {},
                                       events::principal::system("test")}));
  };
  events::call_arrived a;
  a.call_id = id;
  a.caller = "+100";
  a.customer_id = customer;
  a.attached = std::move(attached);
  add(a, t);
  add(events::call_queued{id, queue, 0, 1, 0, "entry"}, t + 1'000'000'000);
  add(events::call_connected{id, queue, agent, 5000}, t + 6'000'000'000);
  add(events::call_ended{id, events::call_outcome::completed, "caller_hangup", agent, queue},
      t + 60'000'000'000);
  REQUIRE(store.append("call-" + id, expected_revision::any(), std::move(evs)).has_value());
}

constexpr const char* replacement = "\xEF\xBF\xBD"; // U+FFFD

} // namespace

TEST_CASE(
    "readers of a store with text that is not valid UTF-8 never abort: JSON shows it as U+FFFD") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    call(**s, "c1", "t1", "cust-1", "sales", "a1", 0);
    // As an unchecked CSV import stored it: raw 0xFF bytes in the queue and the call data.
    call(**s, "c2", "t1", "cust-1", "sal\xffs", "a1", 100, {{"note", "caf\xff"}});
    call(**s, "c3", "t1", "cust-1", "sales", "a2", 200);
  }
  std::string out;
  // Each of these ended in SIGABRT (nlohmann type_error 316) before.
  CHECK_MESSAGE(hotline_cli("audit verify --store " + store, out) == 0, out);
  CHECK(out.find("audit chain ok: 12 records") != std::string::npos);
  CHECK(out.find("terminate") == std::string::npos);

  CHECK_MESSAGE(
      hotline_cli("audit query --store " + store + " --call c2 --format json --quiet", out) == 0,
      out);
  auto rows = nlohmann::json::parse(out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1]["queue"] == std::string{"sal"} + replacement + "s");

  CHECK_MESSAGE(hotline_cli("crm show --store " + store + " --customer cust-1 --quiet", out) == 0,
                out);
  auto profile = nlohmann::json::parse(out);
  CHECK(profile["contacts"] == 3);
  CHECK(profile["interactions"][1]["attached"]["note"] == std::string{"caf"} + replacement);

  CHECK_MESSAGE(
      hotline_cli("kpi --store " + store + " --format json --quiet --no-intervals", out) == 0, out);
  auto kpi = nlohmann::json::parse(out);
  CHECK(kpi["totals"]["offered"] == 3);
  CHECK(kpi["groups"]["queue"].contains(std::string{"sal"} + replacement + "s"));

  for (const char* skip : {"", " --skip-corrupt"}) {
    CHECK_MESSAGE(hotline_cli("replay --store " + store + " --out " + dir.path() + "/v" +
                                  (*skip ? "2" : "1") + " --quiet" + skip,
                              out) == 0,
                  out);
    CHECK(out.find("terminate") == std::string::npos);
  }
}

TEST_CASE("readers of a store with a record that does not decode name its position and stop, or "
          "skip it when asked") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    call(**s, "c1", "t1", "cust-1", "sales", "a1", 0);
    call(**s, "c2", "t1", "cust-1", "sales", "a1", 100);
    REQUIRE((*s)->overwrite_raw_record_for_testing(6, "\x68\x01garbage").is_ok());
  }
  std::string out;
  CHECK(hotline_cli("audit verify --store " + store, out) == 1);
  CHECK_MESSAGE(out.find("BROKEN at position 6") != std::string::npos, out);

  CHECK(hotline_cli("kpi --store " + store + " --format json --quiet", out) == 1);
  CHECK_MESSAGE(out.find("stopped at position 6") != std::string::npos, out);
  CHECK_MESSAGE(
      hotline_cli("kpi --store " + store + " --format json --quiet --skip-corrupt", out) == 0, out);
  CHECK(out.find("skipped position 6") != std::string::npos);

  // crm show reads the view as of the record before and says why.
  CHECK_MESSAGE(hotline_cli("crm show --store " + store + " --customer cust-1", out) == 0, out);
  CHECK(out.find("position 6") != std::string::npos);

  CHECK(hotline_cli("replay --store " + store + " --out " + dir.path() + "/v1 --quiet", out) == 1);
  CHECK(out.find("replay stopped at position 6") != std::string::npos);
  CHECK(
      hotline_cli("replay --store " + store + " --out " + dir.path() + "/v2 --quiet --skip-corrupt",
                  out) == 0);
  CHECK(out.find("skipped position 6") != std::string::npos);
}

TEST_CASE("crm show: a customer id in two tenants is two customers, without --tenant the error "
          "lists them") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    call(**s, "c1", "acme", "cust-950", "sales", "ann", 0);
    call(**s, "c2", "globex", "cust-950", "support", "gus", 100);
    call(**s, "c3", "globex", "cust-950", "support", "gus", 200);
    call(**s, "c4", "acme", "cust-7", "sales", "ann", 300);
  }
  std::string out;
  CHECK(hotline_cli("crm show --store " + store + " --customer cust-950", out) == 2);
  CHECK_MESSAGE(
      out.find("customer 'cust-950' exists in several tenants (acme, globex): give --tenant") !=
          std::string::npos,
      out);
  CHECK(hotline_cli("crm show --store " + store + " --caller +100", out) == 2);
  CHECK(out.find("several tenants (acme, globex)") != std::string::npos);

  REQUIRE(hotline_cli("crm show --store " + store + " --customer cust-950 --tenant acme --quiet",
                      out) == 0);
  auto acme = nlohmann::json::parse(out);
  CHECK(acme["tenant"] == "acme");
  CHECK(acme["contacts"] == 1);
  CHECK(acme["familiar_agent"] == "ann"); // merged with globex's two calls, it was gus
  for (const auto& i : acme["interactions"])
    CHECK(i["tenant"] == "acme");

  REQUIRE(hotline_cli("crm show --store " + store + " --customer cust-950 --tenant globex --quiet",
                      out) == 0);
  auto globex = nlohmann::json::parse(out);
  CHECK(globex["contacts"] == 2);
  CHECK(globex["familiar_agent"] == "gus");

  CHECK(hotline_cli("crm show --store " + store + " --customer cust-950 --tenant initech --quiet",
                    out) == 1);
  CHECK(out.find("not known in tenant 'initech' (tenants having it: acme, globex)") !=
        std::string::npos);
  // One tenant: no --tenant needed.
  REQUIRE(hotline_cli("crm show --store " + store + " --customer cust-7 --quiet", out) == 0);
  CHECK(nlohmann::json::parse(out)["tenant"] == "acme");
}
