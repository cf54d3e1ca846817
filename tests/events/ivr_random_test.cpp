// Invariants of IVR sessions over random flows and random callers (seeded,
// reproducible): every flow the checks accept lets every session end —
// once the caller stops pressing keys, within a bound set by the flow's
// size — with exactly one ivr.exited, last; and replaying a session's
// events always rebuilds its state.
#include "tests/events/ivr_support.hpp"

#include <random>

#include "events/ivr/flow_check.hpp"

using namespace hotline::testing::ivr;

namespace {

/// A random flow of `n` nodes whose silent edges point forward (so the
/// check accepts it: the generator is tested by asserting that) while the
/// caller's choices may point anywhere, loops included.
std::shared_ptr<const flow> random_flow(std::mt19937& rng, int n) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto id = [](int i) { return "n" + std::to_string(i); };
  const int exits = 2;
  std::vector<node> nodes;
  for (int i = 0; i < n - exits; ++i) {
    auto forward = [&] { return id(pick(i + 1, n - 1)); };
    auto anywhere = [&] { return id(pick(0, n - 1)); };
    node x;
    switch (pick(0, 6)) {
    case 0:
      x = play(id(i), "p" + std::to_string(i), forward());
      break;
    case 1: {
      x = menu(id(i), {{"1", anywhere()}, {"2", anywhere()}, {"#", anywhere()}},
               pick(0, 1) ? forward() : std::string{});
      x.retries = pick(0, 3);
      break;
    }
    case 2: {
      x = collect(id(i), "v" + std::to_string(i), anywhere(), pick(0, 1) ? forward() : "");
      x.min_digits = pick(1, 3);
      x.max_digits = pick(x.min_digits, 5);
      x.validation = pick(0, 2) == 0 ? validation_kind::luhn : validation_kind::none;
      x.retries = pick(0, 2);
      break;
    }
    case 3: {
      x = make(id(i), node_kind::language);
      x.prompt.name = "lang";
      x.choices = {{"1", "zh"}, {"2", "en"}};
      x.next = forward();
      break;
    }
    case 4: {
      x = make(id(i), node_kind::lookup);
      x.key = "${caller}";
      x.fields = {{"status", "status" + std::to_string(i)}};
      x.next = forward();
      if (pick(0, 1)) x.not_found = forward();
      if (pick(0, 1)) x.on_failure = forward();
      break;
    }
    case 5: {
      x = make(id(i), node_kind::branch);
      x.cases = {{"vip", branch_case::test::equals, {"true"}, true, forward()},
                 {"language", branch_case::test::one_of, {"en"}, true, forward()}};
      x.otherwise = forward();
      break;
    }
    default: {
      x = make(id(i), node_kind::hours);
      x.week = {{0, 540, 1080}, {1, 540, 1080}};
      x.open = forward();
      x.closed = forward();
      break;
    }
    }
    nodes.push_back(std::move(x));
  }
  nodes.push_back(exit_to(id(n - 2), node_kind::queue, "q"));
  nodes.push_back(exit_to(id(n - 1), node_kind::hangup));
  return make_flow(std::move(nodes));
}

/// A random caller's command for what the session waits for (or a stray one).
command random_command(std::mt19937& rng, const state& s) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  static const std::string keys = "0123456789*#";
  const auto a = pending(s);
  switch (pick(0, 9)) {
  case 0:
  case 1:
  case 2:
  case 3:
    return digit{keys[static_cast<std::size_t>(pick(0, 11))], 0};
  case 4:
    return timeout{s.step - static_cast<std::uint64_t>(pick(0, 1)), 0}; // sometimes stale
  case 5:
  case 6:
    return prompt_done{a.step, 0};
  case 7:
  case 8: {
    lookup_result r;
    r.step = a.step;
    r.ok = pick(0, 4) != 0;
    r.found = pick(0, 1) == 1;
    r.row = {{"status", "shipped"}};
    return r;
  }
  default:
    return timeout{a.step, 0};
  }
}

/// What a silent caller's world answers: the prompt ends, the timer runs
/// out, the lookup answers (found or not, or fails).
command silent_answer(std::mt19937& rng, const state& s) {
  const auto a = pending(s);
  switch (a.what) {
  case action::kind::play:
    return prompt_done{a.step, 0};
  case action::kind::lookup: {
    lookup_result r;
    r.step = a.step;
    r.ok = rng() % 3 != 0;
    r.found = rng() % 2 == 0;
    return r;
  }
  default:
    return timeout{a.step, 0};
  }
}

} // namespace

TEST_CASE("ivr random: every session over random accepted flows ends, once, within a bound") {
  std::mt19937 rng{20261206};
  int sessions = 0, ended_by_caller = 0;
  for (int flow_no = 0; flow_no < 150; ++flow_no) {
    const int n = std::uniform_int_distribution<int>(3, 14)(rng);
    auto f = random_flow(rng, n);
    auto problems = check_flow(*f);
    for (const auto& p : problems)
      REQUIRE_MESSAGE(!p.error, "flow " << flow_no << ": " << p.key << ": " << p.message);
    for (int caller = 0; caller < 20; ++caller) {
      ++sessions;
      CAPTURE(flow_no);
      CAPTURE(caller);
      state s = initial_state(f);
      std::vector<event> history;
      const auto apply = [&](const command& c) {
        auto out = decide(c, s);
        if (!out) return; // refusals leave the state as it is
        for (const auto& e : out.events()) {
          REQUIRE_FALSE(is_terminal(s)); // nothing after the end
          s = evolve(std::move(s), e);
          history.push_back(e);
        }
      };
      hotline::events::ivr::enter in;
      in.session_id = "s";
      in.caller = "138";
      in.vip = rng() % 2 == 0;
      in.weekday = static_cast<std::int32_t>(rng() % 7);
      in.minute_of_day = static_cast<std::int32_t>(rng() % 1440);
      apply(in);
      // The caller presses, waits and hears for a while...
      const int pressing = std::uniform_int_distribution<int>(0, 60)(rng);
      for (int k = 0; k < pressing && !is_terminal(s); ++k)
        apply(random_command(rng, s));
      if (is_terminal(s)) ++ended_by_caller;
      // ...then goes silent: each node may take its tries (a prompt and a
      // timeout each, an invalid prompt before), and one entry already
      // typed may still complete once.
      const int bound = 2 * n * (2 * (3 + 1) + 2) + 4;
      int steps = 0;
      while (!is_terminal(s) && steps < bound) {
        apply(silent_answer(rng, s));
        ++steps;
      }
      REQUIRE_MESSAGE(is_terminal(s),
                      "session still at " << s.node << " after " << bound << " silent steps");
      int exits = 0;
      for (const auto& e : history)
        exits += std::holds_alternative<ivr_exited>(e) ? 1 : 0;
      CHECK(exits == 1);
      CHECK(std::holds_alternative<ivr_exited>(history.back()));
      state replay = initial_state(f);
      for (const auto& e : history)
        replay = evolve(std::move(replay), e);
      CHECK(replay == s);
    }
  }
  CHECK(sessions == 3000);
  CHECK(ended_by_caller > 0); // the random callers did reach exits by themselves too
}
