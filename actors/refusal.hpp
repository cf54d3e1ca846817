#pragma once
/// A refusal between actors: a queue that will not take a call
/// ("queue_full"), a trunk group with every channel busy, a queue with no
/// agent to hold for another site. It travels as a caf::error whose context
/// is the refusal code (the decider's rejection code or a rule's), and the
/// receiver reads the code back with `refusal_code`, never by searching the
/// error's rendered text.
#include <string>

#include <caf/all.hpp>

namespace hotline::actors {

/// The error that carries refusal `code`.
inline caf::error refusal(std::string code) {
  return caf::make_error(caf::sec::runtime_error, std::move(code));
}

/// The code `e` carries if it is a refusal; "" if it is another error (an
/// actor that went down, a request that timed out...).
inline std::string refusal_code(const caf::error& e) {
  if (!e) return {}; // no error (CAF's accessors need one)
  if (e.category() != caf::atom("system") ||
      e.code() != static_cast<std::uint8_t>(caf::sec::runtime_error))
    return {};
  const auto& ctx = e.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return {};
}

} // namespace hotline::actors
