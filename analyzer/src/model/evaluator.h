// Cross-file symbolic evaluation over the value facts: what a name, a member or a call denotes
// (a string, a package export, a project module or function, a framework instance such as an
// Express app or router). Calls of project functions are followed with their arguments bound
// (registration functions, router factories), `forEach`/`map` over literal arrays are unrolled,
// and every call is evaluated once per call context, so registrations are recorded exactly once
// with the order in which they run. Framework knowledge comes through FrameworkHooks.
// No I/O, no trees: it reads the Program only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/values.h"
#include "model/program.h"

namespace nodescope::model {

enum class AbsKind : std::uint8_t {
  kUnknown,
  kString,    // text; dynamic when some parts are unknown (rendered {dynamic})
  kNumber,    // text
  kPackage,   // text: "express", "express.Router", "express.json()", "multer().single()"
  kModule,    // a project module's namespace: file
  kFunction,  // file, fn, env (the closure's environment)
  kInstance,  // instance
  kRoute,     // an Express route object (`router.route(path)`): instance, text = path
  kLiteral,   // an array or object literal: file, value, env
  kClass,     // a project class: file, fn = index into the file's class shapes
  kObject,    // an instance of a project class (`new C()`, `this`): file, fn = shape index
};

struct Abs {
  AbsKind kind = AbsKind::kUnknown;
  std::string text;
  bool dynamic = false;
  std::uint32_t file = 0;
  facts::ValueId value = facts::kNoValue;
  facts::FunctionId fn = 0;
  std::uint32_t env = 0;
  std::uint32_t instance = 0;
};

// A place in the program: a value of a file, evaluated in an environment.
struct Loc {
  std::uint32_t file = 0;
  facts::ValueId value = facts::kNoValue;
  std::uint32_t env = 0;
};

// When a registration runs: the chain of call positions from a module's top-level statement down
// to the registering call. Compared lexicographically.
using OrderKey = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

enum class InstanceKind : std::uint8_t {
  kExpressApp,
  kExpressRouter,
  kFastify,
  kKoaApp,
  kKoaRouter,
  kHapi,
  kNestApp,
};

enum class RegKind : std::uint8_t {
  kRoute,        // a route: method, path, items (handlers; Fastify: the handler), options
  kUse,          // Express `use`: path, items (middleware and mounted routers)
  kHook,         // Fastify addHook: method = hook name, items = [hook function]
  kPlugin,       // Fastify register of a package plugin: items = [plugin], options
  kScope,        // Fastify/Hapi register of a project plugin: child = its scope, path = prefix
  kAuthDefault,  // Hapi server.auth.default(strategy): items = [strategy]
};

struct Registration {
  RegKind kind = RegKind::kUse;
  bool is_route = false;  // kind == kRoute
  std::string method;     // upper-case for routes; the hook name for hooks
  Abs path;               // kString; for a `use` without a path: "/" (has_path false)
  bool has_path = false;
  std::vector<Loc> items;  // the arguments after the path
  OrderKey key;
  bool conditional = false;
  std::uint32_t file = 0;
  std::uint32_t line = 0;        // of the method name token
  std::uint32_t start_byte = 0;  // of the registering call's callee
  std::uint32_t end_byte = 0;
  Loc options;              // Fastify: route options / plugin options object (value -1: none)
  std::int32_t child = -1;  // kScope: the child scope's instance
};

struct Instance {
  InstanceKind kind = InstanceKind::kExpressApp;
  Loc site;
  std::vector<Registration> registrations;
  std::int32_t parent = -1;            // Fastify: the scope this plugin scope was registered in
  std::map<std::string, Abs> methods;  // functions the code added (`app.lazyUse = ...`)
  std::string prefix;                  // Koa routers: `new Router({ prefix })` / `router.prefix()`
  bool prefix_dynamic = false;
};

// An HTTP method name upper-cased ("del", koa-router's alias, is DELETE).
std::string upper_method(std::string_view method);

class Evaluator {
 public:
  explicit Evaluator(const Program& program);

  // Runs every file's top-level effects (and, through them, everything they call).
  void run();

