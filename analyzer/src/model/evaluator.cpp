// Cross-file symbolic evaluation (see evaluator.h). Bounded everywhere: expression depth, call
// depth, and a global step budget, so adversarial code cannot make the link phase explode;
// anything past a bound is simply unknown.
#include "model/evaluator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "model/resolve.h"

namespace nodescope::model {
namespace {

using facts::FunctionId;
using facts::Value;
using facts::ValueId;
using facts::ValueKind;

constexpr int kMaxDepth = 48;
constexpr std::size_t kMaxWork = 2'000'000;
constexpr std::size_t kMaxFrames = 20'000;
constexpr long kMaxReentry = 3;  // times one function may be active on the call stack

constexpr std::string_view kVerbs[] = {
    "get",   "post",   "put",    "patch",     "delete",      "del",      "options", "head",
    "all",   "trace",  "search", "purge",     "lock",        "unlock",   "copy",    "move",
    "merge", "report", "notify", "subscribe", "unsubscribe", "checkout", "mkcol",   "mkactivity"};

bool is_verb(std::string_view m) {
  for (std::string_view v : kVerbs) {
    if (v == m) return true;
  }
  return false;
}

Abs unknown() { return Abs{}; }

Abs string_abs(std::string text, bool dynamic) {
  Abs a;
  a.kind = AbsKind::kString;
  a.text = std::move(text);
  a.dynamic = dynamic;
  return a;
}

Abs dynamic_string() { return string_abs("{dynamic}", true); }

// A framework instance as a value.
Abs instance_abs(std::uint32_t instance) {
  Abs a;
  a.kind = AbsKind::kInstance;
  a.instance = instance;
  return a;
}

// Package exports whose call (or `new`) creates a framework instance. Koa routers are created
// apart: their constructor options carry a prefix.
struct Creator {
  std::string_view package_export;
  InstanceKind kind;
};
constexpr std::array<Creator, 13> kCreators = {{
    {"express", InstanceKind::kExpressApp},
    {"express.Router", InstanceKind::kExpressRouter},
    {"express.default.Router", InstanceKind::kExpressRouter},
    {"fastify", InstanceKind::kFastify},
    {"fastify.fastify", InstanceKind::kFastify},
    {"fastify.default", InstanceKind::kFastify},
    {"koa", InstanceKind::kKoaApp},
    {"koa.default", InstanceKind::kKoaApp},
    {"@hapi/hapi.server", InstanceKind::kHapi},
    {"@hapi/hapi.Server", InstanceKind::kHapi},
    {"hapi.server", InstanceKind::kHapi},
    {"hapi.Server", InstanceKind::kHapi},
    {"@nestjs/core.NestFactory.create", InstanceKind::kNestApp},
}};

}  // namespace

std::string upper_method(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out == "DEL" ? "DELETE" : out;
}

Evaluator::Evaluator(const Program& program) : program_(program) {
  frames_.emplace_back();  // module scope
  bindings_by_scope_.resize(program.files().size());
}

std::uint32_t Evaluator::frame_for(std::uint32_t env, std::uint32_t file, FunctionId fn) const {
  if (fn == 0) return 0;
  for (std::uint32_t e = env; e != 0; e = frames_[e].parent) {
    if (frames_[e].file == file && frames_[e].fn == fn) return e;
  }
  return 0;
}

Abs Evaluator::eval(const Loc& loc) { return eval_value(loc, 0); }

Abs Evaluator::eval_value(const Loc& loc, int depth) {
  if (loc.value == facts::kNoValue || depth > kMaxDepth || ++work_ > kMaxWork) return unknown();
  const auto key = pack(loc.file, loc.value, loc.env);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  memo_[key] = unknown();  // cycle guard: a value that refers to itself is unknown
  const Value& v = facts(loc.file).at(loc.value);
  Abs out;
  switch (v.kind) {
    case ValueKind::kString:
      out = string_abs(v.text, false);
      break;
    case ValueKind::kNumber:
      out.kind = AbsKind::kNumber;
      out.text = v.text;
      break;
    case ValueKind::kTemplate: {
      out = string_abs("", false);
      const auto& f = facts(loc.file);
      for (std::uint32_t i = 0; i < v.count; ++i) {
        out = concat(out, eval_value(Loc{loc.file, f.item(v, i), loc.env}, depth + 1));
      }
      break;
    }
    case ValueKind::kConcat:
      out = concat(eval_value(Loc{loc.file, v.a, loc.env}, depth + 1),
                   eval_value(Loc{loc.file, v.b, loc.env}, depth + 1));
      break;
    case ValueKind::kConditional: {
      const Abs a = eval_value(Loc{loc.file, v.a, loc.env}, depth + 1);
      const Abs b = eval_value(Loc{loc.file, v.b, loc.env}, depth + 1);
      // `process.env.X || '/ready'`: either may be the value, so a string is only partly known.
      if ((a.kind == AbsKind::kString) != (b.kind == AbsKind::kString) &&
          (a.kind == AbsKind::kUnknown || b.kind == AbsKind::kUnknown)) {
        out = dynamic_string();
      } else {
        out = a.kind != AbsKind::kUnknown ? a : b;
      }
      break;
    }
    case ValueKind::kName:
      out = eval_name(loc, v, depth);
      break;
    case ValueKind::kMember:
      out = eval_member(eval_value(Loc{loc.file, v.a, loc.env}, depth + 1), v.text, depth);
      break;
    case ValueKind::kCall:
    case ValueKind::kNew:
      out = eval_call(loc, v, depth);
      break;
    case ValueKind::kAssign: {
      const Abs object = deref(eval_value(Loc{loc.file, v.a, loc.env}, depth + 1), depth);
      if (object.kind == AbsKind::kInstance) {
        instances_[object.instance].methods[v.text] =
            eval_value(Loc{loc.file, v.b, loc.env}, depth + 1);
      }
      break;
    }
    case ValueKind::kRequire:
      out = require(loc.file, v.text, depth);
      break;
    case ValueKind::kClass:
    case ValueKind::kThis:
      if (v.index >= 0) {
        out.kind = v.kind == ValueKind::kClass ? AbsKind::kClass : AbsKind::kObject;
        out.file = loc.file;
        out.fn = v.index;
      }
      break;
    case ValueKind::kFunction:
      out.kind = AbsKind::kFunction;
      out.file = loc.file;
      out.fn = v.index;
      out.env = loc.env;
      break;
    case ValueKind::kArray:
    case ValueKind::kObject:
      out.kind = AbsKind::kLiteral;
      out.file = loc.file;
      out.value = loc.value;
      out.env = loc.env;
      break;
    default:
      break;
  }
  memo_[key] = out;
  return out;
}

Abs Evaluator::concat(const Abs& a, const Abs& b) const {
  auto piece = [](const Abs& x) -> std::pair<std::string, bool> {
    if (x.kind == AbsKind::kString) return {x.text, x.dynamic};
    if (x.kind == AbsKind::kNumber) return {x.text, false};
    return {"{dynamic}", true};
  };
  const auto [ta, da] = piece(a);
  const auto [tb, db] = piece(b);
  return string_abs(ta + tb, da || db);
}

Abs Evaluator::eval_name(const Loc& loc, const Value& v, int depth) {
  const auto& f = facts(loc.file);
  auto& by_scope = bindings_by_scope_[loc.file];
  if (by_scope.empty()) {
    by_scope.resize(f.functions.size());
    for (std::uint32_t i = 0; i < f.bindings.size(); ++i) {
      const auto scope = static_cast<std::size_t>(f.bindings[i].scope);
      if (scope < by_scope.size()) by_scope[scope].push_back(i);
    }
  }
  for (FunctionId scope = v.scope;;) {
    // The last binding of the name in this scope made before the use, else the first after it
    // (functions and hoisted declarations are used before they appear).
    const facts::Binding* chosen = nullptr;
    for (std::uint32_t i : by_scope[static_cast<std::size_t>(scope)]) {
      const facts::Binding& b = f.bindings[i];
      if (b.name != v.text) continue;
      if (b.start_byte <= v.start_byte || chosen == nullptr) chosen = &b;
    }
    if (chosen != nullptr) {
      return eval_value(Loc{loc.file, chosen->value, frame_for(loc.env, loc.file, scope)},
                        depth + 1);
    }
    if (scope == 0) break;
    const facts::Function& fn = f.functions[static_cast<std::size_t>(scope)];
    for (std::size_t i = 0; i < fn.params.size(); ++i) {
      if (fn.params[i] != v.text) continue;
      const std::uint32_t frame = frame_for(loc.env, loc.file, scope);
      if (frame == 0 || i >= frames_[frame].args.size()) return unknown();
      return frames_[frame].args[i];
    }
    scope = fn.parent;
  }
  return unknown();
}

Abs Evaluator::eval_member(const Abs& object, const std::string& prop, int depth) {
  switch (object.kind) {
    case AbsKind::kObject: {
      // A property of a project class (per class: see facts::ClassShape), else a method.
      const auto& f = facts(object.file);
      const facts::ClassShape& shape = f.shapes[static_cast<std::size_t>(object.fn)];
      for (const auto& [name, value] : shape.props) {
        if (name == prop) return eval_value(Loc{object.file, value, 0}, depth + 1);
      }
      for (const auto& [name, fn] : shape.methods) {
        if (name != prop) continue;
        Abs out;
        out.kind = AbsKind::kFunction;
        out.file = object.file;
        out.fn = fn;
        return out;
      }
      return unknown();
    }
    case AbsKind::kPackage: {
      if (prop == "default") return object;  // import x from 'pkg' is the package's export
      Abs out = object;
      out.text += "." + prop;
      return out;
    }
    case AbsKind::kModule:
      if (prop == "default") {  // ESM default, else CommonJS module.exports (interop)
        const Abs d = module_export(object.file, "default", depth);
        return d.kind != AbsKind::kUnknown ? d : deref(object, depth);
      }
      return module_export(object.file, prop, depth);
    case AbsKind::kLiteral: {
      const auto& f = facts(object.file);
      const Value& lit = f.at(object.value);
      for (std::uint32_t i = lit.count; i-- > 0;) {  // later keys win, as in JS
        if (lit.kind == ValueKind::kObject && f.key(lit, i) == prop) {
          return eval_value(Loc{object.file, f.item(lit, i), object.env}, depth + 1);
        }
      }
      if (lit.kind == ValueKind::kArray && !prop.empty() &&
          prop.find_first_not_of("0123456789") == std::string::npos && prop.size() < 6) {
        const auto index = static_cast<std::uint32_t>(std::stoul(prop));
        if (index < lit.count) {
          return eval_value(Loc{object.file, f.item(lit, index), object.env}, depth + 1);
        }
      }
      if (prop == "default") return object;
      return unknown();
    }
    default:
      if (prop == "default" && object.kind != AbsKind::kUnknown) return object;  // ESM interop
      return unknown();
  }
}

Abs Evaluator::require(std::uint32_t from_file, const std::string& spec, int /*depth*/) {
  const auto target = resolve_module(program_, program_.files()[from_file].path, spec);
  if (!target) {
    if (is_relative_specifier(spec)) return unknown();
    // A package outside the repository (or a built-in).
    Abs pkg;
    pkg.kind = AbsKind::kPackage;
    pkg.text = spec.substr(0, 5) == "node:" ? spec.substr(5) : spec;
    return pkg;
  }
  // The module itself: its named exports (`module.exports.Router = ...`) stay reachable even
  // when `module.exports` is also a function; deref() gives `module.exports` where a value is used.
  Abs ns;
  ns.kind = AbsKind::kModule;
  ns.file = static_cast<std::uint32_t>(*target);
  return ns;
}

Abs Evaluator::deref(const Abs& a, int depth) {
  // `module.exports = require('./app')` chains: follow them (bounded) to the value.
  Abs current = a;
  for (int hops = 0; hops < 8 && current.kind == AbsKind::kModule && depth <= kMaxDepth; ++hops) {
    const Abs value = module_value(current.file, depth + 1);
    if (value.kind == AbsKind::kUnknown ||
        (value.kind == AbsKind::kModule && value.file == current.file)) {
      break;
    }
    current = value;
  }
  return current;
}

// What `require(file)` returns: CommonJS `module.exports` if set, else the module namespace
// (whose "default" member is ESM's default export).
Abs Evaluator::module_value(std::uint32_t file, int depth) {
  const auto& f = facts(file);
  for (auto it = f.exports.rbegin(); it != f.exports.rend(); ++it) {
    if (it->name.empty() && !it->star && it->from.empty()) {
      return eval_value(Loc{file, it->value, 0}, depth + 1);
    }
  }
  Abs ns;
  ns.kind = AbsKind::kModule;
  ns.file = file;
  return ns;
}

Abs Evaluator::module_export(std::uint32_t file, const std::string& name, int depth) {
  if (depth > kMaxDepth) return unknown();
  const auto& f = facts(file);
  for (auto it = f.exports.rbegin(); it != f.exports.rend(); ++it) {
    if (it->star || it->name != name) continue;
    if (!it->from.empty()) {
      const Abs target = require(file, it->from, depth + 1);
      return it->imported == "*" ? target : eval_member(target, it->imported, depth + 1);
    }
    return eval_value(Loc{file, it->value, 0}, depth + 1);
  }
  for (const facts::Export& e : f.exports) {  // module.exports = { name } or an object value
    if (e.name.empty() && !e.star && e.from.empty()) {
      return eval_member(eval_value(Loc{file, e.value, 0}, depth + 1), name, depth + 1);
    }
  }
  for (const facts::Export& e : f.exports) {  // export * from './x'
    if (!e.star) continue;
    const Abs target = require(file, e.from, depth + 1);
    if (target.kind == AbsKind::kModule) {
      const Abs found = module_export(target.file, name, depth + 1);
      if (found.kind != AbsKind::kUnknown) return found;
    }
  }
  return unknown();
}

std::uint32_t Evaluator::new_instance(InstanceKind kind, const Loc& site) {
  const auto key = pack(site.file, site.value, site.env);
  if (auto it = instance_at_.find(key); it != instance_at_.end()) return it->second;
  Instance instance;
  instance.kind = kind;
  instance.site = site;
  instances_.push_back(std::move(instance));
  const auto id = static_cast<std::uint32_t>(instances_.size() - 1);
  instance_at_[key] = id;
  return id;
}

Abs Evaluator::eval_call(const Loc& loc, const Value& v, int depth) {
  const auto& f = facts(loc.file);
  const Value* callee = v.a == facts::kNoValue ? nullptr : &f.at(v.a);
  if (callee != nullptr && callee->kind == ValueKind::kMember && callee->text == "resolve" &&
      v.count == 1 && f.at(callee->a).kind == ValueKind::kName &&
      f.at(callee->a).text == "Promise") {
    return eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);  // Promise.resolve(x)
  }
  Abs target;
  if (callee != nullptr && callee->kind == ValueKind::kMember) {
    // Members of a project module are looked up on the module (its named exports such as
    // `module.exports.Router`), even when `module.exports` itself is a function or an app.
    const Abs raw = eval_value(Loc{loc.file, callee->a, loc.env}, depth + 1);
    const Abs receiver = deref(raw, depth);
    if (receiver.kind == AbsKind::kInstance || receiver.kind == AbsKind::kRoute) {
      return instance_call(receiver, callee->text, loc, v, depth);
    }
    // server.auth.default('jwt'): a method of a Hapi server's `auth` namespace.
    if (const Value& rv = f.at(callee->a); rv.kind == ValueKind::kMember && rv.text == "auth") {
      const Abs server = deref(eval_value(Loc{loc.file, rv.a, loc.env}, depth + 1), depth);
      if (server.kind == AbsKind::kInstance &&
          instances_[server.instance].kind == InstanceKind::kHapi) {
        return hapi_call(server, "auth." + callee->text, loc, v, depth);
      }
    }
    if (receiver.kind == AbsKind::kLiteral &&
        facts(receiver.file).at(receiver.value).kind == ValueKind::kArray &&
        (callee->text == "forEach" || callee->text == "map") && v.count >= 1) {
      // A loop over a literal array: run the callback once per element.
      const Abs fn = deref(eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1), depth);
      if (fn.kind == AbsKind::kFunction) {
        const auto& rf = facts(receiver.file);
        const Value& arr = rf.at(receiver.value);
        for (std::uint32_t i = 0; i < arr.count; ++i) {
          Abs index;
          index.kind = AbsKind::kNumber;
          index.text = std::to_string(i);
          const Abs element =
              eval_value(Loc{receiver.file, rf.item(arr, i), receiver.env}, depth + 1);
          Loc site = loc;
          site.value = rf.item(arr, i);  // one frame per element
          site.file = receiver.file;
          invoke(fn, {element, index}, site, depth + 1);
        }
      }
      return unknown();
    }
    target = deref(
        eval_member(raw.kind == AbsKind::kModule ? raw : receiver, callee->text, depth + 1), depth);
  } else {
    target = deref(eval_value(Loc{loc.file, v.a, loc.env}, depth + 1), depth);
  }
  if (target.kind == AbsKind::kPackage) {
    for (const Creator& c : kCreators) {
      if (target.text == c.package_export) return instance_abs(new_instance(c.kind, loc));
    }
    if (target.text == "@koa/router" || target.text == "koa-router" ||
        target.text == "@koa/router.default" || target.text == "koa-router.default" ||
        target.text == "@koa/router.Router" || target.text == "koa-router.Router") {
      const std::uint32_t id = new_instance(InstanceKind::kKoaRouter, loc);
      if (v.count >= 1) {  // new Router({ prefix: '/api' })
        const Abs prefix =
            eval_value(object_key(Loc{loc.file, f.item(v, 0), loc.env}, "prefix"), depth + 1);
        if (prefix.kind == AbsKind::kString) {
          instances_[id].prefix = prefix.text;
          instances_[id].prefix_dynamic = prefix.dynamic;
        }
      }
      return instance_abs(id);
    }
    if ((target.text == "fastify-plugin" || target.text == "fastify-plugin.default") &&
        v.count >= 1) {
      // fp(plugin): the plugin itself, marked to share its parent's scope.
      Abs fn = deref(eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1), depth);
      if (fn.kind == AbsKind::kFunction) fn.text = "fastify-plugin";
      return fn;
    }
    if (target.text == "express-lazy-router.createLazyRouter()" && v.count >= 1) {
      // lazyLoad(() => app): the router or app the callback builds, mounted on first request.
      const Abs fn = deref(eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1), depth);
      if (fn.kind == AbsKind::kFunction) return invoke(fn, {}, loc, depth + 1);
    }
    Abs out = target;
    out.text += "()";
    out.file = loc.file;
    out.value = loc.value;
    return out;
  }
  if (target.kind == AbsKind::kClass) {
    // `new C(args)`: run the constructor (it may build the app and call its setup methods).
    const facts::ClassShape& shape = facts(target.file).shapes[static_cast<std::size_t>(target.fn)];
    if (shape.constructor > 0) {
      std::vector<Abs> args;
      for (std::uint32_t i = 0; i < v.count; ++i) {
        args.push_back(eval_value(Loc{loc.file, f.item(v, i), loc.env}, depth + 1));
      }
      Abs ctor;
      ctor.kind = AbsKind::kFunction;
      ctor.file = target.file;
      ctor.fn = shape.constructor;
      invoke(ctor, args, loc, depth + 1);
    }
    Abs object = target;
    object.kind = AbsKind::kObject;
    return object;
  }
  if (target.kind == AbsKind::kFunction) {
    std::vector<Abs> args;
    for (std::uint32_t i = 0; i < v.count; ++i) {
      args.push_back(eval_value(Loc{loc.file, f.item(v, i), loc.env}, depth + 1));
    }
    return invoke(target, args, loc, depth + 1);
  }
  return unknown();
}

