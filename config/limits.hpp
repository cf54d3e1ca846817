#pragma once
/// The bounds every configuration stays within, so that no file (a typo, a
/// generated file gone wrong, or a hostile one) can crash, hang or exhaust a
/// reader or a node. Each is reported as an error with the diagnostic format
/// (`FILE:LINE:COL: error: KEY: message`); docs/config.md, "Limits", lists
/// them with the figures they were chosen from.
#include <cstddef>
#include <cstdint>

namespace hotline::config::limits {

/// Bytes in one file (the main file, an include or a counts_csv). A center
/// with 10,000 agents written one table each is about 1.5 MB.
inline constexpr std::uintmax_t max_file_bytes = 8u << 20;
/// Files one configuration may read, includes of includes counted each time
/// they are read (a file including another many times is read many times).
inline constexpr std::size_t max_files = 64;
/// Bytes of all those files together.
inline constexpr std::uintmax_t max_total_bytes = 16u << 20;
/// Parts of one dotted key or table header (`a.b.c` has 3). toml++ nests one
/// table per part recursively: 40,000 parts overflowed its stack.
inline constexpr std::size_t max_key_parts = 32;

// Counts a node starts within a few seconds (measured: 10,000 channels,
// 10,000 agents and 1,000 queues start and stop in 3.4 s and 150 MB;
// 100,000 channels take 21 s, 100,000 agents 10 s and 1 GB).
inline constexpr std::int64_t max_channels = 10'000; ///< trunk channels, all groups together
inline constexpr std::size_t max_agents = 10'000;    ///< agents, generated ones included
inline constexpr std::size_t max_queues = 1'000;
inline constexpr std::size_t max_tenants = 1'000;
inline constexpr std::size_t max_trunk_groups = 1'000;
inline constexpr std::size_t max_entry_points = 10'000;
inline constexpr std::size_t max_arrival_profiles = 1'000;
/// Simulated arrivals per hour, one profile and all of them together.
inline constexpr double max_rate_per_h = 100'000;

} // namespace hotline::config::limits
