// The progress indicator of long scans: "nodescope: 1200/4800 files" on stderr, rewritten in
// place, only when stderr is a terminal (never in pipes, files or CI logs) and not --quiet, and
// only once a scan has run for a while, so short scans print nothing. Erased before the report.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>

namespace nodescope::cli {

class Progress {
 public:
  // `enabled`: stderr is a terminal and the user did not ask for quiet.
  Progress(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // True when stderr is a terminal (and TERM is not "dumb").
  static bool terminal();

  bool enabled() const { return enabled_; }
  // Called from the engine's worker threads after each file; thread-safe and cheap.
  void update(std::size_t done, std::size_t total);
  // Erases the indicator (before anything else is printed).
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool enabled_;
  std::mutex mutex_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  bool shown_ = false;
};

}  // namespace nodescope::cli
