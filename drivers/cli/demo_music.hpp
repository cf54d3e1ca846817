#pragma once
// The live demo's music on hold (`hotline demo --sip-listen`): a short tune
// made by the program, so the demo needs no sound file of its own and a
// softphone caller hears something while queued and while a simulated
// agent "talks" (the demo has no voices).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hotline::cli {

/// Eight seconds of a soft arpeggio: 8 kHz, mono, 16-bit linear PCM, no
/// sample above a quarter of full scale, starting and ending in silence so
/// that it loops without a click.
std::vector<std::int16_t> demo_music();

/// Writes `samples` as a RIFF WAVE file (PCM, 8 kHz, mono, 16-bit), the
/// format `[sip] music_on_hold` reads. False (and `why`) if it cannot.
bool write_wav_8k_mono(const std::filesystem::path& path, const std::vector<std::int16_t>& samples,
                       std::string& why);

} // namespace hotline::cli
