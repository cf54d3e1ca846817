#pragma once
/// The implicit subscription a REFER creates (RFC 3515 §2.4.4, RFC 6665),
/// as the node keeps it for a phone that asked it to transfer a call: the
/// 202, then NOTIFYs in the REFER's dialog (`Event: refer`, a
/// `message/sipfrag` body naming a status line), strictly in order with one
/// in flight at a time, the last `Subscription-State: terminated`.
///
/// Why not libre's sipevent notifier: it queues a NOTIFY while the one
/// before is unanswered and says nothing when it finally leaves, so a BYE
/// the node sent after the verdict could overtake the verdict's NOTIFY (a
/// phone then sees its call hung up before it hears that the transfer
/// worked; sipp scenarios fail on that order). This one reports when the
/// final NOTIFY is answered: `after_final` runs what waits for it (the
/// stack's hang-ups of the phone's dialogs) then — or after `patience_ms`
/// when the phone does not answer a NOTIFY, so a silent phone delays a BYE
/// by at most that.
///
/// Contract: made, used and destroyed on the SIP stack's loop only; the
/// dialog must outlive it (it takes a reference). Destroying it drops an
/// unanswered NOTIFY's transaction without running the waiting actions:
/// their owner runs them itself (`take_waiting`). No libre in this header.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct sip;
struct sip_msg;
struct sip_dialog;

namespace hotline::drivers::sip {

class refer_notifier {
public:
  /// Answers the REFER `msg` 202 Accepted and sends NOTIFY "100 Trying".
  /// Null (and `msg` answered 500) when the 202 cannot be sent.
  static std::unique_ptr<refer_notifier> accept(struct ::sip* sip, const sip_msg* msg,
                                                sip_dialog* dlg, std::uint32_t patience_ms);
  ~refer_notifier();
  refer_notifier(const refer_notifier&) = delete;
  refer_notifier& operator=(const refer_notifier&) = delete;

  /// The transfer's outcome ("SIP/2.0 200 OK"): the final NOTIFY, sent when
  /// the one before is answered. Later calls are ignored.
  void final(const std::string& status_line);
  /// The final NOTIFY has been asked for.
  bool has_final() const;
  /// Nothing more to wait for: the final NOTIFY answered, failed or given up on.
  bool settled() const;
  /// Runs `then` once settled (now, when it is).
  void after_final(std::function<void()> then);
  /// The actions still waiting (the notifier forgets them).
  std::vector<std::function<void()>> take_waiting();

  struct impl;

private:
  explicit refer_notifier(std::unique_ptr<impl> p);
  std::unique_ptr<impl> p_;
};

} // namespace hotline::drivers::sip
