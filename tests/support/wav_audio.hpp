#pragma once
// Test support for media tests: 8 kHz mono 16-bit WAV files written and
// read, tones made, and a Goertzel filter that says how much of a signal's
// energy is at one frequency (to check what a phone heard, not only that
// a file has some length).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace hotline::test {

/// `seconds` of a sine at `hz`, 8 kHz, amplitude `level` (of 32,767).
inline std::vector<std::int16_t> tone(double hz, double seconds, double level = 8'000) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(seconds * 8'000));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::int16_t>(
        std::lround(level * std::sin(2 * 3.14159265358979323846 * hz * double(i) / 8'000)));
  return out;
}

/// Writes RIFF WAVE: PCM, 8 kHz, mono, 16-bit.
inline void write_wav(const std::string& path, const std::vector<std::int16_t>& samples) {
  auto le = [](std::string& s, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const auto data = static_cast<std::uint32_t>(samples.size() * 2);
  std::string h = "RIFF";
  le(h, 36 + data, 4);
  h += "WAVEfmt ";
  for (auto [v, n] :
       {std::pair{16u, 4}, {1u, 2}, {1u, 2}, {8'000u, 4}, {16'000u, 4}, {2u, 2}, {16u, 2}})
    le(h, v, n);
  h += "data";
  le(h, data, 4);
  for (auto x : samples)
    le(h, static_cast<std::uint16_t>(x), 2);
  std::ofstream(path, std::ios::binary) << h;
}

/// The samples of a 16-bit PCM WAV file's channel `channel` (0: the first,
/// left; any rate, the `data` chunk found by walking the chunks); nullopt
/// if it is not one. `channels`, when given, is set to the file's count.
inline std::optional<std::vector<std::int16_t>> read_wav(const std::string& path,
                                                         int* rate = nullptr, int channel = 0,
                                                         int* channels_out = nullptr) {
  std::ifstream f{path, std::ios::binary};
  std::string b{std::istreambuf_iterator<char>(f), {}};
  auto u32 = [&](std::size_t at) {
    return std::uint32_t(std::uint8_t(b[at])) | std::uint32_t(std::uint8_t(b[at + 1])) << 8 |
           std::uint32_t(std::uint8_t(b[at + 2])) << 16 |
           std::uint32_t(std::uint8_t(b[at + 3])) << 24;
  };
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
    return std::nullopt;
  int channels = 1;
  for (std::size_t at = 12; at + 8 <= b.size();) {
    const auto id = b.substr(at, 4);
    const auto len = u32(at + 4);
    if (id == "fmt " && at + 16 <= b.size()) {
      channels = std::uint8_t(b[at + 10]) | std::uint8_t(b[at + 11]) << 8;
      if (rate) *rate = static_cast<int>(u32(at + 12));
    }
    if (id == "data") {
      if (channels_out) *channels_out = channels;
      if (channel >= channels) return std::nullopt;
      std::vector<std::int16_t> out;
      const std::size_t end = std::min<std::size_t>(b.size(), at + 8 + len);
      for (std::size_t i = at + 8 + 2 * std::size_t(channel); i + 1 < end;
           i += 2 * std::size_t(channels))
        out.push_back(static_cast<std::int16_t>(std::uint8_t(b[i]) | std::uint8_t(b[i + 1]) << 8));
      return out;
    }
    at += 8 + len + (len & 1);
  }
  return std::nullopt;
}

/// The share (0..1) of the samples' energy at `hz` (a Goertzel filter over
/// the whole block at `rate` samples a second).
inline double energy_share_at(const std::vector<std::int16_t>& x, double hz, int rate = 8'000) {
  if (x.empty()) return 0;
  const double w = 2 * 3.14159265358979323846 * hz / rate, c = 2 * std::cos(w);
  double s1 = 0, s2 = 0, total = 0;
  for (auto v : x) {
    const double s = double(v) + c * s1 - s2;
    s2 = s1;
    s1 = s;
    total += double(v) * double(v);
  }
  const double power = s1 * s1 + s2 * s2 - c * s1 * s2; // |X(hz)|^2
  // A pure tone of N samples puts N/2 * its energy into |X|^2.
  return total > 0 ? std::min(1.0, 2 * power / (double(x.size()) * total)) : 0;
}

/// The root-mean-square level of samples [from, to) (clamped to the block).
inline double rms(const std::vector<std::int16_t>& x, std::size_t from = 0,
                  std::size_t to = static_cast<std::size_t>(-1)) {
  to = std::min(to, x.size());
  if (from >= to) return 0;
  double sum = 0;
  for (std::size_t i = from; i < to; ++i)
    sum += double(x[i]) * double(x[i]);
  return std::sqrt(sum / double(to - from));
}

} // namespace hotline::test
