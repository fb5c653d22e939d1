// ValueFacts helpers (see values.h).
#include <algorithm>

#include "facts/values.h"

namespace nodescope::facts {

std::uint32_t ValueFacts::line_of(std::uint32_t byte) const {
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), byte);
  return static_cast<std::uint32_t>(std::max<std::ptrdiff_t>(1, it - line_starts.begin()));
}

}  // namespace nodescope::facts
