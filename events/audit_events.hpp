#pragma once
/// A refused command is an audit fact too (D6): who asked what of which
/// entity, and why it was refused.
#include "events/event_type.hpp"

namespace hotline::events {

struct command_rejected {
  static constexpr std::string_view type_name = "command.rejected";
  static constexpr std::uint16_t version = 1;
  std::string target_stream; ///< the aggregate the command addressed
  std::string command;       ///< e.g. "answer_call"
  std::string code;          ///< rejection code, e.g. "not_offered"
  std::string detail;
};
HOTLINE_EVENT_FIELDS(command_rejected, target_stream, command, code, detail)

} // namespace hotline::events