Abs Evaluator::invoke(const Abs& fn, const std::vector<Abs>& args, const Loc& call, int depth) {
  if (depth > kMaxDepth || frames_.size() >= kMaxFrames) return unknown();
  const auto key = pack(call.file, call.value, call.env);
  std::uint32_t frame;
  if (auto it = frame_at_.find(key); it != frame_at_.end()) {
    frame = it->second;
  } else {
    // Recursion is followed at most kMaxReentry deep: a helper may legitimately run inside
    // itself through another instance (Ghost's lazyUse mounts an app whose code calls lazyUse).
    const std::pair<std::uint32_t, FunctionId> self{fn.file, fn.fn};
    if (std::count(call_stack_.begin(), call_stack_.end(), self) >= kMaxReentry) {
      return unknown();
    }
    frames_.push_back(Frame{fn.env, fn.file, fn.fn, args, call});
    frame = static_cast<std::uint32_t>(frames_.size() - 1);
    frame_at_[key] = frame;
    Context saved = context_;
    context_.key.emplace_back(call.file, facts(call.file).at(call.value).start_byte);
    call_stack_.push_back(self);
    run_effects(fn.file, fn.fn, frame, depth + 1);
    call_stack_.pop_back();
    context_ = std::move(saved);
  }
  const std::pair<std::uint32_t, FunctionId> self{fn.file, fn.fn};
  if (std::count(call_stack_.begin(), call_stack_.end(), self) >= kMaxReentry) {
    return unknown();  // its returns are being computed further up
  }
  call_stack_.push_back(self);
  struct Pop {
    std::vector<std::pair<std::uint32_t, FunctionId>>& stack;
    ~Pop() { stack.pop_back(); }
  } pop{call_stack_};
  const facts::Function& f = facts(fn.file).functions[static_cast<std::size_t>(fn.fn)];
  for (ValueId r : f.returns) {
    const Abs out = eval_value(Loc{fn.file, r, frame}, depth + 1);
    if (out.kind != AbsKind::kUnknown) return out;
  }
  return unknown();
}

