// The recording writer (drivers/sip/recording_writer.hpp): stereo WAV from
// two parties' frames on a timeline, silence for gaps and paused spans,
// frames dropped (never waited for) when its queue is full, the header
// finished and the SHA-256 of what is on disk.
#include <doctest/doctest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>

#include "drivers/sip/recording_writer.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using drivers::sip::recording_result;
using drivers::sip::recording_writer;
using drivers::sip::recording_writer_options;

namespace {

/// Collects the writer's results; `wait(n)` blocks until n have come.
struct results {
  std::mutex m;
  std::condition_variable cv;
  std::vector<recording_result> got;
  recording_writer::done_fn sink() {
    return [this](recording_result r) {
      std::lock_guard lock{m};
      got.push_back(std::move(r));
      cv.notify_all();
    };
  }
  recording_result wait(std::size_t n = 1) {
    std::unique_lock lock{m};
    const bool came = cv.wait_for(lock, std::chrono::seconds(30), [&] { return got.size() >= n; });
    REQUIRE_MESSAGE(came, "the writer reported nothing");
    return got.back();
  }
};

/// Feeds `samples` to channel `ch` as 20 ms frames from sample `at` on.
void feed(recording_writer& w, std::uint64_t id, int ch, std::int64_t at,
          const std::vector<std::int16_t>& samples) {
  for (std::size_t i = 0; i < samples.size(); i += recording_writer::frame_samples)
    w.write(id, ch, at + static_cast<std::int64_t>(i), samples.data() + i,
            std::min(recording_writer::frame_samples, samples.size() - i));
}

/// Feeds both parties as a call would: frame by frame in time order, the
/// left's `left` from sample `left_at`, the right's from `right_at`; `at_each`
/// runs before the frames of each position (to pause or resume there).
void feed_call(recording_writer& w, std::uint64_t id, std::int64_t left_at,
               const std::vector<std::int16_t>& left, std::int64_t right_at,
               const std::vector<std::int16_t>& right,
               const std::function<void(std::int64_t)>& at_each = {}) {
  const auto end = std::max(left_at + static_cast<std::int64_t>(left.size()),
                            right_at + static_cast<std::int64_t>(right.size()));
  constexpr auto step = static_cast<std::int64_t>(recording_writer::frame_samples);
  for (std::int64_t pos = 0; pos < end; pos += step) {
    if (at_each) at_each(pos);
    for (int ch = 0; ch < 2; ++ch) {
      const auto from = ch == 0 ? left_at : right_at;
      const auto& x = ch == 0 ? left : right;
      if (pos < from || pos >= from + static_cast<std::int64_t>(x.size())) continue;
      const auto i = static_cast<std::size_t>(pos - from);
      w.write(id, ch, pos, x.data() + i, std::min<std::size_t>(step, x.size() - i));
    }
  }
}

std::string file_bytes(const std::string& path) {
  std::ifstream f{path, std::ios::binary};
  return {std::istreambuf_iterator<char>(f), {}};
}

} // namespace

