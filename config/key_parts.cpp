#include "config/key_parts.hpp"

namespace hotline::config::detail {

namespace {

bool structural(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == '=' || c == '\n';
}
bool space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

class scanner {
public:
  scanner(std::string_view text, std::size_t max_parts) : t_(text), max_(max_parts) {}

  /// Runs until the end or the first overlong run; true when one was found.
  bool run() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '#') {
        while (i_ < t_.size() && t_[i_] != '\n')
          advance();
      } else if (c == '.') {
        after_dot_ = parts_ > 0;
        advance();
      } else if (space(c)) {
        advance();
      } else if (structural(c)) {
        parts_ = 0;
        after_dot_ = false;
        advance();
      } else {
        const std::size_t line = line_, column = column_, begin = i_;
        if (c == '"' || c == '\'')
          skip_string(c);
        else
          while (i_ < t_.size() && !space(t_[i_]) && !structural(t_[i_]) && t_[i_] != '.' &&
                 t_[i_] != '#' && t_[i_] != '"' && t_[i_] != '\'')
            advance();
        if (word(line, column, t_.substr(begin, i_ - begin))) return true;
      }
    }
    return false;
  }

  std::size_t line = 0, column = 0, parts = 0;
  std::string key;

private:
  /// A word: the next part of the open run after a dot, or a new run.
  bool word(std::size_t line_at, std::size_t column_at, std::string_view text) {
    if (parts_ > 0 && after_dot_) {
      ++parts_;
    } else {
      parts_ = 1;
      line = line_at;
      column = column_at;
      key.clear();
    }
    after_dot_ = false;
    if (parts_ <= 3) key += (parts_ > 1 ? "." : "") + std::string(text.substr(0, 40));
    if (parts_ <= max_) return false;
    // Count the rest of the run for the message, cheaply (words and dots only).
    parts = parts_;
    for (bool dot = false; i_ < t_.size() && !structural(t_[i_]) && t_[i_] != '#';) {
      if (t_[i_] == '.')
        dot = true;
      else if (!space(t_[i_]) && dot) {
        ++parts;
        dot = false;
      }
      advance();
    }
    key += "...";
    return true;
  }

  void skip_string(char quote) {
    const bool multi = i_ + 2 < t_.size() && t_[i_ + 1] == quote && t_[i_ + 2] == quote;
    const bool escapes = quote == '"';
    advance(multi ? 3 : 1);
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (escapes && c == '\\') {
        advance(i_ + 1 < t_.size() ? 2 : 1);
      } else if (c == quote) {
        if (!multi) {
          advance();
          return;
        }
        if (i_ + 2 < t_.size() && t_[i_ + 1] == quote && t_[i_ + 2] == quote) {
          advance(3);
          while (i_ < t_.size() && t_[i_] == quote)
            advance(); // up to two quotes may end the content
          return;
        }
        advance();
      } else if (c == '\n' && !multi) {
        return; // unterminated: toml++ reports it
      } else {
        advance();
      }
    }
  }

  void advance(std::size_t n = 1) {
    for (; n > 0 && i_ < t_.size(); --n, ++i_) {
      if (t_[i_] == '\n') {
        ++line_;
        column_ = 1;
      } else if ((static_cast<unsigned char>(t_[i_]) & 0xC0) != 0x80) {
        ++column_; // columns count characters, not UTF-8 continuation bytes
      }
    }
  }

  std::string_view t_;
  std::size_t max_;
  std::size_t i_ = 0, line_ = 1, column_ = 1;
  std::size_t parts_ = 0;
  bool after_dot_ = false;
};

} // namespace

std::optional<diagnostic> find_overlong_key(std::string_view text, const std::string& file,
                                            std::size_t max_parts) {
  scanner s(text, max_parts);
  if (!s.run()) return std::nullopt;
  diagnostic d;
  d.file = file;
  d.line = static_cast<std::uint32_t>(s.line);
  d.column = static_cast<std::uint32_t>(s.column);
  d.key = s.key;
  d.message = "a dotted key or table header of " + std::to_string(s.parts) + " parts; at most " +
              std::to_string(max_parts) + " are allowed";
  return d;
}

} // namespace hotline::config::detail
