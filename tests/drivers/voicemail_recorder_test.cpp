// The voicemail recorder (drivers/sip/voicemail_recorder.hpp): what the
// telephony side hands it after the beep becomes a mono 8 kHz WAV with the
// duration and SHA-256 that `voicemail.left` records; the maximum length
// cuts the message.
#include <doctest/doctest.h>

#include <filesystem>

#include "config/wav.hpp"
#include "drivers/sip/recording_writer.hpp"
#include "drivers/sip/voicemail_recorder.hpp"
#include "drivers/tts/resampler.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using drivers::sip::voicemail_recorder;

TEST_CASE("voicemail recorder: frames become a playable mono WAV with duration and SHA-256") {
  testing::temp_dir dir;
  const auto path = voicemail_recorder::path_for(dir.path(), "vm/../c1");
  CHECK(path == dir.path() + "/vm_.._c1.wav"); // an id never leaves the directory
  voicemail_recorder rec(path);
  const auto tone = voicemail_recorder::beep(1'000, 440);
  for (std::size_t at = 0; at < tone.size(); at += 160)
    REQUIRE(rec.append(tone.data() + at, 160));
  CHECK(rec.duration_ms() == 1'000);
  auto done = rec.finish();
  CHECK(done.error.empty());
  CHECK(done.path == path);
  CHECK(done.duration_ms == 1'000);
  CHECK(done.bytes == 44 + 16'000);
  CHECK_FALSE(done.reached_max);
  std::string why;
  CHECK(done.sha256 == drivers::sip::sha256_of_file(path, why));
  CHECK(done.sha256.size() == 64);
  auto samples = config::read_wav_8k_mono(path, why);
  REQUIRE_MESSAGE(samples, why);
  CHECK(*samples == tone);
  CHECK(rec.finish().sha256 == done.sha256); // once; later calls repeat it
  CHECK_FALSE(rec.append(tone.data(), 160));
}

TEST_CASE("voicemail recorder: the maximum length cuts the message and append says stop") {
  testing::temp_dir dir;
  voicemail_recorder rec(dir.path() + "/m.wav", {.max_ms = 50});
  std::vector<std::int16_t> frame(160, 1'000);
  CHECK(rec.append(frame.data(), 160));       // 20 ms
  CHECK(rec.append(frame.data(), 160));       // 40 ms
  CHECK_FALSE(rec.append(frame.data(), 160)); // 50 ms: full, the rest dropped
  auto done = rec.finish();
  CHECK(done.duration_ms == 50);
  CHECK(done.reached_max);
  std::string why;
  CHECK(config::read_wav_8k_mono(dir.path() + "/m.wav", why)->size() == 400);
}

TEST_CASE("voicemail recorder: a directory that does not exist is an error at finish") {
  voicemail_recorder rec("/nonexistent-dir/m.wav");
  std::int16_t s[160] = {};
  CHECK_FALSE(rec.append(s, 160));
  auto done = rec.finish();
  CHECK(done.error == "cannot write /nonexistent-dir/m.wav");
  CHECK(done.sha256.empty());
}

TEST_CASE("voicemail recorder: the beep is a loud short tone") {
  auto b = voicemail_recorder::beep();
  CHECK(b.size() == 3'200);
  CHECK(drivers::tts::rms(b) > 5'000.0);
}
