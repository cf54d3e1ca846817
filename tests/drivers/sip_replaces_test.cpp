// The Replaces of an attended transfer's Refer-To (drivers/sip/replaces.hpp).
#include <doctest/doctest.h>

#include "drivers/sip/replaces.hpp"

using hotline::drivers::sip::parse_replaces;
using hotline::drivers::sip::percent_decode;

TEST_CASE("replaces: a Refer-To's escaped Replaces gives the dialog's Call-ID and tags") {
  auto r = parse_replaces("Replaces=abc%40host%3Bto-tag%3D12%3Bfrom-tag%3D34");
  REQUIRE(r);
  REQUIRE(*r);
  CHECK((*r)->call_id == "abc@host");
  CHECK((*r)->to_tag == "12");
  CHECK((*r)->from_tag == "34");
  CHECK_FALSE((*r)->early_only);
  // Other headers around it, any case, early-only, tags in the other order.
  auto more =
      parse_replaces("Require=replaces&replaces=x%3Bfrom-tag%3Da%3Bearly-only%3Bto-tag%3Db");
  REQUIRE(more);
  REQUIRE(*more);
  CHECK((*more)->call_id == "x");
  CHECK((*more)->to_tag == "b");
  CHECK((*more)->from_tag == "a");
  CHECK((*more)->early_only);
}

TEST_CASE("replaces: none is a blind transfer, a malformed one an error naming what is wrong") {
  auto none = parse_replaces("");
  CHECK((*parse_replaces("?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2"))->call_id == "a");
  REQUIRE(none);
  CHECK_FALSE(*none);
  auto other = parse_replaces("Accept-Contact=x");
  REQUIRE(other);
  CHECK_FALSE(*other);
  auto detail = [](std::string_view h) {
    auto r = parse_replaces(h);
    return r ? std::string{"(accepted)"} : r.error().detail();
  };
  CHECK(detail("Replaces=abc%3Bto-tag%3D1").find("no from-tag") != std::string::npos);
  CHECK(detail("Replaces=abc%3Bfrom-tag%3D1").find("no to-tag") != std::string::npos);
  CHECK(detail("Replaces=%3Bto-tag%3D1%3Bfrom-tag%3D2").find("no Call-ID") != std::string::npos);
  CHECK(detail("Replaces=abc%3Bto-tag%3D%3Bfrom-tag%3D2").find("empty to-tag") !=
        std::string::npos);
  CHECK(detail("Replaces=abc%3").find("%-escape") != std::string::npos);
  CHECK(detail("Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=b").find("twice") !=
        std::string::npos);
  CHECK(percent_decode("a%2Fb") == "a/b");
  CHECK_FALSE(percent_decode("a%zz"));
}