void Evaluator::run_effects(std::uint32_t file, FunctionId fn, std::uint32_t env, int depth) {
  const auto& f = facts(file);
  for (const facts::Effect& e : f.effects) {
    if (e.scope != fn) continue;
    Context saved = context_;
    context_.key.emplace_back(file, f.at(e.call).start_byte);
    context_.conditional = context_.conditional || e.conditional;
    eval_value(Loc{file, e.call, env}, depth + 1);
    context_ = std::move(saved);
  }
}

void Evaluator::run() {
  const auto files = static_cast<std::uint32_t>(program_.files().size());
  // 1. Every module's top-level statements, as Node runs them when the module loads.
  for (std::uint32_t file = 0; file < files; ++file) {
    context_ = Context{};
    run_effects(file, 0, 0, 0);
  }
  // 2. Top-level declarations nothing referenced yet (`const server = createApp().listen()`):
  //    evaluating them runs the factories they call.
  for (std::uint32_t file = 0; file < files; ++file) {
    const auto& f = facts(file);
    for (const facts::Binding& b : f.bindings) {
      if (b.scope != 0 || b.value == facts::kNoValue) continue;
      context_ = Context{};
      context_.key.emplace_back(file, b.start_byte);
      eval_value(Loc{file, b.value, 0}, 0);
    }
  }
  // 3. Functions nobody calls where we can see it (exported factories, entry points called by a
  //    framework): run once with unknown arguments so their registrations are not lost.
  std::set<std::pair<std::uint32_t, FunctionId>> called;
  for (const Frame& fr : frames_) called.emplace(fr.file, fr.fn);
  for (std::uint32_t file = 0; file < files; ++file) {
    const auto& f = facts(file);
    for (FunctionId fn = 1; fn < static_cast<FunctionId>(f.functions.size()); ++fn) {
      if (called.count({file, fn}) != 0 || f.functions[static_cast<std::size_t>(fn)].parent != 0) {
        continue;
      }
      bool has_effects = false;
      for (const facts::Effect& e : f.effects) has_effects = has_effects || e.scope == fn;
      if (!has_effects) continue;
      Abs callee;
      callee.kind = AbsKind::kFunction;
      callee.file = file;
      callee.fn = fn;
      Loc site{file, facts::kNoValue, 0};
      context_ = Context{};
      context_.key.emplace_back(file, f.functions[static_cast<std::size_t>(fn)].start_byte);
      invoke_uncalled(callee, site);
    }
  }
}

