#pragma once
/// CRC-32C (Castagnoli) over a byte range; guards stored records against
/// corruption that RocksDB's own block checksums cannot see (a bad write by
/// a tool, a record copied from elsewhere).
#include <cstdint>
#include <string_view>

namespace hotline::events {

/// Uses the CPU's CRC32C instruction when it has one (x86-64 SSE4.2),
/// slicing-by-8 tables otherwise; both give the same value.
std::uint32_t crc32c(std::string_view bytes) noexcept;
/// The table form regardless of the CPU (tests compare the two).
std::uint32_t crc32c_portable(std::string_view bytes) noexcept;

} // namespace hotline::events
