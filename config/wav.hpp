#pragma once
/// Reading the sound files a center plays (music on hold): RIFF WAVE, one
/// channel at 8,000 samples per second, in 16-bit linear PCM, G.711 A-law
/// or G.711 µ-law. Everything else is refused with the reason.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hotline::config {

/// The samples of `path` as 16-bit linear PCM; nullopt with `why` set
/// ("not a WAV file", "44100 Hz: expected 8000 Hz mono", ...).
std::optional<std::vector<std::int16_t>> read_wav_8k_mono(const std::filesystem::path& path,
                                                          std::string& why);

/// G.711 expansions (ITU-T G.711), for the files above and the media path.
std::int16_t alaw_to_linear(std::uint8_t a) noexcept;
std::int16_t ulaw_to_linear(std::uint8_t u) noexcept;

} // namespace hotline::config
