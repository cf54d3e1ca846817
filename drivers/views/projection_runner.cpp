#include "drivers/views/projection_runner.hpp"

#include <algorithm>
#include <chrono>

namespace hotline::drivers {

using events::recorded_event;

projection_runner::projection_runner(event_store& events, view_store& views,
                                     std::vector<projections::view_projection*> projections,
                                     runner_options options)
    : events_(events),
      views_(views),
      projections_(std::move(projections)),
      positions_(projections_.size(), 0),
      changes_(projections_.size()),
      opts_(std::move(options)) {
  if (opts_.commit_every == 0) opts_.commit_every = 1;
  if (opts_.read_batch == 0) opts_.read_batch = 1;
}

projection_runner::~projection_runner() {
  if (live_) live_->stop();
}

status projection_runner::restore() {
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    auto* p = projections_[i];
    auto cp = views_.checkpoint(p->name());
    if (!cp) return cp.error();
    status failed;
    auto st = views_.scan(std::string{p->name()} + "/", [&](std::string_view k, std::string_view v) {
      failed = p->restore(k, v);
      return failed.is_ok();
    });
    if (!st) return st;
    if (!failed) return failed;
    if (auto fin = p->finish_restore(); !fin) return fin;
    positions_[i] = cp->value_or(0);
  }
  position_ = positions_.empty() ? 0 : *std::min_element(positions_.begin(), positions_.end());
  return {};
}

void projection_runner::skip(std::uint64_t position, const status& why) {
  ++stats_.skipped;
  if (stats_.skipped_details.size() < 100)
    stats_.skipped_details.push_back("position " + std::to_string(position) + ": " + why.message());
}

status projection_runner::fold(const recorded_event& e) {
  ++stats_.read;
  const bool in_window = e.meta.timestamp_ns >= opts_.from_ns && e.meta.timestamp_ns < opts_.to_ns;
  if (in_window) ++stats_.folded;
  bool skipped = false;
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    if (positions_[i] >= e.position) continue;
    if (in_window) {
      if (auto st = projections_[i]->apply(e); !st) {
        if (!opts_.skip_corrupt) return st;
        if (!skipped) skip(e.position, st);
        skipped = true;
      }
    }
    positions_[i] = e.position;
  }
  stats_.last_position = e.position;
  position_ = *std::min_element(positions_.begin(), positions_.end());
  if (++since_commit_ >= opts_.commit_every) return commit();
  return {};
}

status projection_runner::commit() {
  std::vector<view_commit> parts;
  parts.reserve(projections_.size());
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    changes_[i].clear();
    projections_[i]->collect(changes_[i]);
    parts.push_back({projections_[i]->name(), &changes_[i], positions_[i]});
  }
  since_commit_ = 0;
  ++stats_.commits;
  return views_.commit(parts);
}

events::result<run_stats> projection_runner::catch_up() {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const std::uint64_t head = events_.head_position();
  runner_progress prog;
  prog.head = head;
  std::uint64_t pos = position_.load() + 1;
  while (pos <= head) {
    auto batch = events_.read_all(pos, std::min<std::uint64_t>(opts_.read_batch, head - pos + 1));
    if (batch) {
      if (batch->empty()) break;
      for (const auto& e : *batch) {
        if (auto st = fold(e); !st) {
          (void)commit();
          return status{st.code(), "position " + std::to_string(e.position) + " (" + e.type + "): " + st.detail()};
        }
      }
      pos = batch->back().position + 1;
    } else {
      // Find the record that failed: the good ones before it are folded.
      std::uint64_t bad = pos;
      status why = batch.error();
      for (; bad <= head; ++bad) {
        auto one = events_.read_all(bad, 1);
        if (!one) {
          why = one.error();
          break;
        }
        if (one->empty()) break;
        if (auto st = fold(one->front()); !st) {
          (void)commit();
          return status{st.code(), "position " + std::to_string(bad) + ": " + st.detail()};
        }
      }
      if (!opts_.skip_corrupt) {
        (void)commit();
        return status{why.code(), "position " + std::to_string(bad) + ": " + why.detail()};
      }
      skip(bad, why);
      for (auto& p : positions_) p = std::max(p, bad);
      position_ = bad;
      stats_.last_position = bad;
      pos = bad + 1;
    }
    if (opts_.on_progress) {
      prog.position = pos - 1;
      prog.folded = stats_.folded;
      prog.skipped = stats_.skipped;
      prog.elapsed_s = std::chrono::duration<double>(clock::now() - started).count();
      opts_.on_progress(prog);
    }
  }
  if (auto st = commit(); !st) return st;
  return stats_;
}

status projection_runner::start_live() {
  if (live_) return {events::errc::invalid_argument, "the runner is already live"};
  subscription_handler h;
  h.on_event = [this](const recorded_event& e) {
    {
      std::lock_guard lock{live_mu_};
      if (!live_error_.is_ok()) return;
    }
    if (auto st = fold(e); !st) {
      std::lock_guard lock{live_mu_};
      live_error_ = status{st.code(), "position " + std::to_string(e.position) + ": " + st.detail()};
    }
  };
  h.on_state = [this](subscription_state s, const status& st) {
    if (s == subscription_state::caught_up) {
      if (auto c = commit(); !c) {
        std::lock_guard lock{live_mu_};
        if (live_error_.is_ok()) live_error_ = c;
      }
    } else if (s == subscription_state::dropped && !st.is_ok()) {
      std::lock_guard lock{live_mu_};
      if (live_error_.is_ok()) live_error_ = st;
    }
  };
  live_ = events_.subscribe_all(position_.load() + 1, std::move(h));
  return {};
}

status projection_runner::stop_live() {
  if (!live_) return {};
  live_->stop();
  live_.reset();
  auto st = commit();
  std::lock_guard lock{live_mu_};
  return live_error_.is_ok() ? st : live_error_;
}

} // namespace hotline::drivers
