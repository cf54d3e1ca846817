#include "drivers/sip/voicemail_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "config/wav.hpp"
#include "drivers/sip/recording_writer.hpp"
#include "events/voicemail/voicemail.hpp"

namespace hotline::drivers::sip {

voicemail_recorder::voicemail_recorder(std::string path, voicemail_options opts)
    : opts_(opts), path_(std::move(path)),
      out_(path_, std::ios::binary | std::ios::trunc | std::ios::out) {
  if (!out_) {
    error_ = "cannot write " + path_;
    return;
  }
  const auto header = config::wav_header_pcm16_mono(sample_rate, 0);
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
}

voicemail_recorder::~voicemail_recorder() {
  if (!finished_) finish();
}

bool voicemail_recorder::append(const std::int16_t* pcm, std::size_t n) {
  if (finished_ || !error_.empty() || reached_max_) return false;
  const std::int64_t max_samples = opts_.max_ms * sample_rate / 1000;
  const auto room = static_cast<std::size_t>(std::max<std::int64_t>(0, max_samples - samples_));
  const auto take = std::min(n, room);
  std::string bytes(take * 2, '\0');
  for (std::size_t i = 0; i < take; ++i) {
    const auto u = static_cast<std::uint16_t>(pcm[i]);
    bytes[2 * i] = static_cast<char>(u & 0xff);
    bytes[2 * i + 1] = static_cast<char>(u >> 8);
  }
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) {
    error_ = "cannot write " + path_ + " (disk full?)";
    return false;
  }
  samples_ += static_cast<std::int64_t>(take);
  if (take < n || samples_ >= max_samples) reached_max_ = true;
  return !reached_max_;
}

voicemail_recording voicemail_recorder::finish() {
  if (finished_) return result_;
  finished_ = true;
  result_.path = path_;
  result_.duration_ms = duration_ms();
  result_.reached_max = reached_max_;
  if (error_.empty()) {
    const auto header =
        config::wav_header_pcm16_mono(sample_rate, static_cast<std::uint32_t>(samples_ * 2));
    out_.seekp(0);
    out_.write(header.data(), static_cast<std::streamsize>(header.size()));
    out_.close();
    if (!out_) error_ = "cannot finish " + path_;
  }
  if (error_.empty()) {
    std::error_code ec;
    result_.bytes = static_cast<std::int64_t>(std::filesystem::file_size(path_, ec));
    std::string why;
    result_.sha256 = sha256_of_file(path_, why);
    if (result_.sha256.empty()) error_ = why;
  }
  result_.error = error_;
  return result_;
}

std::string voicemail_recorder::path_for(const std::string& dir, const std::string& message_id) {
  return (std::filesystem::path(dir) / events::voicemail::file_name(message_id)).string();
}

std::vector<std::int16_t> voicemail_recorder::beep(int ms, int hz) {
  const int n = ms * sample_rate / 1000;
  const int fade = 5 * sample_rate / 1000;
  std::vector<std::int16_t> out(static_cast<std::size_t>(std::max(0, n)));
  const double amplitude = 32767.0 * 0.25; // -12 dBFS
  for (int i = 0; i < n; ++i) {
    double gain = 1.0;
    if (i < fade) gain = static_cast<double>(i) / fade;
    if (n - i < fade) gain = static_cast<double>(n - i) / fade;
    out[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(
        std::lround(amplitude * gain * std::sin(2 * std::numbers::pi * hz * i / sample_rate)));
  }
  return out;
}

} // namespace hotline::drivers::sip
