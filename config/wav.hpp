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

/// A mono 16-bit PCM WAV at any rate (what a TTS engine writes): the
/// samples and `rate`; nullopt with `why` set.
std::optional<std::vector<std::int16_t>> read_wav_pcm16_mono(const std::filesystem::path& path,
                                                             std::uint32_t& rate, std::string& why);

/// The 44-byte header of a mono 16-bit PCM WAV at `rate` holding
/// `data_bytes` of samples (a writer that streams writes it first with 0
/// and again at the end).
std::string wav_header_pcm16_mono(std::uint32_t rate, std::uint32_t data_bytes);

/// Writes `samples` as a mono 16-bit PCM WAV at `rate` to `path` (created
/// or truncated). False with `why` set ("cannot write <path>: ...").
bool write_wav_pcm16_mono(const std::filesystem::path& path, std::uint32_t rate,
                          const std::vector<std::int16_t>& samples, std::string& why);

/// G.711 expansions (ITU-T G.711), for the files above and the media path.
std::int16_t alaw_to_linear(std::uint8_t a) noexcept;
std::int16_t ulaw_to_linear(std::uint8_t u) noexcept;

} // namespace hotline::config
