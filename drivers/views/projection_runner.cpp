#include "drivers/views/projection_runner.hpp"

#include <algorithm>
#include <chrono>

#include "drivers/views/event_scan.hpp"

namespace hotline::drivers {

using events::status;

using events::recorded_event;

projection_runner::projection_runner(ports::event_store& events, view_store& views,
                                     std::vector<projections::view_projection*> projections,
                                     runner_options options)
    : events_(events), views_(views), projections_(std::move(projections)),
      positions_(projections_.size(), 0), changes_(projections_.size()), opts_(std::move(options)) {
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
    auto st =
        views_.scan(std::string{p->name()} + "/", [&](std::string_view k, std::string_view v) {
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

namespace {

/// A projection that throws on a stored record (a defect, or text it could
/// not handle) must not abort the reader: the record becomes a bad record
/// at its position, stopped at or skipped like one that does not decode.
status apply_guarded(projections::view_projection& p, const recorded_event& e) {
  try {
    return p.apply(e);
  } catch (const std::exception& ex) {
    return {events::errc::corrupt_record,
            "the " + std::string{p.name()} + " view cannot fold it: " + ex.what()};
  }
}

} // namespace

status projection_runner::fold(const recorded_event& e) {
  ++stats_.read;
  const bool in_window = e.meta.timestamp_ns >= opts_.from_ns && e.meta.timestamp_ns < opts_.to_ns;
  if (in_window) ++stats_.folded;
  bool skipped = false;
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    if (positions_[i] >= e.position) continue;
    if (in_window) {
      if (auto st = apply_guarded(*projections_[i], e); !st) {
        if (!opts_.skip_corrupt) return st;
        if (!skipped) skip(e.position, st);
        skipped = true;
      }
    }
    positions_[i] = e.position;
  }
  stats_.last_position = e.position;
  position_ =
      positions_.empty() ? e.position : *std::min_element(positions_.begin(), positions_.end());
  if (++since_commit_ >= opts_.commit_every) return commit();
  return {};
}

status projection_runner::commit() {
  if (!refused_.is_ok()) return refused_;
  std::vector<view_commit> parts;
  parts.reserve(projections_.size());
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    changes_[i].clear();
    projections_[i]->collect(changes_[i]);
    parts.push_back({projections_[i]->name(), &changes_[i], positions_[i]});
  }
  since_commit_ = 0;
  ++stats_.commits;
  auto st = views_.commit(parts);
  if (!st) refused_ = st;
  return st;
}

events::result<run_stats> projection_runner::catch_up() {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  scan_options so;
  so.from = position_.load() + 1;
  so.read_batch = opts_.read_batch;
  so.skip_corrupt = opts_.skip_corrupt;
  scan_callbacks cb;
  cb.on_event = [this](const recorded_event& e) { return fold(e); };
  cb.on_skip = [this](std::uint64_t bad, const status& why) {
    skip(bad, why);
    for (auto& p : positions_)
      p = std::max(p, bad);
    position_ = bad;
    stats_.last_position = bad;
  };
  if (opts_.on_progress)
    cb.on_batch = [&](std::uint64_t pos, std::uint64_t end) {
      runner_progress prog;
      prog.position = pos;
      prog.head = end;
      prog.folded = stats_.folded;
      prog.skipped = stats_.skipped;
      prog.elapsed_s = std::chrono::duration<double>(clock::now() - started).count();
      opts_.on_progress(prog);
    };
  auto st = scan_events(events_, so, cb);
  // Whatever was folded before an error is committed with its checkpoint.
  auto committed = commit();
  if (!st) return st;
  if (!committed) return committed;
  return stats_;
}

status projection_runner::start_live() {
  if (live_) return {events::errc::invalid_argument, "the runner is already live"};
  ports::subscription_handler h;
  h.on_event = [this](const recorded_event& e) {
    {
      std::lock_guard lock{live_mu_};
      if (!live_error_.is_ok()) return;
    }
    if (auto st = fold(e); !st) {
      std::lock_guard lock{live_mu_};
      live_error_ =
          status{st.code(), "position " + std::to_string(e.position) + ": " + st.detail()};
    }
  };
  h.on_state = [this](ports::subscription_state s, const status& st) {
    if (s == ports::subscription_state::caught_up) {
      if (auto c = commit(); !c) {
        std::lock_guard lock{live_mu_};
        if (live_error_.is_ok()) live_error_ = c;
      }
    } else if (s == ports::subscription_state::dropped && !st.is_ok()) {
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
