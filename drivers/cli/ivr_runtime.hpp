#pragma once
/// What a node needs to run its IVR flows for real callers (docs/ivr.md
/// "Over SIP"), built once at start by the composition root:
///  - speech: espeak-ng ([ivr] tts_engine) with its cache ([ivr] tts_cache,
///    else `<store>/tts-cache`); every static text of the flows is rendered
///    ahead of time on a thread of its own (a caller who comes before it is
///    done gets the text rendered then);
///  - prompts: the resolver the telephony actor asks (a recording
///    `<prompts>/<language>/<name>.wav` first, else the spoken text; dynamic
///    texts within [ivr] dynamic_tts_budget_ms);
///  - lookups: every lookup node's source (drivers/lookup: CSV tables
///    loaded now, HTTP with the [ivr] circuit breaker), with their metrics;
///  - the caller's side: actors::telephony_ivr_media for calls named
///    `call_id_prefix`;
///  - voicemail: the messages' folder ([ivr] voicemail_dir, else
///    `<store>/voicemail`, owner-only), the beep, and where messages are
///    left: the node API's voicemail box once it runs (`use_box`), else a
///    box of its own on the same store, made at the first message.
/// A source that cannot be built (a table missing, no espeak-ng) is a
/// warning naming it: the sessions that need it take their error paths.
///
/// Lifetime: outlives the ACD (the context points into it).
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/ports/lookup.hpp"
#include "actors/telephony_actor.hpp"
#include "actors/telephony_ivr.hpp"
#include "config/configuration.hpp"
#include "drivers/api/voicemail_box.hpp"
#include "drivers/lookup/flow_lookups.hpp"
#include "drivers/tts/espeak_speech.hpp"

namespace hotline::cli {

class ivr_runtime {
public:
  /// `other`: the caller's side of sessions that are not telephony's (may be null).
  ivr_runtime(const config::configuration& cfg, ports::event_store& store,
              const std::string& store_dir, const std::string& call_id_prefix,
              const std::string& site, ports::ivr_media* other = nullptr);
  /// Waits for the ahead-of-time rendering to finish.
  ~ivr_runtime();

  actors::telephony_ivr_media& media() { return *media_; }
  actors::ivr_prompt_resolver resolver();
  ports::lookup_finder finder();
  /// Fills the telephony actor's voicemail options (empty dir: no voicemail here).
  void voicemail_options(actors::telephony_options& to);
  /// Messages are left in `box` from now on (the node API's). Null: its own.
  void use_box(drivers::api::voicemail_box* box);
  const ports::lookup_metrics& lookup_metrics() const { return metrics_; }
  /// Warnings met while building (already logged).
  const std::vector<std::string>& warnings() const { return warnings_; }

private:
  std::string site_;
  std::chrono::milliseconds budget_;
  std::unique_ptr<drivers::tts::espeak_speech> speech_;
  ports::lookup_metrics metrics_;
  drivers::lookup::flow_lookups lookups_;
  std::unique_ptr<actors::telephony_ivr_media> media_;
  std::vector<std::string> warnings_;
  std::string voicemail_dir_, beep_;
  std::int64_t voicemail_max_ms_;
  /// The box of a node without an API, made at its first message.
  drivers::api::voicemail_box* own_box();
  ports::event_store* store_ = nullptr;
  std::mutex own_box_m_;
  std::unique_ptr<drivers::api::voicemail_box> own_box_;
  std::atomic<drivers::api::voicemail_box*> box_{nullptr};
  std::thread prerender_;
};

} // namespace hotline::cli
