#pragma once
// Test support: payload JSON whose wire enum fields (events/wire_enum.hpp)
// hold names their enum has. The codec tests fill every leaf of a payload's
// JSON with made-up text; a wire enum field needs one of its own names.
#include <cstddef>
#include <map>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "events/wire_enum.hpp"

namespace hotline::testing {

/// `j` (the JSON of a `T`) with each wire enum field of `T` set to a name:
/// the one `1 + shift` places after the field's default, so with `shift`
/// 0 never the default; and each map of numbers given numbers (made-up
/// text fills an empty object with strings).
template <class T> nlohmann::json with_wire_names(nlohmann::json j, std::size_t shift = 0) {
  visit_fields(T{}, [&](const char* name, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if constexpr (events::wire_enum<V>) {
      const auto& names = events::wire_names<V>::names;
      j[name] = std::string{names[(static_cast<std::size_t>(value) + 1 + shift) % names.size()]};
    } else if constexpr (std::is_same_v<V, std::map<std::string, int>>) {
      // A map of numbers (skill levels): the made-up text's keys, numbers as values.
      int n = 1 + static_cast<int>(shift);
      for (auto& [k, v] : j[name].items())
        v = n++;
    }
  });
  return j;
}

} // namespace hotline::testing
