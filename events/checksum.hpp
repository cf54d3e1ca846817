#pragma once
/// CRC-32C (Castagnoli) over a byte range; guards stored records against
/// corruption that RocksDB's own block checksums cannot see (a bad write by
/// a tool, a record copied from elsewhere).
#include <cstdint>
#include <string_view>

namespace hotline::events {

std::uint32_t crc32c(std::string_view bytes) noexcept;

} // namespace hotline::events
