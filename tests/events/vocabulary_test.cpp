// The vocabulary of events (events/vocabulary.hpp): every name reads back
// to its value, nothing else does, and the rules that live beside the words.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "events/vocabulary.hpp"

using namespace hotline::events;

TEST_CASE("every vocabulary name reads back to its value, and nothing else does") {
  auto check = [](auto e) {
    using E = decltype(e);
    for (std::size_t i = 0; i < wire_names<E>::names.size(); ++i) {
      const auto v = static_cast<E>(i);
      CHECK(from_wire<E>(to_wire(v)) == v);
      CHECK(parse_wire<E>(to_wire(v)).value() == v);
    }
    CHECK_FALSE(from_wire<E>("").has_value());
    CHECK_FALSE(from_wire<E>("Voice").has_value());
    auto bad = parse_wire<E>("nonsense");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code() == errc::invalid_argument);
    CHECK(bad.error().detail().find("'nonsense'") != std::string::npos);
    CHECK(to_wire(static_cast<E>(99)) == "?");
    CHECK_FALSE(is_known(static_cast<E>(99)));
  };
  check(call_outcome{});
  check(contact_channel{});
  check(call_direction{});
  check(trunk_direction{});
  check(transfer_mode{});
  check(transfer_target_kind{});
  check(supervision_mode{});
  CHECK(wire_name_list<contact_channel>() ==
        std::vector<std::string>{"voice", "chat", "email", "sms", "fax", "callback"});
  CHECK(is_hand_off(call_outcome::interflowed));
  CHECK(is_hand_off(call_outcome::interflow_withdrawn));
  CHECK_FALSE(is_hand_off(call_outcome::completed));
  CHECK(carries(trunk_direction::both, call_direction::outbound));
  CHECK(carries(trunk_direction::inbound, call_direction::inbound));
  CHECK_FALSE(carries(trunk_direction::inbound, call_direction::outbound));
  CHECK_FALSE(carries(trunk_direction::outbound, call_direction::inbound));
}
