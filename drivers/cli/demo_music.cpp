#include "drivers/cli/demo_music.hpp"

#include <cmath>
#include <fstream>

namespace hotline::cli {

std::vector<std::int16_t> demo_music() {
  constexpr int rate = 8'000;
  constexpr double pi = 3.14159265358979323846;
  // C major, A minor, F major, G major: four notes each, 0.5 s a note.
  const double notes[] = {261.63, 329.63, 392.00, 523.25, 220.00, 261.63, 329.63, 440.00,
                          174.61, 220.00, 261.63, 349.23, 196.00, 246.94, 293.66, 392.00};
  constexpr int note_len = rate / 2;
  std::vector<std::int16_t> out;
  out.reserve(std::size(notes) * note_len);
  for (double f : notes)
    for (int i = 0; i < note_len; ++i) {
      const double t = double(i) / rate;
      // A soft attack and a decay to silence: every note starts and ends at 0.
      const double env = std::min(1.0, t / 0.02) * std::exp(-3.0 * t) *
                         std::sin(pi * double(i) / double(note_len));
      const double v = std::sin(2 * pi * f * t) + 0.3 * std::sin(4 * pi * f * t);
      out.push_back(static_cast<std::int16_t>(std::lround(6'000.0 * env * v)));
    }
  return out;
}

bool write_wav_8k_mono(const std::filesystem::path& path, const std::vector<std::int16_t>& samples,
                       std::string& why) {
  auto le = [](std::string& s, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string h = "RIFF";
  le(h, 36 + data_bytes, 4);
  h += "WAVEfmt ";
  le(h, 16, 4);     // fmt chunk size
  le(h, 1, 2);      // PCM
  le(h, 1, 2);      // mono
  le(h, 8'000, 4);  // samples a second
  le(h, 16'000, 4); // bytes a second
  le(h, 2, 2);      // block align
  le(h, 16, 2);     // bits a sample
  h += "data";
  le(h, data_bytes, 4);
  for (auto x : samples)
    le(h, static_cast<std::uint16_t>(x), 2);
  std::ofstream f{path, std::ios::binary | std::ios::trunc};
  f.write(h.data(), static_cast<std::streamsize>(h.size()));
  if (!f.flush()) {
    why = "cannot write " + path.string();
    return false;
  }
  return true;
}

} // namespace hotline::cli