// Chains follow callers (the frame of the call site), not closures: a factory frame's lexical
// parent is its module, but what matters is who called it. A caller's frame always exists before
// its callee's, so the walk ends.
bool Evaluator::speculative_chain(std::uint32_t env) const {
  for (; env != 0; env = frames_[env].call.env) {
    if (frames_[env].speculative) return true;
  }
  return false;
}

bool Evaluator::superseded(const Instance& instance) const {
  if (really_called_.empty()) {  // computed once, after run()
    // A function is "really" called when some frame of it has a call site: either in code that
    // runs for real, or in a speculative run of another function (a parent app's setup that
    // nothing visible calls, calling the sub-app's setup with the real mount around it). Its own
    // caller-less run then only duplicates what the called one registers.
    for (std::uint32_t e = 1; e < frames_.size(); ++e) {
      if (frames_[e].speculative) continue;
      std::uint32_t root = e;
      while (frames_[root].call.env != 0) root = frames_[root].call.env;
      const bool from_elsewhere = !frames_[root].speculative ||
                                  frames_[root].file != frames_[e].file ||
                                  frames_[root].fn != frames_[e].fn;
      if (from_elsewhere) really_called_.emplace(frames_[e].file, frames_[e].fn);
    }
    really_called_.emplace(UINT32_MAX, 0);  // marks the set as computed
  }
  for (std::uint32_t e = instance.site.env; e != 0; e = frames_[e].call.env) {
    if (frames_[e].speculative && really_called_.count({frames_[e].file, frames_[e].fn}) != 0) {
      return true;
    }
  }
  return false;
}

void Evaluator::invoke_uncalled(const Abs& fn, const Loc& site) {
  frames_.push_back(Frame{0, fn.file, fn.fn, {}, site, true});
  const auto frame = static_cast<std::uint32_t>(frames_.size() - 1);
  run_effects(fn.file, fn.fn, frame, 1);
}

Registration Evaluator::new_registration(RegKind kind, const Loc& loc, const Value& v,
                                         std::string_view method) {
  const auto& f = facts(loc.file);
  Registration r;
  r.kind = kind;
  r.is_route = kind == RegKind::kRoute;
  r.key = context_.key;
  r.key.emplace_back(loc.file, v.start_byte);
  r.conditional = context_.conditional;
  r.file = loc.file;
  const Value& callee = f.at(v.a);
  r.line = f.line_of(callee.end_byte - static_cast<std::uint32_t>(method.size()));
  r.start_byte = callee.start_byte;
  r.end_byte = callee.end_byte;
  r.options = Loc{loc.file, facts::kNoValue, loc.env};
  return r;
}

