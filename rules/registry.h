// Declarations of every rule's accessor, one per rule folder. registry.cpp lists them in id order;
// rules/new_rule.py adds a line here and there.
#pragma once

#include "nodescope/rule.h"

namespace nodescope::rules {

const Rule& security_code_injection();
const Rule& security_unvalidated_input();

}  // namespace nodescope::rules
