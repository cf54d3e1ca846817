#pragma once
/// Reading one configuration input (a TOML file, an include, a counts_csv)
/// whole, safely: only a regular file is read, and only up to a size limit.
/// A FIFO, /dev/zero or /dev/urandom is refused without blocking or reading
/// from it (opened with O_NONBLOCK, then checked with fstat on that very
/// descriptor, so the check and the read see the same file).
///
/// Thread safety: no shared state.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hotline::config {

/// The bytes of `file`, or nullopt with the reason in `why` ("is a
/// directory", "is not a regular file (a FIFO)", "is 9000000 bytes; at most
/// 8388608 are read", or errno's text).
std::optional<std::string> read_input_file(const std::filesystem::path& file,
                                           std::uintmax_t max_bytes, std::string& why);

} // namespace hotline::config