Loc Evaluator::object_key(const Loc& object, std::string_view key) {
  if (object.value == facts::kNoValue) return Loc{object.file, facts::kNoValue, object.env};
  const Abs lit = deref(eval(object));
  if (lit.kind != AbsKind::kLiteral) return Loc{object.file, facts::kNoValue, object.env};
  const auto& f = facts(lit.file);
  const Value& obj = f.at(lit.value);
  if (obj.kind != ValueKind::kObject) return Loc{object.file, facts::kNoValue, object.env};
  for (std::uint32_t i = obj.count; i-- > 0;) {
    if (f.key(obj, i) == key) return Loc{lit.file, f.item(obj, i), lit.env};
  }
  return Loc{object.file, facts::kNoValue, object.env};
}

// A string or an array of strings (route methods: 'GET' or ['PUT', 'PATCH']).
std::vector<std::string> Evaluator::strings_of(const Loc& loc, int depth) {
  std::vector<std::string> out;
  const Abs a = deref(eval_value(loc, depth + 1));
  if (a.kind == AbsKind::kString) {
    out.push_back(a.text);
  } else if (a.kind == AbsKind::kLiteral) {
    const auto& lf = facts(a.file);
    const Value& arr = lf.at(a.value);
    for (std::uint32_t i = 0; arr.kind == ValueKind::kArray && i < arr.count; ++i) {
      const Abs one = eval_value(Loc{a.file, lf.item(arr, i), a.env}, depth + 1);
      if (one.kind == AbsKind::kString) out.push_back(one.text);
    }
  }
  return out;
}

// Fastify `addHook(name, fn)` and Hapi `ext(name, fn)`: a request hook of the scope.
Abs Evaluator::add_hook(const Abs& receiver, const Loc& loc, const Value& v,
                        const std::string& method, int depth) {
  if (v.count < 2) return receiver;
  const auto& f = facts(loc.file);
  const Abs name = eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);
  if (name.kind != AbsKind::kString) return receiver;
  Registration r = new_registration(RegKind::kHook, loc, v, method);
  r.method = name.text;
  r.items.push_back(Loc{loc.file, f.item(v, 1), loc.env});
  instances_[receiver.instance].registrations.push_back(std::move(r));
  return receiver;
}

Abs Evaluator::fastify_call(const Abs& receiver, const std::string& method, const Loc& loc,
                            const Value& v, int depth) {
  const auto& f = facts(loc.file);
  auto arg = [&](std::uint32_t i) { return Loc{loc.file, f.item(v, i), loc.env}; };
  auto add = [&](Registration r) {
    instances_[receiver.instance].registrations.push_back(std::move(r));
  };
  if (is_verb(method) && method != "del" && v.count >= 2) {
    // app.get(path, [options], handler); app.get(path, { handler, ... })
    Registration r = new_registration(RegKind::kRoute, loc, v, method);
    r.method = upper_method(method);
    r.path = eval_value(arg(0), depth + 1);
    r.has_path = true;
    if (r.path.kind != AbsKind::kString) r.path = dynamic_string();
    if (v.count >= 3) {
      r.options = arg(1);
      r.items.push_back(arg(v.count - 1));
    } else if (f.at(f.item(v, 1)).kind == ValueKind::kObject) {
      r.options = arg(1);
      r.items.push_back(object_key(arg(1), "handler"));
    } else {
      r.items.push_back(arg(1));
    }
    add(std::move(r));
    return receiver;
  }
  if (method == "route" && v.count >= 1) {
    const Loc opts = arg(0);
    const Loc url_loc = object_key(opts, "url").value != facts::kNoValue ? object_key(opts, "url")
                                                                         : object_key(opts, "path");
    Abs url = eval_value(url_loc, depth + 1);
    if (url.kind != AbsKind::kString) url = dynamic_string();
    for (const std::string& name : strings_of(object_key(opts, "method"), depth)) {
      Registration r = new_registration(RegKind::kRoute, loc, v, method);
      r.method = upper_method(name);
      r.path = url;
      r.has_path = true;
      r.options = opts;
      r.items.push_back(object_key(opts, "handler"));
      add(std::move(r));
    }
    return receiver;
  }
  if (method == "addHook") return add_hook(receiver, loc, v, method, depth);
  if (method == "register" && v.count >= 1) {
    const Abs plugin = deref(eval_value(arg(0), depth + 1));
    const Loc opts = v.count >= 2 ? arg(1) : Loc{loc.file, facts::kNoValue, loc.env};
    const Abs opts_abs = eval_value(opts, depth + 1);
    if (plugin.kind == AbsKind::kFunction) {
      if (plugin.text == "fastify-plugin") {  // shares the parent's scope
        invoke(plugin, {receiver, opts_abs}, loc, depth + 1);
        return receiver;
      }
      Registration r = new_registration(RegKind::kScope, loc, v, method);
      const std::uint32_t child = new_instance(InstanceKind::kFastify, loc);
      instances_[child].parent = static_cast<std::int32_t>(receiver.instance);
      r.child = static_cast<std::int32_t>(child);
      const Abs prefix = eval_value(object_key(opts, "prefix"), depth + 1);
      r.has_path = prefix.kind == AbsKind::kString;
      r.path = r.has_path ? prefix : string_abs("", false);
      r.options = opts;
      add(std::move(r));
      invoke(plugin, {instance_abs(child), opts_abs}, loc, depth + 1);
      return receiver;
    }
    if (plugin.kind == AbsKind::kPackage &&
        (plugin.text == "@fastify/autoload" || plugin.text == "@fastify/autoload.default" ||
         plugin.text == "@fastify/autoload.autoload")) {
      autoload(receiver, loc, v, opts, depth);
      return receiver;
    }
    if (plugin.kind == AbsKind::kPackage) {
      Registration r = new_registration(RegKind::kPlugin, loc, v, method);
      r.items.push_back(arg(0));
      r.options = opts;
      add(std::move(r));
    }
    return receiver;
  }
  return receiver;  // decorate, setErrorHandler, withTypeProvider, listen, ...
}

