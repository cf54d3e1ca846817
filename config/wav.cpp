#include "config/wav.hpp"

#include <fstream>
#include <iterator>

namespace hotline::config {

namespace {

std::uint32_t le32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

} // namespace

std::int16_t alaw_to_linear(std::uint8_t a) noexcept {
  a ^= 0x55;
  int t = (a & 0x0f) << 4;
  int seg = (a & 0x70) >> 4;
  switch (seg) {
  case 0:
    t += 8;
    break;
  case 1:
    t += 0x108;
    break;
  default:
    t += 0x108;
    t <<= seg - 1;
  }
  return static_cast<std::int16_t>((a & 0x80) ? t : -t);
}

std::int16_t ulaw_to_linear(std::uint8_t u) noexcept {
  u = ~u;
  int t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<std::int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

std::optional<std::vector<std::int16_t>> read_wav_8k_mono(const std::filesystem::path& path,
                                                          std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read file";
    return std::nullopt;
  }
  std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
  if (bytes.size() < 12 || std::string(bytes.begin(), bytes.begin() + 4) != "RIFF" ||
      std::string(bytes.begin() + 8, bytes.begin() + 12) != "WAVE") {
    why = "not a WAV file (no RIFF/WAVE header)";
    return std::nullopt;
  }
  std::uint16_t format = 0, channels = 0, bits = 0;
  std::uint32_t rate = 0;
  bool have_fmt = false;
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    const std::string id(bytes.begin() + at, bytes.begin() + at + 4);
    const std::uint32_t size = le32(&bytes[at + 4]);
    const std::size_t body = at + 8;
    if (size > bytes.size() - body) {
      why = "chunk '" + id + "' runs past the end of the file";
      return std::nullopt;
    }
    if (id == "fmt " && size >= 16) {
      format = le16(&bytes[body]);
      channels = le16(&bytes[body + 2]);
      rate = le32(&bytes[body + 4]);
      bits = le16(&bytes[body + 14]);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) {
        why = "no 'fmt ' chunk before the data";
        return std::nullopt;
      }
      if (channels != 1 || rate != 8000) {
        why = std::to_string(channels) + " channel(s) at " + std::to_string(rate) +
              " Hz: expected mono at 8000 Hz";
        return std::nullopt;
      }
      std::vector<std::int16_t> out;
      if (format == 1 && bits == 16) {
        out.reserve(size / 2);
        for (std::size_t i = body; i + 1 < body + size; i += 2)
          out.push_back(static_cast<std::int16_t>(le16(&bytes[i])));
      } else if ((format == 6 || format == 7) && bits == 8) {
        out.reserve(size);
        for (std::size_t i = body; i < body + size; ++i)
          out.push_back(format == 6 ? alaw_to_linear(bytes[i]) : ulaw_to_linear(bytes[i]));
      } else {
        why = "format " + std::to_string(format) + " with " + std::to_string(bits) +
              " bits: expected 16-bit PCM (1), A-law (6) or µ-law (7)";
        return std::nullopt;
      }
      if (out.empty()) {
        why = "no samples";
        return std::nullopt;
      }
      return out;
    }
    at = body + size + (size & 1);
  }
  why = have_fmt ? "no 'data' chunk" : "no 'fmt ' chunk";
  return std::nullopt;
}

} // namespace hotline::config
