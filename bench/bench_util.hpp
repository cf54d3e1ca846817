#pragma once
/// Small helpers shared by the benchmarks: a wall clock, temp directories,
/// resident memory, percentiles, the machine's load.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

namespace hotline::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// A fresh directory removed on destruction (under $TMPDIR or /tmp, or `base`).
class scratch_dir {
public:
  explicit scratch_dir(std::string base = {}) {
    auto root = base.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path{base};
    std::string templ = (root / "hotline-bench-XXXXXX").string();
    if (!mkdtemp(templ.data()))
      throw std::runtime_error("cannot create a directory under " + root.string());
    path_ = templ;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

/// CPU time this process has used (all threads, user + system), seconds.
/// On a machine shared with other work it is steadier than the wall clock:
/// a single-threaded run's calls per CPU second is what it would reach alone.
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// Resident set size of this process in bytes (Linux /proc/self/statm).
inline std::uint64_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

/// The median, 99th percentile and maximum of samples (in their unit).
struct percentile_figures {
  std::size_t samples = 0;
  double p50 = 0, p99 = 0, max = 0;
};

/// Nearest-rank percentiles of `xs` (zeros when empty).
inline percentile_figures percentiles(std::vector<double> xs) {
  percentile_figures f;
  f.samples = xs.size();
  if (xs.empty()) return f;
  std::sort(xs.begin(), xs.end());
  auto at = [&](double p) {
    return xs[std::min(xs.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(xs.size())))];
  };
  f.p50 = at(0.50);
  f.p99 = at(0.99);
  f.max = xs.back();
  return f;
}

/// The machine's load averages, "1m 5m 15m" (/proc/loadavg).
inline std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string l1, l5, l15;
  in >> l1 >> l5 >> l15;
  return l1 + " " + l5 + " " + l15;
}

} // namespace hotline::bench
