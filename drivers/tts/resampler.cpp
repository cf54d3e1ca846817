#include "drivers/tts/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hotline::drivers::tts {

std::vector<std::int16_t> resample(const std::vector<std::int16_t>& in, std::uint32_t from_hz,
                                   std::uint32_t to_hz) {
  if (from_hz == to_hz || in.empty()) return in;
  constexpr int half_taps = 32;
  const double ratio = static_cast<double>(from_hz) / to_hz; // input samples per output sample
  // Cut-off relative to the input rate: 0.45 of the lower rate keeps a
  // transition band below its Nyquist frequency.
  const double cutoff = 0.45 * std::min(from_hz, to_hz) / static_cast<double>(from_hz) * 2.0;
  const auto out_n = static_cast<std::size_t>(static_cast<double>(in.size()) / ratio);
  std::vector<std::int16_t> out;
  out.reserve(out_n);
  const double span = half_taps / std::min(1.0, cutoff); // input samples each side
  for (std::size_t j = 0; j < out_n; ++j) {
    const double center = static_cast<double>(j) * ratio;
    const auto first = static_cast<long>(std::ceil(center - span));
    const auto last = static_cast<long>(std::floor(center + span));
    double acc = 0, weight = 0;
    for (long i = std::max(0L, first); i <= std::min<long>(last, static_cast<long>(in.size()) - 1);
         ++i) {
      const double x = static_cast<double>(i) - center;
      const double arg = cutoff * x;
      const double sinc =
          arg == 0 ? 1.0 : std::sin(std::numbers::pi * arg) / (std::numbers::pi * arg);
      const double w = 0.42 + 0.5 * std::cos(std::numbers::pi * x / span) +
                       0.08 * std::cos(2 * std::numbers::pi * x / span);
      const double k = sinc * w;
      acc += k * in[static_cast<std::size_t>(i)];
      weight += k;
    }
    const double v = weight != 0 ? acc / weight : 0;
    out.push_back(static_cast<std::int16_t>(std::clamp(std::lround(v), -32768L, 32767L)));
  }
  return out;
}

double rms(const std::vector<std::int16_t>& samples) {
  if (samples.empty()) return 0;
  double sum = 0;
  for (auto s : samples)
    sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(samples.size()));
}

} // namespace hotline::drivers::tts
