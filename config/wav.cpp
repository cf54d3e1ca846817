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

namespace {

/// Any rate, mono; `want_rate` 0: any.
std::optional<std::vector<std::int16_t>> read_mono(const std::filesystem::path& path,
                                                   std::uint32_t want_rate, std::uint32_t& rate_out,
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
      rate_out = rate;
      if (channels != 1 || (want_rate != 0 && rate != want_rate)) {
        why = std::to_string(channels) + " channel(s) at " + std::to_string(rate) +
              " Hz: expected mono" +
              (want_rate != 0 ? " at " + std::to_string(want_rate) + " Hz" : std::string{});
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

} // namespace

std::optional<std::vector<std::int16_t>> read_wav_8k_mono(const std::filesystem::path& path,
                                                          std::string& why) {
  std::uint32_t rate = 0;
  return read_mono(path, 8000, rate, why);
}

std::optional<std::vector<std::int16_t>>
read_wav_pcm16_mono(const std::filesystem::path& path, std::uint32_t& rate, std::string& why) {
  auto out = read_mono(path, 0, rate, why);
  return out;
}

std::string wav_header_pcm16_mono(std::uint32_t rate, std::uint32_t data_bytes) {
  std::string h;
  const auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      h += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  const auto u16 = [&](std::uint16_t v) {
    h += static_cast<char>(v & 0xff);
    h += static_cast<char>(v >> 8);
  };
  h += "RIFF";
  u32(36 + data_bytes);
  h += "WAVEfmt ";
  u32(16);
  u16(1); // PCM
  u16(1); // mono
  u32(rate);
  u32(rate * 2);
  u16(2);
  u16(16);
  h += "data";
  u32(data_bytes);
  return h;
}

bool write_wav_pcm16_mono(const std::filesystem::path& path, std::uint32_t rate,
                          const std::vector<std::int16_t>& samples, std::string& why) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    why = "cannot write " + path.string();
    return false;
  }
  const auto header = wav_header_pcm16_mono(rate, static_cast<std::uint32_t>(samples.size() * 2));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  std::string body;
  body.reserve(samples.size() * 2);
  for (auto v : samples) {
    const auto u = static_cast<std::uint16_t>(v);
    body += static_cast<char>(u & 0xff);
    body += static_cast<char>(u >> 8);
  }
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  if (!out) {
    why = "cannot write " + path.string() + " (disk full?)";
    return false;
  }
  return true;
}

} // namespace hotline::config
