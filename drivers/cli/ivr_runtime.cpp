#include "drivers/cli/ivr_runtime.hpp"

#include <filesystem>

#include "drivers/log/log.hpp"
#include "drivers/tts/prompt_audio.hpp"

namespace hotline::cli {

ivr_runtime::ivr_runtime(const config::configuration& cfg, const std::string& store_dir,
                         const std::string& call_id_prefix, const std::string& site,
                         ports::ivr_media* other)
    : site_(site), budget_(cfg.ivr.dynamic_tts_budget_ms) {
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

ports::lookup_finder ivr_runtime::finder() {
  return [this](const std::string& flow, const std::string& node) {
    return lookups_.find(flow, node);
  };
}

} // namespace hotline::cli
