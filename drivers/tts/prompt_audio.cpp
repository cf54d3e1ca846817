#include "drivers/tts/prompt_audio.hpp"

#include <filesystem>

namespace hotline::drivers::tts {

namespace ivr = events::ivr;

namespace {

std::string recording_of(const std::string& prompts, const std::string& name,
                         const std::string& language) {
  if (name.empty() || prompts.empty()) return {};
  const auto file = std::filesystem::path(prompts) / language / (name + ".wav");
  std::error_code ec;
  return std::filesystem::exists(file, ec) ? file.string() : std::string{};
}

} // namespace

prompt_audio resolve_prompt(const ivr::flow& f, const ivr::prompt_ref& p,
                            const std::string& language,
                            const std::map<std::string, std::string>& vars, ports::speech& tts,
                            std::chrono::milliseconds budget) {
  if (p.empty()) return {};
  ivr::prompt_ref filled = p;
  filled.name = ivr::render(p.name, vars);
  filled.text = ivr::render(p.text, vars);
  return resolve_filled_prompt(f.prompts, filled, language, tts, budget);
}

prompt_audio resolve_filled_prompt(const std::string& prompts_dir, const ivr::prompt_ref& p,
                                   const std::string& language, ports::speech& tts,
                                   std::chrono::milliseconds budget, bool may_block) {
  prompt_audio out;
  if (p.empty()) return out;
  if (auto rec = recording_of(prompts_dir, p.name, language); !rec.empty()) {
    out.path = std::move(rec);
    return out;
  }
  if (p.text.empty()) {
    out.error = "no recording of prompt '" + p.name + "' in " + language +
                (prompts_dir.empty() ? " (the flow has no prompts directory)" : "") +
                " and no text to speak";
    return out;
  }
  out.text = p.text;
  if (!may_block) {
    out.spoken = true;
    out.path = tts.cached({out.text, language, budget});
    out.cached = !out.path.empty();
    out.pending = out.path.empty();
    return out;
  }
  auto spoken = tts.render({out.text, language, budget});
  out.spoken = true;
  out.cached = spoken.cached;
  out.path = std::move(spoken.path);
  out.error = std::move(spoken.error);
  return out;
}

bool has_text_prompts(const ivr::flow& f) {
  for (const auto& n : f.nodes)
    if (!n.prompt.text.empty() || !n.invalid_prompt.text.empty()) return true;
  return false;
}

prerender_report prerender_flow(const ivr::flow& f, ports::speech& tts) {
  prerender_report report;
  for (const auto& n : f.nodes)
    for (const auto* p : {&n.prompt, &n.invalid_prompt}) {
      if (p->text.empty() || p->text.find("${") != std::string::npos) continue;
      for (const auto& lang : f.languages) {
        if (p->name.find("${") == std::string::npos &&
            !recording_of(f.prompts, p->name, lang).empty())
          continue;
        auto r = tts.render({p->text, lang, {}});
        if (!r.ok())
          report.errors.push_back("flow " + f.id + " node " + n.id + " (" +
                                  (p == &n.prompt ? "text" : "invalid_text") + ", " + lang +
                                  "): " + r.error);
        else if (r.cached)
          ++report.cached;
        else
          ++report.rendered;
      }
    }
  return report;
}

} // namespace hotline::drivers::tts
