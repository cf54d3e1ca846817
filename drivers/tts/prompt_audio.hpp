#pragma once
/// Which audio file plays for a flow's prompt in a language (docs/ivr.md
/// "Speech"): the recording `<prompts>/<language>/<name>.wav` when the
/// prompt names one and the file is there (recorded prompts override
/// TTS), else its `text` with the session's `${variables}` filled, spoken
/// through the speech port.
///
/// `prerender_flow` renders every static text (no `${...}`) of a flow in
/// each of its languages ahead of time, when the node starts, so a caller
/// never waits for those; dynamic texts are rendered at run time within
/// the caller's budget.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "actors/ports/speech.hpp"
#include "events/ivr/flow.hpp"

namespace hotline::drivers::tts {

struct prompt_audio {
  std::string path;    ///< the WAV to play; empty on error (or for an empty prompt)
  bool spoken = false; ///< rendered by TTS (not a recording)
  bool cached = false; ///< spoken: from the cache
  std::string text;    ///< spoken: the text as filled in
  std::string error;   ///< why there is nothing to play
  /// Only with may_block false: the text must be spoken first (call again
  /// with may_block true, on a worker).
  bool pending = false;
};

/// A prompt whose name and text are already filled in (what an IVR
/// session asks its media side to play, ports::ivr_prompt): the recording
/// `<prompts_dir>/<language>/<name>.wav` when there, else the text spoken.
/// With `may_block` false it never runs the engine: a text not in the
/// speech cache comes back `pending`.
prompt_audio resolve_filled_prompt(const std::string& prompts_dir, const events::ivr::prompt_ref& p,
                                   const std::string& language, ports::speech& tts,
                                   std::chrono::milliseconds budget, bool may_block = true);

/// REQUIRES: `language` is one of the flow's (the session's `language`).
prompt_audio resolve_prompt(const events::ivr::flow& f, const events::ivr::prompt_ref& p,
                            const std::string& language,
                            const std::map<std::string, std::string>& vars, ports::speech& tts,
                            std::chrono::milliseconds budget);

/// True when some node of `f` has a text to speak.
bool has_text_prompts(const events::ivr::flow& f);

struct prerender_report {
  int rendered = 0;                ///< texts the engine spoke now
  int cached = 0;                  ///< already in the cache
  std::vector<std::string> errors; ///< "flow F node N (text, en): why"
};

/// Every static text prompt of `f`, in each language, whose recording is
/// not there.
prerender_report prerender_flow(const events::ivr::flow& f, ports::speech& tts);

} // namespace hotline::drivers::tts
