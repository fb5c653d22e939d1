// Per-file facts that rules may query (a view of the model, no tree-sitter): for now the module
// bindings a file creates with require/import. The backend model (module graph, routes) builds on
// these in later layers.
#pragma once

#include <string>

#include "nodescope/result.h"

namespace nodescope {

// One local name bound to something from a module:
//   const vm = require('vm')               -> {local "vm", module "vm", imported ""}
//   const { Script: S } = require('vm')    -> {local "S", module "vm", imported "Script"}
//   const S = require('vm').Script         -> {local "S", module "vm", imported "Script"}
//   import vm from 'vm'                    -> {local "vm", module "vm", imported "default"}
//   import * as vm from 'vm'               -> {local "vm", module "vm", imported "*"}
//   import { Script as S } from 'vm'       -> {local "S", module "vm", imported "Script"}
//   import vm = require('vm')              -> {local "vm", module "vm", imported ""}
// "" (the whole module.exports) and "*" / "default" of a CommonJS module are the same object for
// Node built-ins; is_module_object() says so.
struct ImportBinding {
  std::string local;
  std::string module;  // as written, e.g. "node:vm", "./routes/users"
  std::string imported;
  Range range;  // of the declaration
  bool is_module_object() const {
    return imported.empty() || imported == "*" || imported == "default";
  }
};

// The module name without a "node:" prefix, so "node:vm" and "vm" compare equal.
inline std::string_view builtin_name(std::string_view module) {
  constexpr std::string_view kPrefix = "node:";
  return module.substr(0, kPrefix.size()) == kPrefix ? module.substr(kPrefix.size()) : module;
}

}  // namespace nodescope
