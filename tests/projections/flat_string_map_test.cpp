// flat_string_map holds exactly what std::map holds through random finds,
// inserts and erases (growth, probe chains wrapping round, backward shifts).
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "projections/flat_string_map.hpp"

using hotline::projections::flat_string_map;

TEST_CASE("flat_string_map agrees with std::map over random inserts, finds and erases") {
  std::mt19937_64 rng{7};
  flat_string_map<std::int64_t> flat;
  std::map<std::string, std::int64_t> ref;
  // Few distinct keys (many hits and erases of present keys), then many.
  for (std::uint64_t universe : {50u, 5'000u, 200'000u}) {
    for (int step = 0; step < 300'000; ++step) {
      const std::string key = (rng() % 2 ? "cust-" : "+86137") + std::to_string(rng() % universe);
      switch (rng() % 4) {
      case 0:
      case 1: {
        const auto v = static_cast<std::int64_t>(rng() % 1000);
        flat[key] += v;
        ref[key] += v;
        break;
      }
      case 2: {
        auto* e = flat.find(key);
        auto it = ref.find(key);
        REQUIRE((e == flat.end()) == (it == ref.end()));
        if (e) {
          CHECK(e->first == key);
          CHECK(e->second == it->second);
        }
        break;
      }
      case 3:
        CHECK(flat.erase(std::string_view{key}) == ref.erase(key));
        break;
      }
    }
    REQUIRE(flat.size() == ref.size());
    for (const auto& [k, v] : ref) {
      auto* e = flat.find(k);
      REQUIRE(e != flat.end());
      CHECK(e->second == v);
    }
    std::size_t seen = 0;
    for (const auto& e : flat.entries()) {
      CHECK(ref.at(e.first) == e.second);
      ++seen;
    }
    CHECK(seen == ref.size());
  }
  // Erase everything, then it is empty and usable again.
  for (const auto& [k, v] : ref)
    CHECK(flat.erase(std::string_view{k}) == 1);
  CHECK(flat.empty());
  CHECK(flat.find("cust-1") == flat.end());
  flat["cust-1"] = 5;
  CHECK(flat.find("cust-1")->second == 5);
}
