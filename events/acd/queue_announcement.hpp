#pragma once
/// What a waiting caller hears at a position / expected-wait announcement
/// (the call's `call.announced`, every `announce_every_s` of its queue):
/// the names of recorded prompts to play in order, laid out as Asterisk's
/// sound packs are (Debian `asterisk-core-sounds-en-wav`:
/// `queue-thereare.wav`, `digits/7.wav`, ...), so a pack in another
/// language with the same names can be dropped in ([sip] announcements,
/// docs/telephony.md "Announcements"). Composed as app_queue does:
///
///   position 1:  queue-youarenext
///   position N:  queue-thereare, <N>, queue-callswaiting
///   EWT known:   queue-holdtime, then under a minute: queue-less-than,
///                digits/1, queue-minute; else <minutes, rounded> and
///                queue-minute / queue-minutes
///   always:      queue-thankyou
///
/// Numbers as Asterisk's English `say number`: digits/0 .. digits/20, the
/// tens digits/30 .. digits/90 followed by the unit, digits/N digits/hundred,
/// digits/N digits/thousand (up to 999,999; larger is said as 999,999).
///
/// Pure: no CAF, no I/O; the telephony actor composes, the stack plays.
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::events::acd {

/// The prompt names, in order. `position` ≥ 1 (0 or less: no position
/// part); `ewt_ms` < 0: nobody serves the queue, no wait is announced.
std::vector<std::string> queue_announcement(std::int32_t position, std::int64_t ewt_ms);

/// The prompt names that say `n` (≥ 0).
std::vector<std::string> say_number(std::int64_t n);

/// Every prompt name `queue_announcement` may use: what a prompt
/// directory must hold.
const std::vector<std::string>& announcement_prompt_names();

} // namespace hotline::events::acd