// `path.join(__dirname, 'routes')` / `path.resolve(...)` / `join(...)` as a project-relative
// folder, or nullopt.
std::optional<std::string> Evaluator::folder_of(const Loc& loc, int depth) {
  if (loc.value == facts::kNoValue) return std::nullopt;
  const auto& f = facts(loc.file);
  const Value& v = f.at(loc.value);
  const std::string& from = program_.files()[loc.file].path;
  const std::string dir =
      from.find('/') == std::string::npos ? "" : from.substr(0, from.rfind('/'));
  if (v.kind == ValueKind::kName && v.text == "__dirname") return dir;
  if (v.kind != ValueKind::kCall) return std::nullopt;
  const Abs callee = eval_value(Loc{loc.file, v.a, loc.env}, depth + 1);
  if (callee.kind != AbsKind::kPackage ||
      (callee.text != "path.join" && callee.text != "path.resolve")) {
    return std::nullopt;
  }
  std::string joined;
  for (std::uint32_t i = 0; i < v.count; ++i) {
    const Loc part{loc.file, f.item(v, i), loc.env};
    const Value& pv = f.at(part.value);
    std::string piece;
    if (pv.kind == ValueKind::kName && pv.text == "__dirname") {
      piece = dir;
      joined.clear();  // an absolute start
    } else {
      const Abs a = eval_value(part, depth + 1);
      if (a.kind != AbsKind::kString || a.dynamic) return std::nullopt;
      piece = a.text;
    }
    joined += (joined.empty() ? "" : "/") + piece;
  }
  return normalize_path(joined);
}

// @fastify/autoload, as the package does it: every module under `dir` is a plugin of its own,
// registered with its folder path (relative to dir) after `options.prefix`; a folder with an
// index file uses only that one (its subfolders still count); fastify-plugin modules share the
// parent's scope. With `autoHooks`, a folder's autohooks file is registered (sharing the scope)
// in an encapsulated wrapper around that folder's plugins, and with `cascadeHooks` it wraps the
// subfolders' plugins too.
void Evaluator::autoload(const Abs& receiver, const Loc& loc, const Value& v, const Loc& opts,
                         int depth) {
  const auto dir = folder_of(object_key(opts, "dir"), depth + 1);
  if (!dir) return;
  const Abs base = eval_value(object_key(object_key(opts, "options"), "prefix"), depth + 1);
  const std::string base_prefix = base.kind == AbsKind::kString ? base.text : "";
  const bool auto_hooks = name_of(object_key(opts, "autoHooks")) == "true";
  const bool cascade = name_of(object_key(opts, "cascadeHooks")) == "true";
  const std::string root = dir->empty() ? "" : *dir + "/";

  auto is_hooks_file = [](std::string_view name) {
    std::string_view n = name;
    if (!n.empty() && (n[0] == '_' || n[0] == '.')) n.remove_prefix(1);
    std::string lower(n);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.starts_with("autohooks.") || lower.starts_with("auto_hooks.");
  };
  // folder (relative to dir) -> plugin files, and -> its hooks file.
  std::map<std::string, std::vector<std::uint32_t>> plugins;
  std::map<std::string, std::uint32_t> hooks;
  for (std::uint32_t file = 0; file < program_.files().size(); ++file) {
    const std::string& path = program_.files()[file].path;
    if (path.compare(0, root.size(), root) != 0) continue;
    const std::string rel = path.substr(root.size());
    const std::size_t slash = rel.rfind('/');
    const std::string folder = slash == std::string::npos ? "" : rel.substr(0, slash);
    const std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
    if (is_hooks_file(name)) {
      hooks[folder] = file;
    } else if (!name.empty() && name[0] != '.') {
      plugins[folder].push_back(file);
    }
  }
  for (auto& [folder, files] : plugins) {  // an index file stands for its folder
    for (std::uint32_t file : files) {
      const std::string& path = program_.files()[file].path;
      if (path.substr(path.rfind('/') + 1).starts_with("index.")) {
        files = {file};
        break;
      }
    }
  }
  auto plugin_of = [&](std::uint32_t file, facts::ValueId& export_value) {
    export_value = facts::kNoValue;
    for (const facts::Export& e : facts(file).exports) {
      if ((e.name.empty() || e.name == "default") && !e.star && e.from.empty()) {
        export_value = e.value;
      }
    }
    return export_value == facts::kNoValue
               ? Abs{}
               : deref(eval_value(Loc{file, export_value, 0}, depth + 1));
  };
  auto add_scope = [&](std::uint32_t parent, const Loc& site, const std::string& prefix,
                       bool has_prefix, bool keyed) {
    Registration r = new_registration(RegKind::kScope, loc, v, "register");
    std::uint32_t child;
    if (keyed) {
      child = new_instance(InstanceKind::kFastify, site);
    } else {  // a wrapper scope has no place of its own in the code: always a new instance
      Instance wrapper;
      wrapper.kind = InstanceKind::kFastify;
      wrapper.site = site;
      instances_.push_back(std::move(wrapper));
      child = static_cast<std::uint32_t>(instances_.size() - 1);
    }
    instances_[child].parent = static_cast<std::int32_t>(parent);
    r.child = static_cast<std::int32_t>(child);
    r.path = string_abs(prefix, false);
    r.has_path = has_prefix;
    instances_[parent].registrations.push_back(std::move(r));
    return child;
  };
  for (const auto& [folder, files] : plugins) {
    // The hooks that wrap this folder: its own, and its ancestors' when cascading.
    std::vector<std::uint32_t> chain;
    if (auto_hooks) {
      for (const auto& [hook_folder, hook_file] : hooks) {
        const bool own = hook_folder == folder;
        const bool ancestor =
            cascade &&
            (hook_folder.empty() ? !folder.empty() : folder.starts_with(hook_folder + "/"));
        if (own || ancestor) chain.push_back(hook_file);
      }
    }
    std::uint32_t parent = receiver.instance;
    if (!chain.empty()) {
      // The wrapper scope around this folder's plugins.
      parent = add_scope(receiver.instance, loc, "", false, false);
      for (std::uint32_t hook_file : chain) {
        facts::ValueId hook_value;
        const Abs hook = plugin_of(hook_file, hook_value);
        if (hook.kind != AbsKind::kFunction) continue;
        invoke_fresh(hook, {instance_abs(parent), Abs{}}, Loc{hook_file, hook_value, loc.env});
      }
    }
    for (std::uint32_t file : files) {
      facts::ValueId export_value;
      const Abs plugin = plugin_of(file, export_value);
      if (plugin.kind != AbsKind::kFunction) continue;
      const Loc site{file, export_value, loc.env};
      if (plugin.text == "fastify-plugin") {
        invoke(plugin, {instance_abs(parent), Abs{}}, site, depth + 1);
        continue;
      }
      const std::uint32_t child =
          add_scope(parent, site, base_prefix + (folder.empty() ? "" : "/" + folder), true, true);
      invoke(plugin, {instance_abs(child), Abs{}}, site, depth + 1);
    }
  }
}

