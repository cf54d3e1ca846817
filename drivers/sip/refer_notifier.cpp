// A REFER's implicit subscription, NOTIFYs in order (refer_notifier.hpp).
#include "drivers/sip/refer_notifier.hpp"

#include <cstdio>
#include <utility>

// libre's headers want the platform's bool and integer types announced
// (its own build passes these as -D flags).
#define HAVE_STDBOOL_H 1
#define HAVE_INTTYPES_H 1
#include <re.h>

namespace hotline::drivers::sip {

namespace {
constexpr std::uint32_t expires_s = 60; ///< how long the subscription lasts unrefreshed
} // namespace

struct refer_notifier::impl {
  struct ::sip* sip = nullptr;
  sip_dialog* dlg = nullptr;
  struct sip_request* req = nullptr; ///< the NOTIFY in flight
  std::uint32_t patience_ms = 2'000;
  tmr patience{};
  std::string final_line; ///< the verdict, waiting while `req` is in flight
  bool final_asked = false;
  bool final_sent = false;
  bool settled = false;
  std::vector<std::function<void()>> waiting;

  ~impl() {
    tmr_cancel(&patience);
    req = static_cast<struct sip_request*>(mem_deref(req)); // cancels it: no handler runs
    dlg = static_cast<sip_dialog*>(mem_deref(dlg));
  }

  int send(const std::string& line, bool last) {
    const std::string body = line + "\r\n";
    char state[48];
    if (last)
      std::snprintf(state, sizeof state, "terminated;reason=noresource");
    else
      std::snprintf(state, sizeof state, "active;expires=%u", expires_s);
    return sip_drequestf(&req, sip, true, "NOTIFY", dlg, 0, nullptr, on_send, on_response, this,
                         "Event: refer\r\n"
                         "Subscription-State: %s\r\n"
                         "Content-Type: message/sipfrag\r\n"
                         "Content-Length: %zu\r\n"
                         "\r\n"
                         "%s",
                         state, body.size(), body.c_str());
  }

  void send_final() {
    final_sent = true;
    if (send(final_line, true) != 0) settle(); // nothing will answer: do not wait
  }

  void settle() {
    if (settled) return;
    settled = true;
    tmr_cancel(&patience);
    auto run = std::exchange(waiting, {});
    for (auto& f : run)
      f();
  }

  static int on_send(enum sip_transp tp, const sa* src, const sa*, mbuf* mb, void*) {
    sip_contact contact;
    sip_contact_set(&contact, "hotline", src, tp);
    return mbuf_printf(mb, "%H", sip_contact_print, &contact);
  }

  static void on_response(int err, const sip_msg* msg, void* arg) {
    auto* p = static_cast<impl*>(arg);
    if (!err && msg && msg->scode < 200) return; // provisional: the final response follows
    // libre has cleared `req` already. Any final answer (an error too: the
    // phone has no subscription left to hear more) lets the next one go.
    if (p->final_sent) return p->settle();
    if (p->final_asked) p->send_final();
  }

  static void on_patience(void* arg) { static_cast<impl*>(arg)->settle(); }
};

std::unique_ptr<refer_notifier> refer_notifier::accept(struct ::sip* sip, const sip_msg* msg,
                                                       sip_dialog* dlg, std::uint32_t patience_ms) {
  sip_contact contact;
  sip_contact_set(&contact, "hotline", &msg->dst, msg->tp);
  if (sip_treplyf(nullptr, nullptr, sip, msg, true, 202, "Accepted",
                  "%H"
                  "Content-Length: 0\r\n"
                  "\r\n",
                  sip_contact_print, &contact) != 0) {
    (void)sip_reply(sip, msg, 500, "Server Internal Error");
    return nullptr;
  }
  auto p = std::make_unique<impl>();
  p->sip = sip;
  p->dlg = static_cast<sip_dialog*>(mem_ref(dlg));
  p->patience_ms = patience_ms;
  tmr_init(&p->patience);
  std::unique_ptr<refer_notifier> n{new refer_notifier(std::move(p))};
  // RFC 6665 §4.2.1.2: a NOTIFY at once. If it cannot leave, the verdict
  // goes without waiting for its answer.
  (void)n->p_->send("SIP/2.0 100 Trying", false);
  return n;
}

refer_notifier::refer_notifier(std::unique_ptr<impl> p) : p_(std::move(p)) {}
refer_notifier::~refer_notifier() = default;

bool refer_notifier::has_final() const {
  return p_->final_asked;
}
bool refer_notifier::settled() const {
  return p_->settled;
}

void refer_notifier::final(const std::string& status_line) {
  if (p_->final_asked) return;
  p_->final_asked = true;
  p_->final_line = status_line;
  tmr_start(&p_->patience, p_->patience_ms, impl::on_patience, p_.get());
  if (!p_->req) p_->send_final(); // else when the NOTIFY in flight is answered
}

void refer_notifier::after_final(std::function<void()> then) {
  if (p_->settled) return then();
  p_->waiting.push_back(std::move(then));
}

std::vector<std::function<void()>> refer_notifier::take_waiting() {
  return std::exchange(p_->waiting, {});
}

} // namespace hotline::drivers::sip
