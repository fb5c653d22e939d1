// The one explicit list of rules, sorted by id (cppcheck's explicit check list). A rule exists for
// users only once it is here; tests/registry_test.cpp checks this list against the rule folders.
#include <array>

#include "registry.h"

namespace nodescope {

std::span<const Rule* const> all_rules() {
  // One rule per line, sorted by id (the registry test checks the order): keep it that way.
  // clang-format off
  static const auto kRules = std::to_array<const Rule*>({
      &rules::api_rest_conventions(),
      &rules::meta_unused_suppression(),
      &rules::ops_console_logging(),
      &rules::ops_hardcoded_config(),
      &rules::ops_missing_health_check(),
      &rules::performance_query_in_loop(),
      &rules::performance_sync_io_in_handler(),
      &rules::reliability_no_global_error_handler(),
      &rules::reliability_no_graceful_shutdown(),
      &rules::reliability_no_unhandled_rejection_handler(),
      &rules::reliability_unhandled_promise(),
      &rules::security_code_injection(),
      &rules::security_command_injection(),
      &rules::security_hardcoded_secret(),
      &rules::security_insecure_cookie(),
      &rules::security_jwt_misuse(),
      &rules::security_missing_helmet(),
      &rules::security_missing_rate_limit(),
      &rules::security_nosql_injection(),
      &rules::security_open_redirect(),
      &rules::security_path_traversal(),
      &rules::security_permissive_cors(),
      &rules::security_sql_injection(),
      &rules::security_ssrf(),
      &rules::security_unvalidated_input(),
      &rules::security_weak_password_hash(),
      &rules::security_weakened_helmet(),
      &rules::testing_untested_route(),
  });
  // clang-format on
  return kRules;
}

}  // namespace nodescope
