#include "config/input_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hotline::config {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

struct descriptor {
  int fd;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

} // namespace

std::optional<std::string> read_input_file(const std::filesystem::path& file,
                                           std::uintmax_t max_bytes, std::string& why) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  descriptor d{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (d.fd < 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(d.fd, &st) != 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    why = "is a directory";
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    why = std::string("is not a regular file (") + kind_of(st.st_mode) + ")";
    return std::nullopt;
  }
  const auto too_big = [&](std::uintmax_t size) {
    why =
        "is " + std::to_string(size) + " bytes; at most " + std::to_string(max_bytes) + " are read";
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    too_big(static_cast<std::uintmax_t>(st.st_size));
    return std::nullopt;
  }
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t have = 0;
  char chunk[65536];
  for (;;) { // the file may have grown since fstat: read to its end, within the limit
    const ssize_t n = have < text.size() ? ::read(d.fd, text.data() + have, text.size() - have)
                                         : ::read(d.fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      why = std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    if (have < text.size()) {
      have += static_cast<std::size_t>(n);
      continue;
    }
    if (have + static_cast<std::size_t>(n) > max_bytes) {
      too_big(have + static_cast<std::size_t>(n));
      return std::nullopt;
    }
    text.append(chunk, static_cast<std::size_t>(n));
    have = text.size();
  }
  text.resize(have);
  return text;
}

} // namespace hotline::config
