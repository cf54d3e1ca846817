#include "drivers/sim/simulated_ivr_callers.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include <caf/all.hpp>

#include "config/wav.hpp"
#include "drivers/sim/random.hpp"

namespace hotline::drivers::sim::detail {
/// A profile pointer as a message (local only).
struct profile_ref {
  const config::ivr_caller_profile* p = nullptr;
};
} // namespace hotline::drivers::sim::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::drivers::sim::detail::profile_ref)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_caller)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_prompt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_listen)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_media_sink)

namespace hotline::drivers::sim {

using detail::profile_ref;

namespace {

using open_atom = caf::atom_constant<caf::atom("sim_open")>;
using expect_atom = caf::atom_constant<caf::atom("sim_expect")>;
using play_atom = caf::atom_constant<caf::atom("sim_play")>;
using listen_atom = caf::atom_constant<caf::atom("sim_listen")>;
using close_atom = caf::atom_constant<caf::atom("sim_close")>;
using done_atom = caf::atom_constant<caf::atom("sim_done")>;
using key_atom = caf::atom_constant<caf::atom("sim_key")>;
using gone_atom = caf::atom_constant<caf::atom("sim_gone")>;

/// One caller in a flow.
struct caller_side {
  ports::ivr_media_sink sink;
  const config::ivr_caller_profile* profile = nullptr;
  const events::ivr::flow* flow = nullptr;
  std::uint64_t gen = 0; ///< a new prompt or a new wait: what was scheduled before is void
  bool listening = false;
  std::string listening_at; ///< the node whose keys are scheduled
};

struct side_state {
  const events::center_definition* center = nullptr;
  std::unique_ptr<rng> draws;
  std::unordered_map<std::string, const config::ivr_caller_profile*> expected;
  std::unordered_map<std::string, caller_side> sessions;
  std::map<std::string, double> recording_s; ///< WAV lengths by path
};

/// UTF-8 code points of `text`, split into CJK (U+2E80 and up) and others.
std::pair<std::size_t, std::size_t> count_chars(const std::string& text) {
  std::size_t cjk = 0, other = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = c;
    if (len == 3 && i + 2 < text.size())
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
    if (len >= 3 && cp >= 0x2E80)
      ++cjk;
    else
      ++other;
    i += len;
  }
  return {cjk, other};
}

std::optional<double> recording_length(const ports::ivr_prompt& p) {
  const auto path = std::filesystem::path(p.prompts) / p.language / (p.name + ".wav");
  std::string why;
  auto samples = config::read_wav_8k_mono(path, why);
  if (!samples) return std::nullopt;
  return static_cast<double>(samples->size()) / 8000.0;
}

std::chrono::nanoseconds after(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::max(0.0, s) * 1e9));
}

using side_actor = caf::stateful_actor<side_state>;