// Runs a function's effects in a new frame every time (no memo): the same hooks file wraps the
// plugins of several folders, each in its own scope.
void Evaluator::invoke_fresh(const Abs& fn, const std::vector<Abs>& args, const Loc& site) {
  if (frames_.size() >= kMaxFrames) return;
  frames_.push_back(Frame{fn.env, fn.file, fn.fn, args, site});
  const auto frame = static_cast<std::uint32_t>(frames_.size() - 1);
  Context saved = context_;
  context_.key.emplace_back(site.file, facts(site.file).at(site.value).start_byte);
  run_effects(fn.file, fn.fn, frame, 1);
  context_ = std::move(saved);
}

// One Hapi route object: { method, path, handler, options | config: { auth, validate, pre,
// handler, plugins } }.
void Evaluator::hapi_route(const Abs& receiver, const Loc& route, const Loc& loc, const Value& v,
                           int depth) {
  Abs path = eval_value(object_key(route, "path"), depth + 1);
  if (path.kind != AbsKind::kString) path = dynamic_string();
  Loc options = object_key(route, "options");
  if (options.value == facts::kNoValue) options = object_key(route, "config");
  Loc handler = object_key(route, "handler");
  if (handler.value == facts::kNoValue) handler = object_key(options, "handler");
  const Loc path_loc = object_key(route, "path");
  for (const std::string& name : strings_of(object_key(route, "method"), depth)) {
    Registration r = new_registration(RegKind::kRoute, loc, v, "route");
    r.method = name == "*" ? "ALL" : upper_method(name);
    r.path = path;
    r.has_path = true;
    r.options = options;
    r.items.push_back(handler);
    if (path_loc.value != facts::kNoValue) {
      const auto& pf = facts(path_loc.file);
      r.file = path_loc.file;
      r.line = pf.line_of(pf.at(path_loc.value).start_byte);
      r.start_byte = pf.at(path_loc.value).start_byte;  // the route object's path: its site
      r.end_byte = pf.at(path_loc.value).end_byte;
    }
    instances_[receiver.instance].registrations.push_back(std::move(r));
  }
}

Abs Evaluator::hapi_call(const Abs& receiver, const std::string& method, const Loc& loc,
                         const Value& v, int depth) {
  const auto& f = facts(loc.file);
  auto arg = [&](std::uint32_t i) {
    return i < v.count ? Loc{loc.file, f.item(v, i), loc.env}
                       : Loc{loc.file, facts::kNoValue, loc.env};
  };
  if (method == "route" && v.count >= 1) {
    for (const Loc& route : flatten({arg(0)})) hapi_route(receiver, route, loc, v, depth);
    return receiver;
  }
  if (method == "auth.default" && v.count >= 1) {
    Registration r = new_registration(RegKind::kAuthDefault, loc, v, "default");
    r.items.push_back(arg(0));
    instances_[receiver.instance].registrations.push_back(std::move(r));
    return receiver;
  }
  if (method == "ext") return add_hook(receiver, loc, v, method, depth);
  if (method == "register" && v.count >= 1) {
    for (const Loc& item : flatten({arg(0)})) {
      // { plugin, options, routes: { prefix } }, or the plugin itself: { name, register } or a
      // module exporting `plugin`.
      Loc plugin_loc = object_key(item, "plugin");
      Loc routes = object_key(item, "routes");
      if (plugin_loc.value == facts::kNoValue) plugin_loc = item;
      if (routes.value == facts::kNoValue) routes = object_key(arg(1), "routes");
      Abs plugin = eval_value(plugin_loc, depth + 1);
      if (plugin.kind == AbsKind::kModule) {
        const Abs named = module_export(plugin.file, "plugin", depth + 1);
        plugin = named.kind != AbsKind::kUnknown ? named : deref(plugin, depth);
      }
      if (plugin.kind == AbsKind::kPackage) {
        Registration r = new_registration(RegKind::kPlugin, loc, v, method);
        r.items.push_back(plugin_loc);
        instances_[receiver.instance].registrations.push_back(std::move(r));
        continue;
      }
      if (plugin.kind != AbsKind::kLiteral) continue;
      const Loc plugin_value{plugin.file, plugin.value, plugin.env};
      const Abs fn = deref(eval_value(object_key(plugin_value, "register"), depth + 1));
      if (fn.kind != AbsKind::kFunction) continue;
      Registration r = new_registration(RegKind::kScope, loc, v, method);
      const Loc site{plugin.file, plugin.value, loc.env};
      const std::uint32_t child = new_instance(InstanceKind::kHapi, site);
      instances_[child].parent = static_cast<std::int32_t>(receiver.instance);
      r.child = static_cast<std::int32_t>(child);
      const Abs prefix = eval_value(object_key(routes, "prefix"), depth + 1);
      r.has_path = prefix.kind == AbsKind::kString;
      r.path = r.has_path ? prefix : string_abs("", false);
      instances_[receiver.instance].registrations.push_back(std::move(r));
      invoke(fn, {instance_abs(child), Abs{}}, site, depth + 1);
    }
    return receiver;
  }
  return receiver;
}

