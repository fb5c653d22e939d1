// Progress indicator (see progress.h). Workers that find the lock taken skip their update: the
// indicator is advisory, and a worker never waits for the terminal.
#include "cli/progress.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace nodescope::cli {
namespace {

// Short scans finish before this and print nothing; then at most one update per interval.
constexpr std::chrono::milliseconds kDelay{500};
constexpr std::chrono::milliseconds kInterval{100};

}  // namespace

bool Progress::terminal() {
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) == 1 && (term == nullptr || std::string_view(term) != "dumb");
}

void Progress::update(std::size_t done, std::size_t total) {
  if (!enabled_) return;
  // The last file always takes the lock: the whole-program phase that follows can be long.
  std::unique_lock lock(mutex_, std::defer_lock);
  if (done == total) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return;
  }
  const auto now = Clock::now();
  if (now - start_ < kDelay || (done != total && now - last_ < kInterval)) return;
  last_ = now;
  shown_ = true;
  if (done == total) {
    err_ << fmt::format("\rnodescope: {} files read; analysing the whole program...\x1b[K", total);
  } else {
    err_ << fmt::format("\rnodescope: {}/{} files\x1b[K", done, total);
  }
  err_.flush();
}

void Progress::finish() {
  const std::lock_guard lock(mutex_);
  if (!shown_) return;
  err_ << "\r\x1b[K";
  err_.flush();
  shown_ = false;
}

}  // namespace nodescope::cli
