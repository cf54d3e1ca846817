#pragma once
/// Closed word lists as enums that travel as their names ("wire names").
///
/// An enum opts in by specializing `wire_names`: what one value is called
/// (for messages) and the names, in enumerator order.
///
///   enum class transfer_mode : std::uint8_t { blind, consultative };
///   template <> struct wire_names<transfer_mode> {
///     static constexpr std::string_view what = "transfer mode";
///     static constexpr std::array<std::string_view, 2> names{"blind", "consultative"};
///   };
///
/// Such a field of an event (events/event_type.hpp) is written as its name
/// in every form an event takes — the binary form (cereal's string layout:
/// a uint64 length, then the bytes; read back by cereal and by
/// binary_reader), the JSON tree (nlohmann) and the direct JSON text
/// writer — so stored records and Kafka JSON hold exactly the bytes they
/// held when the field was a std::string. Reading a name that is not in the
/// list is an error naming the field and the value (binary: corrupt_record;
/// JSON: malformed_json), never a default.
///
/// Names are part of the stored format: never rename or reorder one, only
/// append (a reader older than the new name refuses records that use it).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <cereal/cereal.hpp>
#include <nlohmann/json.hpp>

#include "events/status.hpp"

namespace hotline::events {

/// Specialize for an enum whose values are written as names.
template <class E> struct wire_names;

template <class E>
concept wire_enum = std::is_enum_v<E> && requires {
  { wire_names<E>::what } -> std::convertible_to<std::string_view>;
  wire_names<E>::names.size();
};

/// True when `e` is one of the enumerators (a value cast from a number may
/// not be).
template <wire_enum E> constexpr bool is_known(E e) noexcept {
  return static_cast<std::size_t>(e) < wire_names<E>::names.size();
}

/// The name of `e`; "?" for a value that is not an enumerator.
template <wire_enum E> constexpr std::string_view to_wire(E e) noexcept {
  return is_known(e) ? wire_names<E>::names[static_cast<std::size_t>(e)] : std::string_view{"?"};
}

/// The value named `text` (exact, case-sensitive), or nullopt.
template <wire_enum E> constexpr std::optional<E> from_wire(std::string_view text) noexcept {
  for (std::size_t i = 0; i < wire_names<E>::names.size(); ++i)
    if (wire_names<E>::names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

/// Every name, in enumerator order (for "expected one of ..." messages and
/// config readers).
template <wire_enum E> const std::vector<std::string>& wire_name_list() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> v;
    for (auto n : wire_names<E>::names)
      v.emplace_back(n);
    return v;
  }();
  return list;
}

/// "'teleported' is not a call outcome (completed, abandoned, ...)".
template <wire_enum E> std::string not_a_wire_name(std::string_view text) {
  std::string m = "'" + std::string{text} + "' is not a " + std::string{wire_names<E>::what} + " (";
  for (std::size_t i = 0; i < wire_names<E>::names.size(); ++i) {
    if (i) m += ", ";
    m += wire_names<E>::names[i];
  }
  return m + ")";
}

/// The value named `text`, or an invalid_argument status naming it.
template <wire_enum E> result<E> parse_wire(std::string_view text) {
  if (auto e = from_wire<E>(text)) return *e;
  return status{errc::invalid_argument, not_a_wire_name<E>(text)};
}

/// Thrown by the codecs' readers (cereal, nlohmann) for a name that is not
/// in the list; the event codec turns it into a status.
struct unknown_wire_name : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

/// "call.ended outcome: 'x' is not a call outcome (...)"; `Owner` is the
/// struct holding the field.
template <class Owner, wire_enum E>
std::string field_error(std::string_view field, std::string_view text) {
  std::string where;
  if constexpr (requires { Owner::type_name; }) where = std::string{Owner::type_name} + " ";
  return where + std::string{field} + ": " + not_a_wire_name<E>(text);
}

/// One field of HOTLINE_EVENT_FIELDS in the binary form. A wire enum is
/// written as cereal writes a std::string (uint64 length, bytes).
template <class Owner, class Archive, class T>
void serialize_field(Archive& ar, const char* name, T& value) {
  if constexpr (!wire_enum<T>) {
    ar(value);
  } else if constexpr (requires(std::string_view v) { ar.read_text(v); }) {
    // binary_reader: no string built
    std::string_view text;
    if (!ar.read_text(text)) return;
    if (auto e = from_wire<T>(text))
      value = *e;
    else
      ar.fail(field_error<Owner, T>(name, text));
  } else if constexpr (Archive::is_saving::value) {
    const std::string_view text = to_wire(value);
    const std::uint64_t size = text.size();
    ar(size);
    ar(cereal::binary_data(text.data(), text.size()));
  } else {
    std::string text;
    ar(text);
    if (auto e = from_wire<T>(text))
      value = *e;
    else
      throw unknown_wire_name{field_error<Owner, T>(name, text)};
  }
}

/// One field of HOTLINE_EVENT_FIELDS read from JSON: like nlohmann's
/// `j.value(name, fallback)` (missing key: the default; wrong type: its
/// error), and a wire enum's name must be in its list.
template <class T>
void json_field(const nlohmann::json& j, const char* name, T& value, const T& fallback) {
  if constexpr (!wire_enum<T>) {
    value = j.value(name, fallback);
  } else {
    const auto text = j.value(name, std::string{to_wire(fallback)});
    if (auto e = from_wire<T>(text))
      value = *e;
    else // the codec names the event type
      throw unknown_wire_name{std::string{name} + ": " + not_a_wire_name<T>(text)};
  }
}

} // namespace detail

} // namespace hotline::events

/// A wire enum in nlohmann JSON is its name (not nlohmann's default, the
/// number).
template <hotline::events::wire_enum E> struct nlohmann::adl_serializer<E, void> {
  template <class Json> static void to_json(Json& j, E e) {
    j = std::string{hotline::events::to_wire(e)};
  }
  template <class Json> static void from_json(const Json& j, E& e) {
    const auto& text = j.template get_ref<const std::string&>();
    auto v = hotline::events::from_wire<E>(text);
    if (!v) throw hotline::events::unknown_wire_name{hotline::events::not_a_wire_name<E>(text)};
    e = *v;
  }
};
