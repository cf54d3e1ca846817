#pragma once
/// Small helpers shared by the folds in projections/.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hotline::projections {

/// Hashes std::string and std::string_view alike, so a map keyed by
/// std::string can be searched with a string_view without allocating.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

/// An unordered_map keyed by string with heterogeneous (string_view) lookup.
template <class V>
using string_map = std::unordered_map<std::string, V, string_hash, std::equal_to<>>;

/// std::visit with one lambda per alternative.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

} // namespace hotline::projections
