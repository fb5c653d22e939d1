// Fingerprint computation (see fingerprint.h), on xxHash's XXH3.
#include "engine/fingerprint.h"

#include <map>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <xxhash.h>

namespace nodescope::engine {

std::uint64_t line_hash(std::string_view line) {
  std::string norm;
  norm.reserve(line.size());
  bool pending_space = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      pending_space = !norm.empty();
      continue;
    }
    if (pending_space) norm.push_back(' ');
    pending_space = false;
    norm.push_back(c);
  }
  return XXH3_64bits(norm.data(), norm.size());
}

void assign_fingerprints(std::vector<Finding>& findings) {
  std::map<std::tuple<std::string_view, std::string_view, std::uint64_t>, std::uint32_t> seen;
  for (Finding& f : findings) {
    const std::uint32_t occurrence = seen[{f.rule_id, f.file, f.line_hash}]++;
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    const char zero = '\0';
    XXH3_64bits_update(state, f.rule_id.data(), f.rule_id.size());
    XXH3_64bits_update(state, &zero, 1);
    XXH3_64bits_update(state, f.file.data(), f.file.size());
    XXH3_64bits_update(state, &zero, 1);
    XXH3_64bits_update(state, &f.line_hash, sizeof f.line_hash);
    XXH3_64bits_update(state, &occurrence, sizeof occurrence);
    f.fingerprint = fmt::format("{:016x}", XXH3_64bits_digest(state));
    XXH3_freeState(state);
  }
}

}  // namespace nodescope::engine