TEST_CASE(
    "recording writer: the caller left, the agent right, aligned, with the header and the hash") {
  testing::temp_dir dir;
  const auto path = dir.path() + "/c1.wav";
  results r;
  {
    recording_writer w({}, r.sink());
    w.open(1, path);
    // 2 s of each: the agent's side starts 0.5 s later (a gap: silence).
    feed_call(w, 1, 0, test::tone(1000, 2.0), 4'000, test::tone(600, 1.5));
    w.close(1);
    auto got = r.wait();
    CHECK(got.error.empty());
    CHECK(got.id == 1);
    CHECK(got.path == path);
    CHECK(got.duration_ms == 2'000);
    CHECK(got.bytes == 44 + 16'000 * 4);
    CHECK(got.dropped_frames == 0);
    CHECK(std::filesystem::file_size(path) == static_cast<std::uintmax_t>(got.bytes));
    std::string why;
    CHECK(got.sha256 == drivers::sip::sha256_of_file(path, why));
    CHECK(got.sha256.size() == 64);
  }
  int rate = 0, channels = 0;
  auto left = test::read_wav(path, &rate, 0, &channels);
  auto right = test::read_wav(path, nullptr, 1);
  REQUIRE(left);
  REQUIRE(right);
  CHECK(rate == 8'000);
  CHECK(channels == 2);
  REQUIRE(left->size() == 16'000);
  REQUIRE(right->size() == 16'000);
  CHECK(test::energy_share_at(*left, 1000) > 0.9);
  CHECK(test::energy_share_at(*left, 600) < 0.05);
  CHECK(test::rms(*right, 0, 4'000) == 0); // the agent had not spoken yet
  std::vector<std::int16_t> agent(right->begin() + 4'000, right->end());
  CHECK(test::energy_share_at(agent, 600) > 0.9);
  CHECK(test::energy_share_at(agent, 1000) < 0.05);
  // The same sample on both sides: a 1 kHz tone starting at 0, exactly.
  CHECK((*left)[2] == test::tone(1000, 0.001)[2]);
}

TEST_CASE(
    "recording writer: a paused span is silence, whatever was said, and the timeline goes on") {
  testing::temp_dir dir;
  const auto path = dir.path() + "/c2.wav";
  results r;
  recording_writer w({}, r.sink());
  w.open(7, path);
  // Paused from 1 s to 2 s, told while the frames come.
  feed_call(w, 7, 0, test::tone(1000, 3.0), 0, test::tone(600, 3.0), [&](std::int64_t pos) {
    if (pos == 8'000) w.pause(7, 8'000);
    if (pos == 16'000) w.resume(7, 16'000);
  });
  w.close(7);
  auto got = r.wait();
  REQUIRE(got.error.empty());
  CHECK(got.duration_ms == 3'000);
  auto left = *test::read_wav(path, nullptr, 0);
  auto right = *test::read_wav(path, nullptr, 1);
  CHECK(got.dropped_frames == 0);
  CHECK(test::rms(left, 0, 8'000) > 1'000);
  CHECK(test::rms(right, 0, 8'000) > 1'000);
  CHECK(test::rms(left, 8'000, 16'000) == 0);
  CHECK(test::rms(right, 8'000, 16'000) == 0); // both parties are silent while paused
  CHECK(test::rms(left, 16'000, 24'000) > 1'000);
  CHECK(test::rms(right, 16'000, 24'000) > 1'000);
}

TEST_CASE("recording writer: a full queue drops frames and counts them, it never waits") {
  testing::temp_dir dir;
  const auto path = dir.path() + "/c3.wav";
  results r;
  recording_writer_options o;
  o.max_queued_frames = 16;
  recording_writer w(o, r.sink());
  w.open(3, path);
  const auto words = test::tone(1000, 10.0); // 500 frames in one go: more than 16 wait
  std::size_t refused = 0;
  for (std::size_t i = 0; i < words.size(); i += 160)
    if (!w.write(3, 0, static_cast<std::int64_t>(i), words.data() + i, 160)) ++refused;
  w.close(3);
  auto got = r.wait();
  CHECK(refused > 0);
  CHECK(got.dropped_frames >= static_cast<std::int64_t>(refused));
  CHECK(got.error.empty());
  // What was dropped is silence; the file is still a whole, valid WAV.
  CHECK(std::filesystem::file_size(path) == static_cast<std::uintmax_t>(got.bytes));
}

TEST_CASE("recording writer: a file that cannot be written is reported, with the reason") {
  testing::temp_dir dir;
  results r;
  recording_writer w({}, r.sink());
  const auto path = dir.path() + "/no/such/dir/c4.wav";
  w.open(4, path);
  feed(w, 4, 0, 0, test::tone(1000, 0.2));
  w.close(4);
  auto got = r.wait();
  CHECK(got.error.find(path) != std::string::npos);
  CHECK(got.sha256.empty());
}

TEST_CASE("recording writer: recordings left open are finished (and reported) at destruction") {
  testing::temp_dir dir;
  const auto path = dir.path() + "/c5.wav";
  results r;
  {
    recording_writer w({}, r.sink());
    w.open(5, path);
    feed(w, 5, 1, 0, test::tone(600, 0.5));
    CHECK(w.open_count() == 1);
  }
  REQUIRE(r.got.size() == 1);
  CHECK(r.got[0].duration_ms == 500);
  const auto bytes = file_bytes(path);
  REQUIRE(bytes.size() == 44 + 4'000 * 4);
  CHECK(bytes.compare(0, 4, "RIFF") == 0);
  CHECK(test::energy_share_at(*test::read_wav(path, nullptr, 1), 600) > 0.9);
}
