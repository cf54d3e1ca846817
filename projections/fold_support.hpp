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

} // namespace hotline::projections

#if defined(__GLIBCXX__)
// libstdc++ stores each node's hash code unless the hasher is "fast"; it
// knows std::hash<std::string> is not, and assumes any other hasher is.
// Without the stored code, a lookup that walks a bucket re-hashes every key
// it passes and a rehash re-hashes them all: in the KPI replay, finds in
// the customer and call maps (10^5 string keys) were the largest cost of
// the fold. The trait is libstdc++'s own hint for that (bits/functional_hash.h).
template <> struct std::__is_fast_hash<hotline::projections::string_hash> : std::false_type {};
#endif

namespace hotline::projections {

/// std::visit with one lambda per alternative.
template <class... F> struct overloaded : F... { using F::operator()...; };
template <class... F> overloaded(F...) -> overloaded<F...>;

} // namespace hotline::projections
