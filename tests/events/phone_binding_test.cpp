// Where an agent's registered phone is, folded from its `phone-<agent>`
// stream (events/telephony/phone_binding.hpp): what a node restores at start.
#include <doctest/doctest.h>

#include "events/telephony/phone_binding.hpp"

using namespace hotline::events;
namespace tel = hotline::events::telephony;

namespace {
constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;
} // namespace

TEST_CASE("phone binding: the last registration counts until an unregistration") {
  std::optional<tel::phone_binding> b;
  b = tel::evolve(b, phone_registered{"a1", "a1", "sip:a1@10.0.0.1:5060", "10.0.0.1:5060", 120},
                  t0);
  REQUIRE(b);
  CHECK(b->contact == "sip:a1@10.0.0.1:5060");
  CHECK(b->expires_at_ns() == t0 + 120 * sec);
  // A move to another contact with another lifetime replaces it.
  b = tel::evolve(b, phone_registered{"a1", "a1", "sip:a1@10.0.0.2:5062", "10.0.0.2:5062", 3600},
                  t0 + 60 * sec);
  REQUIRE(b);
  CHECK(b->contact == "sip:a1@10.0.0.2:5062");
  CHECK(b->source == "10.0.0.2:5062");
  CHECK(b->expires_at_ns() == t0 + 3660 * sec);
  // Events of other kinds leave it.
  b = tel::evolve(b, trunk_peer_up{"pstn", "10.0.0.9:5060"}, t0 + 61 * sec);
  CHECK(b);
  b = tel::evolve(b, phone_unregistered{"a1", "a1", "sip:a1@10.0.0.2:5062", "unregistered"},
                  t0 + 62 * sec);
  CHECK_FALSE(b);
}
