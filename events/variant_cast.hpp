#pragma once
/// Moving an event between the catalog variant (`hotline::events::event`,
/// every type; what the codec decodes) and an aggregate's own narrower
/// variant (e.g. `acd::agent::event`, what its decider emits and evolves).
///
///   events::event wide = widen<events::event>(agent_event);   // to append
///   if (auto e = narrow<acd::agent::event>(wide)) ...          // to fold
#include <optional>
#include <type_traits>
#include <variant>

namespace hotline::events {

namespace detail {
template <class T, class Variant> struct variant_has;
template <class T, class... Ts>
struct variant_has<T, std::variant<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};
} // namespace detail

/// The same value in a wider variant. Every alternative of `From` must be an
/// alternative of `To` (checked at compile time).
template <class To, class From> To widen(const From& from) {
  return std::visit(
      [](const auto& e) -> To {
        static_assert(detail::variant_has<std::decay_t<decltype(e)>, To>::value,
                      "widen: an alternative is missing from the target variant");
        return To{e};
      },
      from);
}

/// The value in a narrower variant, or nothing when its alternative is not
/// one of `To`'s (an event of another aggregate: skip it when folding).
template <class To, class From> std::optional<To> narrow(const From& from) {
  return std::visit(
      [](const auto& e) -> std::optional<To> {
        if constexpr (detail::variant_has<std::decay_t<decltype(e)>, To>::value)
          return To{e};
        else
          return std::nullopt;
      },
      from);
}

} // namespace hotline::events
