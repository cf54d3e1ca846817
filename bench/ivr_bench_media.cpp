// The caller side of `hotline bench ivr` (bench/ivr_bench_media.hpp): one
// thread runs every caller's timers and resolves every prompt's audio.
#include "bench/ivr_bench_media.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "drivers/tts/prompt_audio.hpp"

namespace hotline::bench {

namespace {

double ms_between(bench_ivr_media::clock::time_point a, bench_ivr_media::clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

} // namespace

bool read_first_frame(const std::string& path, std::string& why) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f{std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!f) {
    why = "cannot open " + path;
    return false;
  }
  unsigned char riff[12];
  if (std::fread(riff, 1, 12, f.get()) != 12 || std::memcmp(riff, "RIFF", 4) != 0 ||
      std::memcmp(riff + 8, "WAVE", 4) != 0) {
    why = path + ": not a WAV file";
    return false;
  }
  std::uint32_t bytes_per_second = 0;
  for (;;) {
    unsigned char chunk[8];
    if (std::fread(chunk, 1, 8, f.get()) != 8) {
      why = path + ": no data chunk";
      return false;
    }
    const auto size = le32(chunk + 4);
    if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16) {
      unsigned char fmt[16];
      if (std::fread(fmt, 1, 16, f.get()) != 16) break;
      bytes_per_second = le32(fmt + 8);
      if (std::fseek(f.get(), static_cast<long>(size - 16 + (size & 1)), SEEK_CUR) != 0) break;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (bytes_per_second == 0) {
        why = path + ": data before fmt";
        return false;
      }
      const std::size_t frame = bytes_per_second / 50; // 20 ms
      std::vector<unsigned char> buf(frame);
      if (std::fread(buf.data(), 1, frame, f.get()) != frame) {
        why = path + ": shorter than 20 ms";
        return false;
      }
      return true;
    } else if (std::fseek(f.get(), static_cast<long>(size + (size & 1)), SEEK_CUR) != 0) {
      break;
    }
  }
  why = path + ": truncated";
  return false;
}

bench_ivr_media::bench_ivr_media(ivr_caller_options opts, ports::speech& tts, script_fn script)
    : opts_(opts), tts_(tts), script_(std::move(script)) {}

bench_ivr_media::~bench_ivr_media() {
  stop_thread();
}

void bench_ivr_media::add_flow(std::shared_ptr<const events::ivr::flow> f) {
  std::lock_guard lock{m_};
  flows_[f->id] = std::move(f);
}

void bench_ivr_media::on_closed(std::function<void(const std::string&)> f) {
  std::lock_guard lock{m_};
  on_closed_ = std::move(f);
}

void bench_ivr_media::start_thread() {
  {
    std::lock_guard lock{q_m_};
    stopping_ = false;
  }
  thread_ = std::thread{[this] { run(); }};
}

