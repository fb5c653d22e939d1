// The command line: parses flags, runs the engine, picks the reporter, writes the output and maps
// the outcome to an exit code. The only layer that touches stdout/stderr, the environment and
// output files. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/I-O error.
#pragma once

#include <ostream>

namespace nodescope::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// Runs the nodescope command line. `out` and `err` stand for stdout and stderr.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace nodescope::cli
