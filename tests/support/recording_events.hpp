#pragma once
// Test support: a call's recording as the node records it (stream
// `recording-<call>`, actors/call_recordings: recording.started, a pause,
// recording.stopped with the file's size and SHA-256), appended to a
// store that no node runs on. For the tests of GET /api/recordings and of
// the audit page's player, which need recordings without telephony.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "actors/ports/event_store.hpp"
#include "events/codec.hpp"
#include "events/recording/recording.hpp"

namespace hotline::test {

/// Lowercase hex SHA-256 of a file's bytes ("" when it cannot be read).
inline std::string sha256_of_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return {};
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

/// A stereo 8 kHz 16-bit WAV of `ms` milliseconds: a tone left, silence right.
inline void write_test_wav(const std::string& path, int ms) {
  const std::uint32_t frames = 8 * static_cast<std::uint32_t>(ms), data = frames * 4;
  std::string b;
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      b += char((v >> (8 * i)) & 0xff);
  };
  auto u16 = [&](std::uint16_t v) {
    b += char(v & 0xff);
    b += char(v >> 8);
  };
  b += "RIFF";
  u32(36 + data);
  b += "WAVEfmt ";
  u32(16);
  u16(1);        // PCM
  u16(2);        // stereo
  u32(8000);     // rate
  u32(8000 * 4); // bytes per second
  u16(4);        // block
  u16(16);       // bits
  b += "data";
  u32(data);
  for (std::uint32_t i = 0; i < frames; ++i) {
    const auto s = static_cast<std::int16_t>((i / 10) % 2 ? 6000 : -6000); // a 400 Hz square
    u16(static_cast<std::uint16_t>(s));
    u16(0);
  }
  std::ofstream{path, std::ios::binary} << b;
}

struct recording_spec {
  std::string tenant{}, call_id{}, agent_id{}, queue{}, file{};
  /// What recording.stopped records as the file's SHA-256; empty: the file's own.
  std::string sha256{};
  bool stopped = true; ///< false: the recording is still running (no recording.stopped)
  std::int64_t at_ns = 1'800'000'000'000'000'000; ///< the first event's time
};

/// Appends the recording's events; the store's status.
inline events::status append_recording(ports::event_store& store, const recording_spec& r) {
  const auto& codec = events::event_codec::standard();
  std::vector<events::event> payloads;
  payloads.push_back(events::recording_started{r.call_id, r.queue, r.agent_id, r.file, "always"});
  payloads.push_back(events::recording_paused{r.call_id, 1000});
  payloads.push_back(events::recording_resumed{r.call_id, 3000, 2000});
  if (r.stopped) {
    std::ifstream in{r.file, std::ios::binary | std::ios::ate};
    const auto bytes = in ? static_cast<std::int64_t>(in.tellg()) : 0;
    events::recording_stopped s;
    s.call_id = r.call_id;
    s.file = r.file;
    s.reason = "leg_ended";
    s.duration_ms = bytes > 44 ? (bytes - 44) / 32 : 0;
    s.bytes = bytes;
    s.sha256 = r.sha256.empty() ? sha256_of_file(r.file) : r.sha256;
    s.paused_ms = 2000;
    s.pauses = 1;
    payloads.push_back(s);
  }
  std::vector<events::proposed_event> batch;
  std::int64_t at = r.at_ns;
  for (const auto& p : payloads) {
    events::event_meta meta;
    meta.id = events::event_id::from_name("test-recording/" + r.call_id + "/" +
                                          std::to_string(batch.size()));
    meta.site = "test";
    meta.tenant = r.tenant;
    meta.timestamp_ns = at;
    meta.caused_by = events::principal::system("sip");
    batch.push_back(codec.propose(p, meta));
    at += 1'000'000'000;
  }
  auto st = store.append(events::recording::stream_name(r.call_id),
                         ports::expected_revision::no_stream(), std::move(batch));
  if (!st) return st.error();
  return {};
}

} // namespace hotline::test
