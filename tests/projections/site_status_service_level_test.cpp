// The service level a site publishes in its federation status and the one
// `kpi` reports are one definition (issue 19.22): on the same calls they
// give the same number, a site that moved all its calls away reads 0 %, not
// 100 %, and what is unknown is null in the status JSON, not a placeholder.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "events/federation/site_status.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"
#include "tests/projections/event_builder.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::projections::kpi;
using hotline::testing::event_builder;
namespace fed = hotline::events::federation;

namespace {

/// One queued call of the north site and how it left the queue.
struct queued_call {
  std::string id;
  double joined_s;
  double left_s;
  std::string how; ///< connected | abandoned | interflowed
};

/// The KPI of site north over `calls`, and the status's service level over
/// the same calls (T = 20 s, S = 5 s: both defaults).
std::pair<nlohmann::json, std::optional<double>> both(const std::vector<queued_call>& calls) {
  event_builder b;
  b.site = "north";
  fed::recent_service_level status{20'000};
  for (const auto& c : calls) {
    call_arrived a;
    a.call_id = c.id;
    a.caller = "+100" + c.id;
    b.call(c.id, c.joined_s - 0.5, a);
    b.call(c.id, c.joined_s, call_queued{c.id, "sales", 0, 1, 0, "entry"});
    auto waited_ms = static_cast<std::int64_t>((c.left_s - c.joined_s) * 1000);
    if (c.how == "connected") {
      b.call(c.id, c.left_s, call_connected{c.id, "sales", "a1", waited_ms});
      b.call(c.id, c.left_s + 30, call_ended{c.id, call_outcome::completed, "", "a1", "sales"});
    } else if (c.how == "abandoned") {
      b.call(c.id, c.left_s, call_ended{c.id, call_outcome::abandoned, "", "", "sales"});
    } else {
      b.call(c.id, c.left_s - 0.01, call_interflowed{c.id, "sales", "south", "o-" + c.id, "s1"});
      b.call(c.id, c.left_s,
             call_ended{c.id, call_outcome::interflowed, "landed at site south", "", "sales"});
    }
    status.record({waited_ms, c.how == "connected", c.how == "abandoned"});
  }
  kpi_projection p;
  for (const auto& e : b.events)
    REQUIRE(p.apply(e).is_ok());
  auto rep = build_report(p);
  return {rep["groups"]["site"]["north"], status.value()};
}

} // namespace

TEST_CASE("site status: a site that moved all its calls away has SL 0, as its KPIs say") {
  auto [kpi, sl] = both(
      {{"c1", 1, 4, "interflowed"}, {"c2", 2, 9, "interflowed"}, {"c3", 3, 40, "interflowed"}});
  CHECK(kpi["service_level"] == 0.0);
  REQUIRE(sl.has_value());
  CHECK(*sl == 0.0);
}

TEST_CASE("site status: the service level is the KPI's, call for call") {
  // Answered within T, answered late, a short abandon (not offered), an
  // abandon, a call moved away: 1 / (5 - 1).
  auto [kpi, sl] = both({{"c1", 0, 10, "connected"},
                         {"c2", 1, 31, "connected"},
                         {"c3", 2, 4, "abandoned"},
                         {"c4", 3, 15, "abandoned"},
                         {"c5", 4, 8, "interflowed"}});
  REQUIRE(sl.has_value());
  CHECK(kpi["service_level"] == 0.25);
  CHECK(*sl == doctest::Approx(kpi["service_level"].get<double>()));
}

TEST_CASE(
    "site status: no call yet is an unknown service level, and unknown values are null in JSON") {
  fed::recent_service_level none{20'000};
  CHECK_FALSE(none.value().has_value());
  fed::recent_service_level only_short{20'000};
  only_short.record({1'000, false, true}); // a short abandon is not offered
  CHECK_FALSE(only_short.value().has_value());

  fed::site_status s{"north", 7, 1'000, {}};
  fed::queue_status q;
  q.queue = "sales"; // nobody serves it: EWT unknown; no call left: SL unknown
  s.queues.push_back(q);
  auto j = nlohmann::json::parse(fed::to_json(s));
  CHECK(j["version"] == fed::site_status_version);
  CHECK(j["queues"][0]["ewt_ms"].is_null());
  CHECK(j["queues"][0]["service_level"].is_null());
  auto back = fed::site_status_from_json(fed::to_json(s));
  REQUIRE(back.has_value());
  CHECK(*back == s);

  s.queues[0].ewt_ms = 12'000;
  s.queues[0].service_level = 0.5;
  back = fed::site_status_from_json(fed::to_json(s));
  REQUIRE(back.has_value());
  CHECK(*back == s);

  // A version this build does not know is refused, naming it.
  j["version"] = 99;
  auto newer = fed::site_status_from_json(j.dump());
  REQUIRE_FALSE(newer.has_value());
  CHECK(newer.error().detail().find("version 99") != std::string::npos);
}
