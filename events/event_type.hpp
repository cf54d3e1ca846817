#pragma once
/// How a payload struct becomes an event type.
///
/// A payload is a plain struct with two static members naming its type and
/// schema version, followed by HOTLINE_EVENT_FIELDS listing its fields once;
/// that generates the cereal binary form (storage), the JSON form (Kafka,
/// exports; a key missing from JSON takes the field default, a key of the
/// wrong type is an error) and `visit_fields(x, f)`, which calls
/// `f("name", x.name)` for each field in order (the codec's direct JSON text
/// writer uses it). A field may be a wire enum (events/wire_enum.hpp): it is
/// written as its name, exactly as a string field holding that name would
/// be. Field order is part of the binary schema: a shipped
/// version is never edited — add version N+1 and register an upcaster
/// (events/codec.hpp) for the old one.
///
///   struct call_answered {
///     static constexpr std::string_view type_name = "call.answered";
///     static constexpr std::uint16_t version = 1;
///     std::string call_id;
///     std::string agent_id;
///   };
///   HOTLINE_EVENT_FIELDS(call_answered, call_id, agent_id)
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <nlohmann/json.hpp>

#include "events/wire_enum.hpp"

namespace hotline::events {

template <class T>
concept event_payload = requires {
  { T::type_name } -> std::convertible_to<std::string_view>;
  { T::version } -> std::convertible_to<std::uint16_t>;
};

} // namespace hotline::events

#define HOTLINE_EVENT_JSON_TO_FIELD(field) j[#field] = x.field;
#define HOTLINE_EVENT_JSON_FROM_FIELD(field)                                                       \
  ::hotline::events::detail::json_field(j, #field, x.field, defaults.field);
#define HOTLINE_EVENT_CEREAL_FIELD(field)                                                          \
  ::hotline::events::detail::serialize_field<hotline_event_type>(ar, #field, x.field);
#define HOTLINE_EVENT_VISIT_FIELD(field) f(#field, x.field);

/// Declares the fields of a payload struct for both codecs (must be used in
/// the struct's namespace, after the struct). The JSON functions are those
/// of nlohmann's NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT, and the
/// binary form is cereal's, except that a wire enum (events/wire_enum.hpp)
/// is written as its name and an unknown name is an error naming the field.
#define HOTLINE_EVENT_FIELDS(Type, ...)                                                            \
  inline void to_json(nlohmann::json& j, const Type& x) {                                          \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HOTLINE_EVENT_JSON_TO_FIELD, __VA_ARGS__))            \
  }                                                                                                \
  inline void from_json(const nlohmann::json& j, Type& x) {                                        \
    Type defaults;                                                                                 \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HOTLINE_EVENT_JSON_FROM_FIELD, __VA_ARGS__))          \
  }                                                                                                \
  template <class Archive> void serialize(Archive& ar, Type& x) {                                  \
    using hotline_event_type = Type;                                                               \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HOTLINE_EVENT_CEREAL_FIELD, __VA_ARGS__))             \
  }                                                                                                \
  template <class F> void visit_fields(const Type& x, F&& f) {                                     \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HOTLINE_EVENT_VISIT_FIELD, __VA_ARGS__))              \
  }
