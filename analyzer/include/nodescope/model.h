// Model views that rules and reporters read (no tree-sitter): the route table. Field names
// mirror `nodescope routes --format json` (README "Route table").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodescope {

// A place in a project file given by byte offsets (what the model keeps); the engine turns it into
// a line and UTF-16 columns when a finding is reported there. `file` is empty when unknown.
struct SourceSpan {
  std::string file;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t line = 0;  // 1-based line of start_byte
  bool known() const { return !file.empty(); }
};

struct RouteMiddleware;  // below; a vector member may name it before it is complete (C++17)

// An application or server instance the model found: the root of a route tree.
struct App {
  std::string framework;  // express, fastify, koa, hapi, nestjs
  SourceSpan site;        // the creating expression: express(), fastify(), new Koa(), ...
  // Express: the middleware `use`d on the app, or on a router mounted in it, after that app's or
  // router's first route or mount, in run order: where error handlers (kind error-handler, a
  // function of four parameters) and 404 handlers belong. Empty for other frameworks.
  std::vector<RouteMiddleware> trailing;
  // Express: the app or a router mounted in it `use`s a name or member the model cannot resolve
  // (`app.use(options.mountPath, this.api)`, `app.use(options.middleware)`): possibly a sub-app or
  // router whose routes and error handlers are unknown.
  bool opaque_mount = false;
};

struct RouteMiddleware {
  std::string name;  // as written: `requireAuth`, `passport.authenticate()`, `express.json()`
  std::string kind;  // auth|validation|rate-limit|security-headers|cors|body-parser|logger|
                     // error-handler|other
  std::string file;
  std::uint32_t line = 0;
  bool conditional = false;  // registered inside an if / ternary / &&
  // Not part of the JSON contract: the middleware function when it is project code (else unknown).
  SourceSpan site;
};

// A test that sends a request matching a route: where the request is made.
struct RouteTest {
  std::string file;
  std::uint32_t line = 0;
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
  bool tested = false;           // some test sends a request that matches the route
  std::vector<RouteTest> tests;  // those requests, by file then line
  // Not part of the JSON contract: where rules report and what they inspect.
  std::int32_t app = -1;    // index into the model's apps, -1 when the route has no known app
  SourceSpan site;          // the registering call's callee (`router.post`, `@Post`)
  SourceSpan handler_site;  // the handler function when it is project code (else unknown)
  // The project function holding the handler's own code: handler_site, or for a wrapped handler
  // (`asyncHandler(async (req, res) => ...)`, `catchAsync(fn)`) the function given to the
  // wrapper. handler_site is what the framework calls (the wrapper's closure, or unknown for a
  // package wrapper); rules that read request data look here.
  SourceSpan handler_code;
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
