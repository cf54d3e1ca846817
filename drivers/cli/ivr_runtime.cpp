#include "drivers/cli/ivr_runtime.hpp"

#include <chrono>
#include <filesystem>

#include "config/wav.hpp"
#include "drivers/log/log.hpp"
#include "drivers/sip/voicemail_recorder.hpp"
#include "drivers/tts/prompt_audio.hpp"

namespace hotline::cli {

ivr_runtime::ivr_runtime(const config::configuration& cfg, ports::event_store& store,
                         const std::string& store_dir, const std::string& call_id_prefix,
                         const std::string& site, ports::ivr_media* other)
    : site_(site), budget_(cfg.ivr.dynamic_tts_budget_ms),
      voicemail_max_ms_(cfg.ivr.voicemail_max_ms) {
  // Voicemail: the folder (personal data: the node's user only), the beep, a box.
  {
    voicemail_dir_ = cfg.ivr.voicemail_dir.empty()
                         ? (std::filesystem::path(store_dir) / "voicemail").string()
                         : cfg.ivr.voicemail_dir;
    std::error_code ec;
    std::filesystem::create_directories(voicemail_dir_, ec);
    std::string why;
    if (!ec) std::filesystem::permissions(voicemail_dir_, std::filesystem::perms::owner_all, ec);
    if (ec) {
      warnings_.push_back("voicemail directory " + voicemail_dir_ + ": " + ec.message() +
                          ": no messages are taken");
      voicemail_dir_.clear();
    } else if (beep_ = voicemail_dir_ + "/beep.wav";
               !config::write_wav_pcm16_mono(beep_, drivers::sip::voicemail_recorder::sample_rate,
                                             drivers::sip::voicemail_recorder::beep(), why)) {
      warnings_.push_back(why + ": no messages are taken");
      voicemail_dir_.clear();
    }
    store_ = &store;
  }
  const auto& flows = cfg.center.flows;
  drivers::tts::espeak_options so;
  so.program = cfg.ivr.tts_engine;
  so.cache_dir = cfg.ivr.tts_cache.empty() ? std::filesystem::path(store_dir) / "tts-cache"
                                           : std::filesystem::path(cfg.ivr.tts_cache);
  so.timeout = std::chrono::milliseconds(cfg.ivr.tts_timeout_ms);
  speech_ = std::make_unique<drivers::tts::espeak_speech>(so);
  drivers::lookup::breaker_options bo;
  bo.failures = cfg.ivr.lookup_breaker_failures;
  bo.open_for_ns = cfg.ivr.lookup_breaker_open_ms * 1'000'000;
  lookups_ = drivers::lookup::flow_lookups::build(flows, bo, &metrics_, warnings_);
  media_ = std::make_unique<actors::telephony_ivr_media>(call_id_prefix, other);
  bool speaks = false;
  for (const auto& f : flows)
    speaks = speaks || drivers::tts::has_text_prompts(f);
  if (speaks && !drivers::tts::program_available(so.program))
    warnings_.push_back("[ivr] tts_engine '" + so.program +
                        "' is not installed (Debian espeak-ng): text prompts are skipped");
  for (const auto& w : warnings_)
    drivers::log::warning("ivr", w, site_);
  if (!speaks || !drivers::tts::program_available(so.program) || flows.empty()) return;
  prerender_ = std::thread([this, flows] {
    int rendered = 0, cached = 0;
    for (const auto& f : flows) {
      auto r = drivers::tts::prerender_flow(f, *speech_);
      rendered += r.rendered;
      cached += r.cached;
      for (const auto& e : r.errors)
        drivers::log::warning("ivr", e, site_);
    }
    drivers::log::info("ivr",
                       "prompts spoken ahead of time: " + std::to_string(rendered) + " rendered, " +
                           std::to_string(cached) + " from the cache",
                       site_);
  });
}

ivr_runtime::~ivr_runtime() {
  if (prerender_.joinable()) prerender_.join();
}

actors::ivr_prompt_resolver ivr_runtime::resolver() {
  return [speech = speech_.get(), budget = budget_](const ports::ivr_prompt& p,
                                                    bool may_block) -> actors::ivr_audio {
    auto r = drivers::tts::resolve_filled_prompt(p.prompts, {p.name, p.text}, p.language, *speech,
                                                 budget, may_block);
    return {std::move(r.path), std::move(r.error), r.pending};
  };
}

void ivr_runtime::voicemail_options(actors::telephony_options& to) {
  to.voicemail_dir = voicemail_dir_;
  to.voicemail_beep = beep_;
  to.voicemail_max_ms = voicemail_max_ms_;
  to.leave_voicemail = [this](const actors::voicemail_message& m) -> std::string {
    events::voicemail::leave cmd{m.call_id, m.caller,      m.mailbox, m.tenant,
                                 m.path,    m.duration_ms, m.sha256};
    auto* box = box_.load();
    if (!box) box = own_box();
    if (!box) return std::string{"no voicemail box"};
    auto r = box->execute(m.message_id, cmd, events::principal::system("voicemail"),
                          std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
    if (const auto* no = std::get_if<events::rejection>(&r)) return no->code + ": " + no->detail;
    drivers::log::info("ivr",
                       "voicemail " + m.message_id + " left for " + m.mailbox + " (" +
                           std::to_string(m.duration_ms) + " ms)",
                       site_);
    return {};
  };
}

void ivr_runtime::use_box(drivers::api::voicemail_box* box) {
  box_ = box;
}

drivers::api::voicemail_box* ivr_runtime::own_box() {
  // Only a node without an API needs one: the API's box folds the same
  // streams, so it is not built (and the store not read again) at start.
  std::lock_guard lock{own_box_m_};
  if (!own_box_) {
    own_box_ = std::make_unique<drivers::api::voicemail_box>(*store_, site_);
    if (auto st = own_box_->recover(); !st)
      drivers::log::warning("ivr", "voicemail: " + st.message(), site_);
  }
  return own_box_.get();
}

ports::lookup_finder ivr_runtime::finder() {
  return [this](const std::string& flow, const std::string& node) {
    return lookups_.find(flow, node);
  };
}

} // namespace hotline::cli
