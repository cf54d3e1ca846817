#include "drivers/tts/prompt_audio.hpp"

#include <filesystem>

namespace hotline::drivers::tts {

namespace ivr = events::ivr;

namespace {

std::string recording_of(const ivr::flow& f, const std::string& name, const std::string& language) {
  if (name.empty() || f.prompts.empty()) return {};
  const auto file = std::filesystem::path(f.prompts) / language / (name + ".wav");
  std::error_code ec;
  return std::filesystem::exists(file, ec) ? file.string() : std::string{};
}

} // namespace

prompt_audio resolve_prompt(const ivr::flow& f, const ivr::prompt_ref& p,
                            const std::string& language,
                            const std::map<std::string, std::string>& vars, ports::speech& tts,
                            std::chrono::milliseconds budget) {
  prompt_audio out;
  if (p.empty()) return out;
  const auto name = ivr::render(p.name, vars);
  if (auto rec = recording_of(f, name, language); !rec.empty()) {
    out.path = std::move(rec);
    return out;
  }
  if (p.text.empty()) {
    out.error = "no recording of prompt '" + name + "' in " + language +
                (f.prompts.empty() ? " (the flow has no prompts directory)" : "") +
                " and no text to speak";
    return out;
  }
  out.text = ivr::render(p.text, vars);
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
        if (p->name.find("${") == std::string::npos && !recording_of(f, p->name, lang).empty())
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