void bench_ivr_media::stop_thread() {
  {
    std::lock_guard lock{q_m_};
    stopping_ = true;
    timers_ = {};
  }
  q_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void bench_ivr_media::post_at(clock::time_point at, std::function<void()> f) {
  bool wake;
  {
    std::lock_guard lock{q_m_};
    wake = timers_.empty() || at < timers_.top().at;
    timers_.push({at, ++seq_, std::move(f)});
  }
  if (wake) q_cv_.notify_one();
}

void bench_ivr_media::run() {
  std::unique_lock lock{q_m_};
  while (!stopping_) {
    if (timers_.empty()) {
      q_cv_.wait(lock);
      continue;
    }
    const auto due = timers_.top().at;
    if (clock::now() < due) {
      q_cv_.wait_until(lock, due);
      continue;
    }
    auto f = std::move(const_cast<timer&>(timers_.top()).f);
    timers_.pop();
    lock.unlock();
    f();
    lock.lock();
  }
}

ports::ivr_media_sink bench_ivr_media::sink_of(const std::string& session) {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  return it == sessions_.end() ? ports::ivr_media_sink{} : it->second.sink;
}

void bench_ivr_media::open(const ports::ivr_caller& c, ports::ivr_media_sink sink) {
  std::lock_guard lock{m_};
  auto& s = sessions_[c.session];
  s.sink = std::move(sink);
  s.flow = c.flow;
}

void bench_ivr_media::play(const std::string& session, const ports::ivr_prompt& p) {
  const auto now = clock::now();
  clock::time_point last_key;
  std::shared_ptr<const events::ivr::flow> f;
  {
    std::lock_guard lock{m_};
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    it->second.play_step = p.step;
    it->second.typing.clear();
    last_key = std::exchange(it->second.last_key, clock::time_point{});
    auto fl = flows_.find(it->second.flow);
    if (fl != flows_.end()) f = fl->second;
  }
  post_at(now, [this, session, p, f, last_key, now] { resolve(session, p, f, last_key, now); });
}

void bench_ivr_media::resolve(const std::string& session, const ports::ivr_prompt& p,
                              std::shared_ptr<const events::ivr::flow> f,
                              clock::time_point last_key, clock::time_point played) {
  std::string why;
  bool spoken = false;
  bool ok = false;
  if (!f) {
    why = "session " + session + ": its flow was not added to the bench's media side";
  } else {
    auto audio =
        drivers::tts::resolve_prompt(*f, {p.name, p.text}, p.language, {}, tts_, opts_.tts_budget);
    spoken = audio.spoken;
    if (audio.path.empty())
      why = "prompt " + p.node + " (" + p.language +
            "): " + (audio.error.empty() ? "no audio" : audio.error);
    else
      ok = read_first_frame(audio.path, why);
  }
  const auto ready = clock::now();
  {
    std::lock_guard lock{m_};
    if (last_key != clock::time_point{})
      samples_.push_back(
          {p.node, ms_between(last_key, played), ms_between(last_key, ready), spoken, ok});
    if (!ok && errors_.size() < 5 &&
        std::find(errors_.begin(), errors_.end(), why) == errors_.end())
      errors_.push_back(why);
  }
  // The caller hears it to its end (a prompt with no audio is silence: it ends at once).
  const auto step = p.step;
  post_at(ok ? ready + opts_.prompt : ready, [this, session, step] { finish(session, step); });
}

void bench_ivr_media::finish(const std::string& session, std::uint64_t step) {
  ports::ivr_media_sink sink;
  {
    std::lock_guard lock{m_};
    auto it = sessions_.find(session);
    if (it == sessions_.end() || it->second.play_step != step) return; // replaced or closed
    sink = it->second.sink;
  }
  sink(ports::ivr_prompt_finished{step});
}

void bench_ivr_media::listen(const std::string& session, const ports::ivr_listen& l) {
  {
    std::lock_guard lock{m_};
    auto it = sessions_.find(session);
    if (it == sessions_.end() || it->second.typing == l.node) return;
    it->second.typing = l.node;
  }
  auto keys = script_(session, l.node);
  if (keys.empty()) return; // silent here: the session's own timeout runs
  post_at(clock::now() + opts_.think,
          [this, session, keys = std::move(keys)] { press(session, keys, 0); });
}

void bench_ivr_media::press(const std::string& session, const std::string& keys, std::size_t i) {
  ports::ivr_media_sink sink;
  const bool last = i + 1 == keys.size();
  {
    std::lock_guard lock{m_};
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    sink = it->second.sink;
    if (last) { // stamped before the key leaves: the session may answer at once
      it->second.last_key = clock::now();
      ++entries_;
    }
  }
  sink(ports::ivr_key{keys[i]});
  if (!last)
    post_at(clock::now() + opts_.digit_gap,
            [this, session, keys, i] { press(session, keys, i + 1); });
}

void bench_ivr_media::close(const std::string& session, events::ivr_exit_way way) {
  std::function<void(const std::string&)> then;
  {
    std::lock_guard lock{m_};
    if (sessions_.erase(session) == 0) return;
    ++closed_;
    ++exits_[std::string{events::to_wire(way)}];
    then = on_closed_;
  }
  if (then) post_at(clock::now(), [then, session] { then(session); });
}

void bench_ivr_media::hang_up_all() {
  std::vector<ports::ivr_media_sink> sinks;
  {
    std::lock_guard lock{m_};
    for (auto& [id, s] : sessions_)
      sinks.push_back(s.sink);
  }
  for (auto& s : sinks)
    s(ports::ivr_caller_gone{});
}

std::size_t bench_ivr_media::open_sessions() const {
  std::lock_guard lock{m_};
  return sessions_.size();
}

std::vector<next_prompt_sample> bench_ivr_media::take_samples() {
  std::lock_guard lock{m_};
  return std::exchange(samples_, {});
}

std::uint64_t bench_ivr_media::entries() const {
  std::lock_guard lock{m_};
  return entries_;
}

std::uint64_t bench_ivr_media::closed() const {
  std::lock_guard lock{m_};
  return closed_;
}

std::map<std::string, std::uint64_t> bench_ivr_media::exits() const {
  std::lock_guard lock{m_};
  return exits_;
}

std::vector<std::string> bench_ivr_media::errors() const {
  std::lock_guard lock{m_};
  return errors_;
}

} // namespace hotline::bench
