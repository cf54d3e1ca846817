#pragma once
/// The Replaces of an attended transfer (RFC 3891, RFC 5589 §7): a phone
/// that consulted a colleague on a second call completes the transfer with
/// `REFER` on its first dialog whose Refer-To carries the second dialog in
/// an escaped header, `<sip:a2@node?Replaces=CALLID%3Bto-tag%3DT%3Bfrom-tag%3DF>`.
/// This reads that header out of a Refer-To URI's header part (the text
/// after '?'). No I/O, no libre: the SIP adapter matches the result against
/// its dialogs.
#include <optional>
#include <string>
#include <string_view>

#include "events/percent_text.hpp"
#include "events/status.hpp"

namespace hotline::drivers::sip {

/// The dialog a Replaces names. Which tag is whose depends on the side that
/// wrote it (RFC 3891 §3: as the replaced dialog's far end sees it), so a
/// matcher should accept either order.
struct replaces_target {
  std::string call_id;
  std::string to_tag;
  std::string from_tag;
  bool early_only = false; ///< `early-only`: replace the dialog only while it is not answered
};

/// The Replaces among a URI's headers (`name=value` pairs joined by '&',
/// a leading '?' skipped,
/// `value` %-escaped; the header's name case-insensitive). nullopt: there
/// is none (a blind transfer). An error (invalid_argument) names what is
/// wrong: a bad %-escape, no Call-ID, no to-tag or no from-tag, an empty
/// tag, or the header twice.
events::result<std::optional<replaces_target>> parse_replaces(std::string_view uri_headers);

/// %XX escapes: the one decoder (events/percent_text.hpp).
using events::percent_decode;

} // namespace hotline::drivers::sip
