#include "drivers/sip/recording_writer.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace hotline::drivers::sip {

namespace {

constexpr std::size_t header_bytes = 44;

void put_u32(unsigned char* p, std::uint32_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  p[3] = static_cast<unsigned char>(v >> 24);
}
void put_u16(unsigned char* p, std::uint16_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}

/// The canonical 44-byte header of a 2-channel, 8 kHz, 16-bit PCM WAV with `data_bytes` of audio.
void wav_header(unsigned char (&h)[header_bytes], std::uint32_t data_bytes) {
  std::memcpy(h, "RIFF", 4);
  put_u32(h + 4, 36 + data_bytes);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  put_u32(h + 16, 16);
  put_u16(h + 20, 1); // PCM
  put_u16(h + 22, 2); // stereo
  put_u32(h + 24, recording_writer::sample_rate);
  put_u32(h + 28, recording_writer::sample_rate * 2 * 2);
  put_u16(h + 32, 4);
  put_u16(h + 34, 16);
  std::memcpy(h + 36, "data", 4);
  put_u32(h + 40, data_bytes);
}

} // namespace

std::string sha256_of_file(const std::string& path, std::string& why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    why = path + ": " + std::strerror(errno);
    return {};
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  unsigned char buf[65'536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    EVP_DigestUpdate(ctx, buf, n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  if (bad) {
    why = path + ": read error";
    return {};
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

/// One recording on the writer's thread: the file, the samples not yet
/// written (positions [flushed, flushed + pending[c].size())) and the
/// silent spans.
struct recording_writer::file_state {
  std::string path;
  std::FILE* f = nullptr;
  std::string error;
  std::int64_t flushed = 0; ///< samples per channel in the file
  std::vector<std::int16_t> pending[2];
  std::int64_t end[2] = {0, 0}; ///< past the last sample placed, per channel
  std::vector<std::pair<std::int64_t, std::int64_t>> silent; ///< [from, to); to = -1: open
  std::int64_t late_frames = 0;
};

recording_writer::recording_writer(recording_writer_options opts, done_fn done)
    : opts_(opts), done_(std::move(done)) {
  queue_.reserve(256);
  thread_ = std::thread([this] { run(); });
}

recording_writer::~recording_writer() {
  {
    std::lock_guard lock{m_};
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void recording_writer::push_control(item it) {
  {
    std::lock_guard lock{m_};
    if (it.k == kind::open) ++open_;
    queue_.push_back(std::move(it));
  }
  cv_.notify_one();
}

void recording_writer::open(std::uint64_t id, std::string path) {
  item it;
  it.k = kind::open;
  it.id = id;
  it.path = std::move(path);
  push_control(std::move(it));
}

bool recording_writer::write(std::uint64_t id, int channel, std::int64_t at,
                             const std::int16_t* pcm, std::size_t n) {
  n = std::min(n, frame_samples);
  std::lock_guard lock{m_};
  if (queued_frames_ >= opts_.max_queued_frames) {
    ++dropped_[id];
    return false;
  }
  // Frames are not announced: the writer picks them up within its poll
  // period (no wake-up per 20 ms packet on the media thread).
  auto& it = queue_.emplace_back();
  it.k = kind::frame;
  it.id = id;
  it.channel = channel == 0 ? 0 : 1;
  it.at = at;
  it.n = static_cast<std::uint16_t>(n);
  std::memcpy(it.pcm, pcm, n * sizeof(std::int16_t));
  ++queued_frames_;
  return true;
}

void recording_writer::pause(std::uint64_t id, std::int64_t at) {
  item it;
  it.k = kind::pause;
  it.id = id;
  it.at = at;
  push_control(std::move(it));
}

void recording_writer::resume(std::uint64_t id, std::int64_t at) {
  item it;
  it.k = kind::resume;
  it.id = id;
  it.at = at;
  push_control(std::move(it));
}

void recording_writer::close(std::uint64_t id) {
  item it;
  it.k = kind::close;
  it.id = id;
  push_control(std::move(it));
}

std::size_t recording_writer::open_count() const {
  std::lock_guard lock{m_};
  return open_;
}

void recording_writer::run() {
  std::vector<item> batch;
  batch.reserve(256);
  for (;;) {
    bool stop = false;
    {
      std::unique_lock lock{m_};
      cv_.wait_for(lock, std::chrono::milliseconds(50),
                   [this] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);
      queued_frames_ = 0;
      stop = stopping_;
    }
    for (auto& it : batch)
      handle(it);
    batch.clear();
    if (stop) {
      // Everything queued before the destructor ran is handled; close the rest.
      std::unique_lock lock{m_};
      if (!queue_.empty()) continue;
      lock.unlock();
      while (!files_.empty()) {
        auto id = files_.begin()->first;
        item it;
        it.k = kind::close;
        it.id = id;
        handle(it);
      }
      return;
    }
  }
}

void recording_writer::handle(item& it) {
  if (it.k == kind::open) {
    auto f = std::make_unique<file_state>();
    f->path = it.path;
    f->f = std::fopen(f->path.c_str(), "wb");
    if (!f->f) {
      f->error = f->path + ": " + std::strerror(errno);
    } else {
      unsigned char h[header_bytes];
      wav_header(h, 0); // sizes set at close
      if (std::fwrite(h, 1, sizeof h, f->f) != sizeof h) f->error = f->path + ": write error";
    }
    files_[it.id] = std::move(f);
    return;
  }
  auto found = files_.find(it.id);
  if (found == files_.end()) return;
  auto& f = *found->second;
  switch (it.k) {
  case kind::frame:
    place(f, it.channel, it.at, it.pcm, it.n);
    // Write what both channels are past, a window behind the later one.
    if (const auto upto = std::max(f.end[0], f.end[1]) - opts_.reorder_window_samples;
        upto - f.flushed >= sample_rate)
      flush(f, upto);
    return;
  case kind::pause:
    if (f.silent.empty() || f.silent.back().second >= 0) {
      const auto from = std::max(it.at, f.flushed);
      f.silent.emplace_back(from, -1);
      for (auto& buf : f.pending) // frames placed already past the pause
        if (static_cast<std::int64_t>(buf.size()) > from - f.flushed)
          std::fill(buf.begin() + static_cast<std::ptrdiff_t>(from - f.flushed), buf.end(), 0);
    }
    return;
  case kind::resume:
    if (!f.silent.empty() && f.silent.back().second < 0)
      f.silent.back().second = std::max(it.at, f.silent.back().first);
    return;
  case kind::close:
    finish(it.id, f);
    files_.erase(found);
    return;
  case kind::open:
    return;
  }
}

void recording_writer::place(file_state& f, int channel, std::int64_t at, const std::int16_t* pcm,
                             std::size_t n) {
  std::int64_t from = at;
  std::size_t skip = 0;
  if (from < f.flushed) { // late: its time is in the file already
    const auto behind = static_cast<std::size_t>(f.flushed - from);
    if (behind >= n) {
      ++f.late_frames;
      return;
    }
    skip = behind;
    from = f.flushed;
  }
  auto& buf = f.pending[channel];
  const auto offset = static_cast<std::size_t>(from - f.flushed);
  const auto count = n - skip;
  if (buf.size() < offset + count) buf.resize(offset + count, 0);
  std::copy(pcm + skip, pcm + n, buf.begin() + static_cast<std::ptrdiff_t>(offset));
  // Paused spans stay silent whatever was said.
  for (const auto& [s_from, s_to] : f.silent) {
    const std::int64_t lo = std::max(s_from, from);
    const std::int64_t hi = s_to < 0 ? from + static_cast<std::int64_t>(count)
                                     : std::min(s_to, from + static_cast<std::int64_t>(count));
    for (std::int64_t p = lo; p < hi; ++p)
      buf[static_cast<std::size_t>(p - f.flushed)] = 0;
  }
  f.end[channel] = std::max(f.end[channel], from + static_cast<std::int64_t>(count));
}

void recording_writer::flush(file_state& f, std::int64_t upto) {
  if (upto <= f.flushed) return;
  const auto n = static_cast<std::size_t>(upto - f.flushed);
  if (f.f && f.error.empty()) {
    std::vector<std::int16_t> frames(n * 2, 0);
    for (int c = 0; c < 2; ++c) {
      const auto have = std::min(n, f.pending[c].size());
      for (std::size_t i = 0; i < have; ++i)
        frames[i * 2 + static_cast<std::size_t>(c)] = f.pending[c][i];
    }
    // WAV is little-endian, like every machine this runs on (x86-64, arm64).
    if (std::fwrite(frames.data(), sizeof(std::int16_t), frames.size(), f.f) != frames.size())
      f.error = f.path + ": write error (" + std::strerror(errno) + ")";
  }
  for (auto& buf : f.pending)
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(n, buf.size())));
  f.flushed = upto;
}

void recording_writer::finish(std::uint64_t id, file_state& f) {
  flush(f, std::max(f.end[0], f.end[1]));
  recording_result r;
  r.id = id;
  r.path = f.path;
  r.duration_ms = f.flushed * 1000 / sample_rate;
  if (f.f) {
    if (f.error.empty()) {
      unsigned char h[header_bytes];
      wav_header(h, static_cast<std::uint32_t>(f.flushed * 4));
      if (std::fseek(f.f, 0, SEEK_SET) != 0 || std::fwrite(h, 1, sizeof h, f.f) != sizeof h)
        f.error = f.path + ": cannot finish the header";
    }
    if (std::fclose(f.f) != 0 && f.error.empty()) f.error = f.path + ": " + std::strerror(errno);
    f.f = nullptr;
  }
  r.error = f.error;
  if (r.error.empty()) {
    r.bytes = static_cast<std::int64_t>(header_bytes) + f.flushed * 4;
    r.sha256 = sha256_of_file(f.path, r.error);
  }
  {
    std::lock_guard lock{m_};
    if (auto d = dropped_.find(id); d != dropped_.end()) {
      r.dropped_frames = d->second;
      dropped_.erase(d);
    }
    if (open_ > 0) --open_;
  }
  r.dropped_frames += f.late_frames;
  if (done_) done_(std::move(r));
}

} // namespace hotline::drivers::sip
