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

/// Someone read customer data (a CRM profile, a call's history) through
/// the node API: who looked at whom, when (the envelope: its principal,
/// tenant and time). Every such read is recorded, for the auditors (D6).
struct data_read {
  static constexpr std::string_view type_name = "audit.data_read";
  static constexpr std::uint16_t version = 1;
  std::string subject_kind; ///< "customer" | "caller" | "call"
  std::string subject;      ///< the customer id, calling number or call id read
  std::string via;          ///< the API route, e.g. "GET /api/customers/{id}"
};
HOTLINE_EVENT_FIELDS(data_read, subject_kind, subject, via)

} // namespace hotline::events
