// Declarations of every rule's accessor, one per rule folder. registry.cpp lists them in id order;
// rules/new_rule.py adds a line here and there.
#pragma once

#include "nodescope/rule.h"

namespace nodescope::rules {

const Rule& api_rest_conventions();
const Rule& meta_unused_suppression();
const Rule& ops_console_logging();
const Rule& ops_hardcoded_config();
const Rule& ops_missing_health_check();
const Rule& performance_query_in_loop();
const Rule& performance_sync_io_in_handler();
const Rule& reliability_no_global_error_handler();
const Rule& reliability_no_graceful_shutdown();
const Rule& reliability_no_unhandled_rejection_handler();
const Rule& reliability_unhandled_promise();
const Rule& security_code_injection();
const Rule& security_command_injection();
const Rule& security_hardcoded_secret();
const Rule& security_insecure_cookie();
const Rule& security_jwt_misuse();
const Rule& security_missing_helmet();
const Rule& security_missing_rate_limit();
const Rule& security_nosql_injection();
const Rule& security_open_redirect();
const Rule& security_path_traversal();
const Rule& security_permissive_cors();
const Rule& security_sql_injection();
const Rule& security_ssrf();
const Rule& security_unvalidated_input();
const Rule& security_weak_password_hash();
const Rule& security_weakened_helmet();
const Rule& testing_untested_route();

}  // namespace nodescope::rules