  Abs eval(const Loc& loc);
  // A project module used as a value is its `module.exports` (when it sets one).
  Abs deref(const Abs& a, int depth = 0);
  const std::vector<Instance>& instances() const { return instances_; }
  // Whether an instance only exists because a function ran speculatively (without a caller)
  // although the same function is also called for real: the real call's instance stands.
  bool superseded(const Instance& instance) const;
  const Program& program() const { return program_; }
  const facts::ValueFacts& facts(std::uint32_t file) const {
    return program_.files()[file].facts.values;
  }
  // The value of `key` in the object literal at `object` (or kNoValue).
  Loc object_key(const Loc& object, std::string_view key);
  // A short source-like name for the value at loc (`passport.authenticate()`, `requireAuth`).
  std::string name_of(const Loc& loc, int depth = 0) const;
  // Flattens (nested) array literals among `items` into their elements.
  std::vector<Loc> flatten(const std::vector<Loc>& items);

 private:
  struct Frame {
    std::uint32_t parent = 0;
    std::uint32_t file = 0;
    facts::FunctionId fn = 0;
    std::vector<Abs> args;
    Loc call;                  // the call site that created the frame
    bool speculative = false;  // run without a caller (Evaluator::run, step 3)
  };
  struct Context {
    OrderKey key;
    bool conditional = false;
  };

  Abs eval_value(const Loc& loc, int depth);
  Abs eval_name(const Loc& loc, const facts::Value& v, int depth);
  Abs eval_member(const Abs& object, const std::string& prop, int depth);
  Abs eval_call(const Loc& loc, const facts::Value& v, int depth);
  Abs invoke(const Abs& fn, const std::vector<Abs>& args, const Loc& call, int depth);
  void invoke_uncalled(const Abs& fn, const Loc& site);
  void invoke_fresh(const Abs& fn, const std::vector<Abs>& args, const Loc& site);
  Abs module_value(std::uint32_t file, int depth);
  Abs module_export(std::uint32_t file, const std::string& name, int depth);
  Abs require(std::uint32_t from_file, const std::string& spec, int depth);
  Abs concat(const Abs& a, const Abs& b) const;
  void run_effects(std::uint32_t file, facts::FunctionId fn, std::uint32_t env, int depth);
  std::uint32_t frame_for(std::uint32_t env, std::uint32_t file, facts::FunctionId fn) const;
  Abs instance_call(const Abs& receiver, const std::string& method, const Loc& call,
                    const facts::Value& v, int depth);
  Abs hapi_call(const Abs& receiver, const std::string& method, const Loc& call,
                const facts::Value& v, int depth);
  void hapi_route(const Abs& receiver, const Loc& route, const Loc& call, const facts::Value& v,
                  int depth);
  Abs fastify_call(const Abs& receiver, const std::string& method, const Loc& call,
                   const facts::Value& v, int depth);
  void autoload(const Abs& receiver, const Loc& call, const facts::Value& v, const Loc& opts,
                int depth);
  std::optional<std::string> folder_of(const Loc& loc, int depth);
  std::vector<std::string> strings_of(const Loc& loc, int depth);
  Abs add_hook(const Abs& receiver, const Loc& call, const facts::Value& v,
               const std::string& method, int depth);
  Registration new_registration(RegKind kind, const Loc& call, const facts::Value& v,
                                std::string_view method);
  std::uint32_t new_instance(InstanceKind kind, const Loc& site);
  bool speculative_chain(std::uint32_t env) const;

  const Program& program_;
  std::vector<Frame> frames_;  // frames_[0] is the module scope
  std::vector<Instance> instances_;
  // Keyed by pack(file, value, env): memoised results, instances and frames per place.
  static std::uint64_t pack(std::uint32_t file, facts::ValueId value, std::uint32_t env) {
    return (static_cast<std::uint64_t>(file) << 42) ^
           (static_cast<std::uint64_t>(static_cast<std::uint32_t>(value)) << 20) ^ env;
  }
  std::unordered_map<std::uint64_t, Abs> memo_;
  std::unordered_map<std::uint64_t, std::uint32_t> instance_at_;
  std::unordered_map<std::uint64_t, std::uint32_t> frame_at_;
  std::vector<std::vector<std::vector<std::uint32_t>>> bindings_by_scope_;  // lazily per file
  Context context_;
  std::vector<std::pair<std::uint32_t, facts::FunctionId>> call_stack_;  // functions running
  mutable std::set<std::pair<std::uint32_t, facts::FunctionId>> really_called_;
  std::size_t work_ = 0;  // evaluation steps, bounded
};

}  // namespace nodescope::model
