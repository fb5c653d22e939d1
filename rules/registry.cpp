// The one explicit list of rules, sorted by id (cppcheck's explicit check list). A rule exists for
// users only once it is here; tests/registry_test.cpp checks this list against the rule folders.
#include <array>

#include "registry.h"

namespace nodescope {

std::span<const Rule* const> all_rules() {
  static const std::array<const Rule*, 2> kRules = {
      &rules::security_code_injection(),
      &rules::security_unvalidated_input(),
  };
  return kRules;
}

}  // namespace nodescope