Abs Evaluator::instance_call(const Abs& receiver, const std::string& method, const Loc& loc,
                             const Value& v, int depth) {
  if (instances_[receiver.instance].kind == InstanceKind::kFastify) {
    return fastify_call(receiver, method, loc, v, depth);
  }
  if (instances_[receiver.instance].kind == InstanceKind::kHapi) {
    return hapi_call(receiver, method, loc, v, depth);
  }
  if (instances_[receiver.instance].kind == InstanceKind::kNestApp) {
    const auto& nf = facts(loc.file);
    if (method == "setGlobalPrefix" && v.count >= 1) {
      const Abs prefix = eval_value(Loc{loc.file, nf.item(v, 0), loc.env}, depth + 1);
      instances_[receiver.instance].prefix =
          prefix.kind == AbsKind::kString ? prefix.text : "{dynamic}";
      instances_[receiver.instance].prefix_dynamic =
          prefix.kind != AbsKind::kString || prefix.dynamic;
    } else if ((method == "use" || method == "register") && v.count >= 1) {
      // Express-level middleware (or, on the Fastify adapter, a plugin registered at the root) of
      // the Nest app: it runs before any guard, for every route.
      Registration r = new_registration(RegKind::kUse, loc, v, method);
      for (std::uint32_t i = 0; i < v.count; ++i)
        r.items.push_back(Loc{loc.file, nf.item(v, i), loc.env});
      instances_[receiver.instance].registrations.push_back(std::move(r));
    } else if (method == "useGlobalGuards" || method == "useGlobalPipes") {
      Registration r = new_registration(RegKind::kHook, loc, v, method);
      r.method = method == "useGlobalGuards" ? "guard" : "pipe";
      for (std::uint32_t i = 0; i < v.count; ++i)
        r.items.push_back(Loc{loc.file, nf.item(v, i), loc.env});
      instances_[receiver.instance].registrations.push_back(std::move(r));
    }
    return receiver;
  }
  const auto& f = facts(loc.file);
  const InstanceKind kind = instances_[receiver.instance].kind;
  const bool koa = kind == InstanceKind::kKoaApp || kind == InstanceKind::kKoaRouter;
  if (koa) {
    // router.routes() / router.middleware() is the router itself as middleware; allowedMethods()
    // answers OPTIONS/405 and is not part of any route's chain.
    if (method == "routes" || method == "middleware") return receiver;
    if (method == "allowedMethods") return unknown();
    if (method == "prefix" && v.count >= 1) {
      const Abs prefix = eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);
      instances_[receiver.instance].prefix =
          prefix.kind == AbsKind::kString ? prefix.text : "{dynamic}";
      instances_[receiver.instance].prefix_dynamic =
          prefix.kind != AbsKind::kString || prefix.dynamic;
      return receiver;
    }
  }
  Registration r = new_registration(RegKind::kUse, loc, v, method);
  std::uint32_t first = 0;
  if (receiver.kind == AbsKind::kRoute) {  // router.route('/x').get(h)
    if (!is_verb(method)) return receiver;
    r.kind = RegKind::kRoute;
    r.is_route = true;
    r.method = upper_method(method);
    r.path = string_abs(receiver.text, receiver.dynamic);
    r.has_path = true;
  } else if (method == "route" && v.count >= 1) {
    Abs route = eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);
    Abs out;
    out.kind = AbsKind::kRoute;
    out.instance = receiver.instance;
    out.text = route.kind == AbsKind::kString ? route.text : "{dynamic}";
    out.dynamic = route.kind != AbsKind::kString || route.dynamic;
    return out;
  } else if (is_verb(method)) {
    if (v.count < 2) return receiver;                    // app.get('setting') reads a setting
    if (kind == InstanceKind::kKoaApp) return receiver;  // a Koa app has no verb methods
    r.kind = RegKind::kRoute;
    r.is_route = true;
    r.method = upper_method(method);
    r.path = eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);
    r.has_path = true;
    first = 1;
    if (koa && v.count >= 3) {  // router.get('name', '/path', ...): a named route
      const Abs second = eval_value(Loc{loc.file, f.item(v, 1), loc.env}, depth + 1);
      if (r.path.kind == AbsKind::kString && second.kind == AbsKind::kString) {
        r.path = second;
        first = 2;
      }
    }
  } else if (method == "use") {
    if (v.count == 0) return receiver;
    const Abs maybe_path = eval_value(Loc{loc.file, f.item(v, 0), loc.env}, depth + 1);
    const Value& first_value = f.at(f.item(v, 0));
    // A path is a string (or a name of one); functions, routers and arrays are middleware.
    if (maybe_path.kind == AbsKind::kString ||
        (maybe_path.kind == AbsKind::kUnknown && first_value.kind != ValueKind::kName &&
         first_value.kind != ValueKind::kCall && first_value.kind != ValueKind::kMember &&
         first_value.kind != ValueKind::kArray && first_value.kind != ValueKind::kFunction &&
         v.count >= 2)) {
      r.path = maybe_path.kind == AbsKind::kString ? maybe_path : dynamic_string();
      r.has_path = true;
      first = 1;
    } else {
      r.path = string_abs("/", false);
    }
  } else {
    // A method the code added to this instance (`app.lazyUse(path, fn)`): run it.
    const auto custom = instances_[receiver.instance].methods.find(method);
    if (custom != instances_[receiver.instance].methods.end() &&
        custom->second.kind == AbsKind::kFunction) {
      std::vector<Abs> args;
      for (std::uint32_t i = 0; i < v.count; ++i) {
        args.push_back(eval_value(Loc{loc.file, f.item(v, i), loc.env}, depth + 1));
      }
      invoke(custom->second, args, loc, depth + 1);
    }
    return receiver;  // set, param, listen, engine, ...: nothing the route table needs
  }
  if (r.is_route && r.path.kind != AbsKind::kString) r.path = dynamic_string();
  for (std::uint32_t i = first; i < v.count; ++i)
    r.items.push_back(Loc{loc.file, f.item(v, i), loc.env});
  // Evaluate the arguments (and nested array elements) now, in this context: a router built
  // inline registers here, and the route table later only reads memoised results.
  for (const Loc& item : r.items) eval_value(item, depth + 1);
  flatten(r.items);
  instances_[receiver.instance].registrations.push_back(std::move(r));
  return receiver;
}

std::vector<Loc> Evaluator::flatten(const std::vector<Loc>& items) {
  std::vector<Loc> out;
  std::vector<std::pair<Loc, int>> stack;
  for (auto it = items.rbegin(); it != items.rend(); ++it) stack.emplace_back(*it, 0);
  while (!stack.empty()) {
    auto [loc, depth] = stack.back();
    stack.pop_back();
    if (loc.value == facts::kNoValue) continue;  // an absent option flattens to nothing
    // `app.use(...security)`, `[...common, auth]`: a spread stands for the array's elements.
    if (const Value& v = facts(loc.file).at(loc.value);
        v.kind == ValueKind::kSpread && v.a != facts::kNoValue && depth < 8) {
      stack.emplace_back(Loc{loc.file, v.a, loc.env}, depth + 1);
      continue;
    }
    const Abs a = deref(eval(loc), 0);
    if (a.kind == AbsKind::kLiteral && depth < 8) {
      const auto& f = facts(a.file);
      const Value& lit = f.at(a.value);
      if (lit.kind == ValueKind::kArray) {
        for (std::uint32_t i = lit.count; i-- > 0;) {
          stack.emplace_back(Loc{a.file, f.item(lit, i), a.env}, depth + 1);
        }
        continue;
      }
    }
    out.push_back(loc);
  }
  return out;
}

std::string Evaluator::name_of(const Loc& loc, int depth) const {
  if (loc.value == facts::kNoValue || depth > 8) return "(unknown)";
  const auto& f = facts(loc.file);
  const Value& v = f.at(loc.value);
  switch (v.kind) {
    case ValueKind::kName:
      return v.text;
    case ValueKind::kThis:
      return "this";
    case ValueKind::kMember:
      return name_of(Loc{loc.file, v.a, loc.env}, depth + 1) + "." + v.text;
    case ValueKind::kCall:
      return v.text + "()";
    case ValueKind::kNew:
      return "new " + name_of(Loc{loc.file, v.a, loc.env}, depth + 1) + "()";
    case ValueKind::kFunction: {
      const std::string& n = f.functions[static_cast<std::size_t>(v.index)].name;
      return n.empty() ? "(anonymous)" : n;
    }
    case ValueKind::kString:
      return "'" + v.text + "'";
    case ValueKind::kRequire:
      return "require('" + v.text + "')";
    default:
      return v.text.empty() ? "(expression)" : v.text;
  }
}

}  // namespace nodescope::model
