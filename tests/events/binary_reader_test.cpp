// The in-place binary reader agrees with cereal's reader (from_binary) on
// every catalog type: the same values, reusing one buffer, and failure on
// exactly the same damaged inputs.
#include <doctest/doctest.h>

#include "events/codec.hpp"
#include "events/legacy_events.hpp"
#include "tests/events/wire_names_sample.hpp"

using namespace hotline::events;

namespace {

/// Every leaf of a default payload's JSON with a non-default value of a
/// length that depends on `salt` (so a reused buffer is overwritten with
/// both longer and shorter strings and containers).
nlohmann::json populate(nlohmann::json j, int salt, const std::string& key = "") {
  if (j.is_object()) {
    if (j.empty()) {
      nlohmann::json m = nlohmann::json::object();
      for (int i = 0; i < salt % 3 + 1; ++i)
        m["k-" + key + std::to_string(i)] = std::string(salt * 5, 'v');
      return m;
    }
    for (auto& [k, v] : j.items())
      v = populate(v, salt, k);
    return j;
  }
  if (j.is_array()) {
    auto a = nlohmann::json::array();
    for (int i = 0; i < salt % 4; ++i)
      a.push_back("e-" + key + std::string(salt * 7, 'x'));
    return a;
  }
  if (j.is_string()) return "x-" + key + std::string(salt * 11, 's');
  if (j.is_number_integer()) return -7 * salt - 1;
  if (j.is_boolean()) return salt % 2 == 0;
  return j;
}

template <class T> void agrees_on(const std::string& bytes, T& reused) {
  T expected{};
  const bool cereal_ok = from_binary(bytes, expected).is_ok();
  const auto st = read_binary_into(bytes, reused);
  CHECK(st.is_ok() == cereal_ok);
  if (cereal_ok && st.is_ok()) CHECK(nlohmann::json(reused) == nlohmann::json(expected));
  if (!st.is_ok()) CHECK(st.code() == errc::corrupt_record);
}

template <class T> void check_type() {
  CAPTURE(T::type_name);
  T reused{};
  for (int salt : {3, 0, 1, 2}) {
    CAPTURE(salt);
    const T value = hotline::testing::with_wire_names<T>(populate(nlohmann::json(T{}), salt), salt)
                        .template get<T>();
    const auto bytes = to_binary(value);
    REQUIRE(read_binary_into(bytes, reused).is_ok());
    CHECK(nlohmann::json(reused) == nlohmann::json(value));
    // Every truncation, a trailing byte, and a damaged length of the first
    // field (a string in every catalog type): absurd, one more, one less.
    for (std::size_t n = 0; n < bytes.size(); ++n)
      agrees_on<T>(bytes.substr(0, n), reused);
    agrees_on<T>(bytes + '\0', reused);
    for (int delta : {1, -1, 0}) {
      auto damaged = bytes;
      if (delta == 0)
        damaged[7] = '\x7f';
      else
        damaged[0] = static_cast<char>(damaged[0] + delta);
      agrees_on<T>(damaged, reused);
    }
  }
}

template <std::size_t... I> void check_all(std::index_sequence<I...>) {
  (check_type<std::variant_alternative_t<I, event>>(), ...);
}

} // namespace

TEST_CASE("the in-place binary reader reads what cereal reads, for every catalog type, into a "
          "reused value") {
  check_all(std::make_index_sequence<std::variant_size_v<event>>{});
}

TEST_CASE("the in-place binary reader refuses a container count the input cannot hold, as cereal "
          "fails on it") {
  agent_logged_in reused{};
  const agent_logged_in value{"a1", {"sales", "support"}};
  const auto bytes = to_binary(value);
  const std::size_t count_at = 8 + value.agent_id.size();
  for (char high : {'\x00', '\x01', '\x7f'}) {
    for (char low : {'\x01', '\x02', '\x03', '\x40'}) {
      auto damaged = bytes;
      damaged[count_at] = low;
      damaged[count_at + 7] = high;
      CAPTURE(int(low));
      CAPTURE(int(high));
      agrees_on<agent_logged_in>(damaged, reused);
    }
  }
}

TEST_CASE("decode_into gives decode's value: current versions in place, older ones upcast") {
  const auto& codec = event_codec::standard();
  call_transferred reused{"old", transfer_mode::consultative,
                          "old", transfer_target_kind::site,
                          "old", "a reason that is long enough to allocate"};
  legacy::call_transferred_v1 v1{"c1", "blind", "a1", "queue", "sales"};
  const auto old_bytes = to_binary(v1);
  REQUIRE(codec.decode_into(legacy::call_transferred_v1::version, old_bytes, reused).is_ok());
  auto expected =
      codec.decode(call_transferred::type_name, legacy::call_transferred_v1::version, old_bytes);
  REQUIRE(expected.has_value());
  CHECK(nlohmann::json(reused) == nlohmann::json(std::get<call_transferred>(*expected)));
  CHECK(reused.reason.empty());

  const call_transferred current{
      "c2", transfer_mode::consultative, "a2", transfer_target_kind::agent, "a3", "billing"};
  REQUIRE(codec.decode_into(call_transferred::version, to_binary(current), reused).is_ok());
  CHECK(nlohmann::json(reused) == nlohmann::json(current));

  CHECK(codec.decode_into(std::uint16_t{9}, to_binary(current), reused).code() ==
        errc::unknown_event_type);
  CHECK(codec.decode_into(call_transferred::version, "\x01", reused).code() ==
        errc::corrupt_record);
}
