#pragma once
/// The one loop every entity actor runs (STYLE.md rule 4): decide, evolve,
/// append with the expected revision, and only then the side effects.
/// `Aggregate` is one of the decider types of events/acd/deciders.hpp.
#include <functional>
#include <optional>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/entity_log.hpp"
#include "actors/protocol.hpp"
#include "events/outcome.hpp"
#include "events/variant_cast.hpp"

namespace hotline::actors {

template <class Aggregate> class shell {
public:
  using state_type = typename Aggregate::state;
  using command_type = typename Aggregate::command;
  using event_type = typename Aggregate::event;

  shell(caf::event_based_actor* self, const acd_context& ctx, std::string stream,
        state_type initial)
      : self_(self), ctx_(ctx), state_(std::move(initial)),
        log_(
            ctx.store, std::move(stream),
            [h = caf::actor_cast<caf::actor>(self)](std::function<void()> f) {
              caf::anon_send(h, deferred{std::move(f)});
            },
            [self](const events::status& st) {
              self->quit(caf::make_error(caf::sec::runtime_error, st.message()));
            }) {}

  const state_type& state() const { return state_; }
  const std::string& stream() const { return log_.stream(); }

  /// Rebuilds the state from the stored stream. A failure stops the actor.
  bool recover() {
    auto st = log_.recover([this](const events::event& e, std::int64_t at) {
      if (auto narrow = events::narrow<event_type>(e))
        state_ = Aggregate::evolve(std::move(state_), *narrow, at);
    });
    if (!st) {
      self_->quit(caf::make_error(caf::sec::runtime_error, st.message()));
      return false;
    }
    return true;
  }

  /// Decides `cmd`; when accepted, applies and appends its events and runs
  /// `then` once the store has sequenced them (entity_log.hpp: messages to
  /// the node's actors go there; what leaves the node goes through
  /// `when_durable`). A refusal is audited and returned.
  std::optional<events::rejection> exec(const command_type& cmd, std::int64_t now_ns,
                                        const std::string& command_name, const std::string& tenant,
                                        events::principal who, events::event_id correlation,
                                        std::function<void()> then = {}) {
    auto out = Aggregate::decide(cmd, state_);
    if (!out) {
      audit_rejection(ctx_, log_.stream(), command_name, out.error().code, out.error().detail,
                      tenant, who, now_ns);
      return out.error();
    }
    std::vector<events::event> wide;
    wide.reserve(out.events().size());
    for (const auto& e : out.events()) {
      state_ = Aggregate::evolve(std::move(state_), e, now_ns);
      wide.push_back(events::widen<events::event>(e));
    }
    log_.append(std::move(wide), now_ns, tenant, std::move(who), correlation, std::move(then));
    return std::nullopt;
  }

  /// Runs `f` once everything this entity appended so far is durable, on
  /// the committing thread: `f` may only send messages (see send_durable).
  void when_durable(std::function<void()> f) { log_.when_durable(std::move(f)); }

  /// Sends `xs...` to `dest` as this actor once everything it appended so
  /// far is durable: for what leaves the node (the observer, other sites).
  template <class... Ts> void send_durable(const caf::actor& dest, Ts... xs) {
    if (!dest) return;
    log_.when_durable(
        [me = caf::actor_cast<caf::actor>(self_), dest, xs...] { caf::send_as(me, dest, xs...); });
  }

  /// Every append so far is committed: recovering from the store would see it all.
  bool settled() const { return log_.settled(); }

private:
  caf::event_based_actor* self_;
  const acd_context& ctx_;
  state_type state_;
  entity_log log_;
};

inline std::int64_t ms_to_ns(std::int64_t ms) {
  return ms * 1'000'000;
}

} // namespace hotline::actors
