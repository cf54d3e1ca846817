#pragma once
/// Naming the candidates in messages about unknown keys and names:
/// "did you mean 'ring_timeout_s'?", "expected one of a, b, c".
#include <string>
#include <string_view>
#include <vector>

namespace hotline::config {

/// The candidate closest to `word` by edit distance (insertions, deletions,
/// substitutions and adjacent transpositions, case-insensitive), when it is
/// close enough to be a plausible typo: at most a third of the longer word's
/// length, and at least 1. Empty when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b, c": the candidates as a message lists them ("expected one of ...").
std::string name_list(const std::vector<std::string>& names);

} // namespace hotline::config
