#pragma once
/// Sample-rate conversion of mono 16-bit audio for prompts: a TTS engine
/// writes 22,050 Hz, the node plays 8,000 Hz. A windowed-sinc
/// (Blackman) interpolator whose cut-off is just below the lower Nyquist
/// frequency, so nothing above 4 kHz folds back into the telephone band.
/// Quality is speech-grade (32 taps a side), not hi-fi.
#include <cstdint>
#include <vector>

namespace hotline::drivers::tts {

/// `in` at `from_hz` as samples at `to_hz`. REQUIRES: both rates > 0.
/// Equal rates: a copy.
std::vector<std::int16_t> resample(const std::vector<std::int16_t>& in, std::uint32_t from_hz,
                                   std::uint32_t to_hz);

/// Root mean square of the samples (0 for none): how loud, to tell speech
/// from silence.
double rms(const std::vector<std::int16_t>& samples);

} // namespace hotline::drivers::tts