caf::behavior caller_sides(side_actor* self, const events::center_definition* center,
                           std::uint64_t seed) {
  self->state.center = center;
  self->state.draws = std::make_unique<rng>(seed);
  return {
      [self](expect_atom, const std::string& call_id, profile_ref p) {
        self->state.expected[call_id] = p.p;
      },
      [self](open_atom, const ports::ivr_caller& c, ports::ivr_media_sink& sink) {
        auto& st = self->state;
        auto& s = st.sessions[c.session];
        s.sink = std::move(sink);
        s.flow = st.center->find_flow(c.flow);
        if (auto it = st.expected.find(c.call_id); it != st.expected.end()) {
          s.profile = it->second;
          st.expected.erase(it);
        }
        if (!s.profile || s.profile->patience.kind == config::distribution_kind::none) return;
        const auto& d = s.profile->patience;
        double wait_s = d.mean_ms / 1000.0;
        if (d.kind == config::distribution_kind::exponential)
          wait_s = st.draws->exponential(d.mean_ms / 1000.0);
        else if (d.kind == config::distribution_kind::empirical && !d.samples_ms.empty())
          wait_s = d.samples_ms[st.draws->below(d.samples_ms.size())] / 1000.0;
        self->delayed_send(self, after(wait_s), gone_atom::value, c.session);
      },
      [self](play_atom, const std::string& session, const ports::ivr_prompt& p) {
        auto& st = self->state;
        auto it = st.sessions.find(session);
        if (it == st.sessions.end()) return;
        auto& s = it->second;
        ++s.gen;
        s.listening = false;
        double secs = 0;
        if (!p.name.empty()) {
          const auto key = p.prompts + "/" + p.language + "/" + p.name;
          auto r = st.recording_s.find(key);
          if (r == st.recording_s.end())
            r = st.recording_s.emplace(key, recording_length(p).value_or(3.0)).first;
          secs = r->second;
        } else {
          secs = prompt_seconds(p);
        }
        self->delayed_send(self, after(secs), done_atom::value, session, s.gen, p.step);
      },
      [self](done_atom, const std::string& session, std::uint64_t gen, std::uint64_t step) {
        auto it = self->state.sessions.find(session);
        if (it != self->state.sessions.end() && it->second.gen == gen)
          it->second.sink(ports::ivr_prompt_finished{step});
      },
      [self](listen_atom, const std::string& session, const ports::ivr_listen& l) {
        auto& st = self->state;
        auto it = st.sessions.find(session);
        if (it == st.sessions.end()) return;
        auto& s = it->second;
        // A wait that goes on at the same node (the keys of an entry so far)
        // keeps the keys already on their way.
        if (s.listening && s.listening_at == l.node) return;
        ++s.gen;
        s.listening = true;
        s.listening_at = l.node;
        if (!s.profile || !s.flow) return;
        std::string keys;
        if (auto c = s.profile->choices.find(l.node); c != s.profile->choices.end()) {
          double u = st.draws->uniform(), acc = 0;
          for (const auto& [key, p] : c->second) {
            acc += p;
            if (u < acc) {
              keys = key;
              break;
            }
          }
        } else if (auto d = s.profile->digits.find(l.node);
                   d != s.profile->digits.end() && !d->second.empty()) {
          keys = d->second[st.draws->below(d->second.size())];
          const auto* n = s.flow->find(l.node);
          if (n && static_cast<std::int32_t>(keys.size()) < n->max_digits) keys += n->terminator;
        }
        double t = s.profile->think_ms / 1000.0;
        for (char k : keys) {
          self->delayed_send(self, after(t), key_atom::value, session, s.gen, std::string(1, k));
          t += s.profile->key_gap_ms / 1000.0;
        }
      },
      [self](key_atom, const std::string& session, std::uint64_t gen, const std::string& key) {
        auto it = self->state.sessions.find(session);
        if (it != self->state.sessions.end() && it->second.gen == gen && key.size() == 1)
          it->second.sink(ports::ivr_key{key[0]});
      },
      [self](gone_atom, const std::string& session) {
        auto it = self->state.sessions.find(session);
        if (it != self->state.sessions.end()) it->second.sink(ports::ivr_caller_gone{});
      },
      [self](close_atom, const std::string& session) { self->state.sessions.erase(session); },
  };
}

} // namespace

struct simulated_ivr_callers::impl {
  caf::actor side;
};

simulated_ivr_callers::simulated_ivr_callers(caf::actor_system& sys,
                                             const events::center_definition& center,
                                             std::uint64_t seed)
    : impl_(std::make_unique<impl>()) {
  impl_->side = sys.spawn(caller_sides, &center, seed);
}

simulated_ivr_callers::~simulated_ivr_callers() {
  stop();
}

void simulated_ivr_callers::stop() {
  if (impl_->side) caf::anon_send_exit(impl_->side, caf::exit_reason::user_shutdown);
  impl_->side = nullptr;
}

void simulated_ivr_callers::expect(const std::string& call_id,
                                   const config::ivr_caller_profile* profile) {
  if (impl_->side) caf::anon_send(impl_->side, expect_atom::value, call_id, profile_ref{profile});
}

void simulated_ivr_callers::open(const ports::ivr_caller& c, ports::ivr_media_sink sink) {
  if (impl_->side) caf::anon_send(impl_->side, open_atom::value, c, std::move(sink));
}

void simulated_ivr_callers::play(const std::string& session, const ports::ivr_prompt& p) {
  if (impl_->side) caf::anon_send(impl_->side, play_atom::value, session, p);
}

void simulated_ivr_callers::listen(const std::string& session, const ports::ivr_listen& l) {
  if (impl_->side) caf::anon_send(impl_->side, listen_atom::value, session, l);
}

void simulated_ivr_callers::close(const std::string& session, events::ivr_exit_way) {
  if (impl_->side) caf::anon_send(impl_->side, close_atom::value, session);
}

double prompt_seconds(const ports::ivr_prompt& p) {
  if (!p.name.empty()) return recording_length(p).value_or(3.0);
  auto [cjk, other] = count_chars(p.text);
  return std::max(0.5, 0.25 * static_cast<double>(cjk) + 0.065 * static_cast<double>(other));
}

} // namespace hotline::drivers::sim
