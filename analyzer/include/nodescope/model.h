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

// A framework the route table found, with the version the project pins.
struct FrameworkVersion {
  std::string name;     // express, fastify, koa, hapi, nestjs
  std::string package;  // express, fastify, koa, @hapi/hapi, @nestjs/core
  std::string version;  // "4.21.2" from a lockfile, "^4.21.2" from package.json, "" if unknown
  int major = -1;       // -1 when unknown
  std::string source;   // the file the version comes from
};

}  // namespace nodescope
