// Model views that rules and reporters read (no tree-sitter): the route table. Field names
// mirror `nodescope routes --format json` (README "Route table").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodescope {

struct RouteMiddleware {
  std::string name;  // as written: `requireAuth`, `passport.authenticate()`, `express.json()`
  std::string kind;  // auth|validation|rate-limit|security-headers|cors|body-parser|logger|
                     // error-handler|other
  std::string file;
  std::uint32_t line = 0;
  bool conditional = false;  // registered inside an if / ternary / &&
};

struct Route {
  std::string method;  // GET, POST, ..., ALL
  std::string path;    // every mount prefix joined; unknown parts are {dynamic}
  std::string file;    // of the registration
  std::uint32_t line = 0;
  std::string framework;  // express, ...
  std::string handler;
  std::vector<RouteMiddleware> middleware;  // effective chain in order
  bool auth = false;
  bool validated = false;
  bool rate_limited = false;
  bool dynamic = false;
};

}  // namespace nodescope
