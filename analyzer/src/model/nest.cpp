// NestJS routes from decorators (see routes.h): every @Controller class's @Get/@Post/... methods,
// under the app's global prefix. The chain follows Nest's request pipeline: global guards
// (useGlobalGuards, APP_GUARD providers), the controller's then the method's @UseGuards, then
// pipes the same way (useGlobalPipes, APP_PIPE, @UsePipes) and the parameters' own pipes
// (`@Param('id', ParseIntPipe)`). @SkipThrottle() removes the throttler guard.
#include <array>
#include <map>
#include <string>

#include "model/evaluator.h"
#include "model/nest.h"

namespace nodescope::model {
namespace {

constexpr std::array<std::string_view, 9> kHttpDecorators = {
    "Get", "Post", "Put", "Patch", "Delete", "Options", "Head", "All", "Search"};

bool is_http_decorator(std::string_view name) {
  for (std::string_view d : kHttpDecorators) {
    if (d == name) return true;
  }
  return false;
}

// The string paths of a decorator argument: 'users', ['a', 'b'], { path: 'users' }.
std::vector<Abs> paths_of(Evaluator& ev, std::uint32_t file, const facts::Decorator& d) {
  std::vector<Abs> out;
  if (d.args.empty()) {
    Abs empty;
    empty.kind = AbsKind::kString;
    out.push_back(empty);
    return out;
  }
  Loc arg{file, d.args[0], 0};
  const Loc path = ev.object_key(arg, "path");
  if (path.value != facts::kNoValue) arg = path;
  for (const Loc& one : ev.flatten({arg})) {
    Abs a = ev.eval(one);
    if (a.kind != AbsKind::kString) {
      a.kind = AbsKind::kString;
      a.text = "{dynamic}";
      a.dynamic = true;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace

void build_nest_routes(Evaluator& ev, const NestHelpers& helpers, std::vector<Route>& out,
                       std::vector<App>& apps) {
  const Program& program = ev.program();
  // The app: global prefix and global guards/pipes (the first NestFactory.create app).
  std::string global_prefix;
  bool prefix_dynamic = false;
  std::vector<RouteMiddleware> global_guards;
  std::vector<RouteMiddleware> global_pipes;
  std::vector<RouteMiddleware> global_middleware;  // app.use(...): before every guard
  std::int32_t app = -1;
  for (std::size_t i = 0; i < ev.instances().size(); ++i) {
    const Instance inst = ev.instances()[i];  // a copy: evaluation below must not invalidate it
    if (inst.kind != InstanceKind::kNestApp) continue;
    global_prefix = inst.prefix;
    prefix_dynamic = inst.prefix_dynamic;
    for (const Registration& r : inst.registrations) {
      for (const Loc& item : ev.flatten(r.items)) {
        RouteMiddleware m = helpers.describe(item, r.conditional);
        if (r.kind == RegKind::kUse) {
          global_middleware.push_back(std::move(m));
        } else {
          (r.method == "guard" ? global_guards : global_pipes).push_back(std::move(m));
        }
      }
    }
    const facts::Value& site = ev.facts(inst.site.file).at(inst.site.value);
    apps.push_back(App{"nestjs",
                       SourceSpan{program.files()[inst.site.file].path, site.start_byte,
                                  site.end_byte, ev.facts(inst.site.file).line_of(site.start_byte)},
                       {},
                       false});
    app = static_cast<std::int32_t>(apps.size() - 1);
    break;
  }
  // APP_GUARD / APP_PIPE providers in any @Module.
  for (std::uint32_t file = 0; file < program.files().size(); ++file) {
    for (const facts::ClassFacts& c : ev.facts(file).classes) {
      for (const facts::Decorator& d : c.decorators) {
        if (d.name != "Module" || d.args.empty()) continue;
        for (const Loc& p : ev.flatten({ev.object_key(Loc{file, d.args[0], 0}, "providers")})) {
          const std::string provide = ev.name_of(ev.object_key(p, "provide"));
          if (provide != "APP_GUARD" && provide != "APP_PIPE") continue;
          Loc use = ev.object_key(p, "useClass");
          if (use.value == facts::kNoValue) use = ev.object_key(p, "useValue");
          if (use.value == facts::kNoValue) continue;
          (provide == "APP_GUARD" ? global_guards : global_pipes)
              .push_back(helpers.describe(use, false));
        }
      }
    }
  }

  // RouterModule.register([{ path, module, children }]) in any @Module's imports: the controllers
  // of each module (its @Module({ controllers })) get the path, nested through children.
  std::map<std::string, std::vector<std::string>> controllers_of;  // module class -> controllers
  std::vector<std::pair<Loc, std::string>> router_entries;         // route objects, parent path
  for (std::uint32_t file = 0; file < program.files().size(); ++file) {
    for (const facts::ClassFacts& c : ev.facts(file).classes) {
      for (const facts::Decorator& d : c.decorators) {
        if (d.name != "Module" || d.args.empty()) continue;
        const Loc module_def{file, d.args[0], 0};
        for (const Loc& ctl : ev.flatten({ev.object_key(module_def, "controllers")})) {
          controllers_of[c.name].push_back(ev.name_of(ctl));
        }
        for (const Loc& imp : ev.flatten({ev.object_key(module_def, "imports")})) {
          const facts::Value& v = ev.facts(imp.file).at(imp.value);
          if (v.kind != facts::ValueKind::kCall || v.text != "RouterModule.register" ||
              v.count == 0) {
            continue;
          }
          for (const Loc& entry :
               ev.flatten({Loc{imp.file, ev.facts(imp.file).item(v, 0), imp.env}})) {
            router_entries.emplace_back(entry, "");
          }
        }
      }
    }
  }
  std::map<std::string, std::string> router_prefix;  // controller class -> RouterModule path
  for (std::size_t i = 0; i < router_entries.size() && i < 1000; ++i) {
    const auto [entry, parent] = router_entries[i];
    const Abs path = ev.eval(ev.object_key(entry, "path"));
    const std::string here =
        helpers.join(parent, path.kind == AbsKind::kString ? path.text : "{dynamic}");
    const Loc module = ev.object_key(entry, "module");
    if (module.value != facts::kNoValue) {
      for (const std::string& ctl : controllers_of[ev.name_of(module)]) router_prefix[ctl] = here;
    }
    for (const Loc& child : ev.flatten({ev.object_key(entry, "children")})) {
      router_entries.emplace_back(child, here);
    }
  }

  for (std::uint32_t file = 0; file < program.files().size(); ++file) {
    const auto& f = ev.facts(file);
    for (const facts::ClassFacts& c : f.classes) {
      const facts::Decorator* controller = nullptr;
      bool class_skip_throttle = false;
      std::vector<RouteMiddleware> class_guards;
      std::vector<RouteMiddleware> class_pipes;
      for (const facts::Decorator& d : c.decorators) {
        if (d.name == "Controller") controller = &d;
        if (d.name == "SkipThrottle") class_skip_throttle = true;
        if (d.name == "UseGuards" || d.name == "UsePipes") {
          for (facts::ValueId a : d.args) {
            (d.name == "UseGuards" ? class_guards : class_pipes)
                .push_back(helpers.describe(Loc{file, a, 0}, false));
          }
        }
      }
      if (controller == nullptr) continue;
      for (const Abs& prefix : paths_of(ev, file, *controller)) {
        for (const facts::MethodFacts& m : c.methods) {
          std::vector<RouteMiddleware> guards = global_guards;
          guards.insert(guards.end(), class_guards.begin(), class_guards.end());
          std::vector<RouteMiddleware> pipes = global_pipes;
          pipes.insert(pipes.end(), class_pipes.begin(), class_pipes.end());
          bool skip_throttle = class_skip_throttle;
          std::vector<const facts::Decorator*> verbs;
          for (const facts::Decorator& d : m.decorators) {
            if (is_http_decorator(d.name)) verbs.push_back(&d);
            if (d.name == "SkipThrottle") skip_throttle = true;
            if (d.name == "UseGuards" || d.name == "UsePipes") {
              for (facts::ValueId a : d.args) {
                (d.name == "UseGuards" ? guards : pipes)
                    .push_back(helpers.describe(Loc{file, a, 0}, false));
              }
            }
          }
          // Parameter pipes: every non-string argument of @Body/@Query/@Param/... decorators.
          for (const facts::ParamFacts& p : m.params) {
            for (const facts::Decorator& d : p.decorators) {
              for (facts::ValueId a : d.args) {
                if (f.at(a).kind == facts::ValueKind::kString) continue;
                pipes.push_back(helpers.describe(Loc{file, a, 0}, false));
              }
            }
          }
          for (const facts::Decorator* verb : verbs) {
            for (const Abs& path : paths_of(ev, file, *verb)) {
              Route route;
              route.method = verb->name == "All" ? "ALL" : upper_method(verb->name);
              const auto routed = router_prefix.find(c.name);
              const std::string module_prefix =
                  routed == router_prefix.end() ? std::string() : routed->second;
              route.path = helpers.join(
                  helpers.join(helpers.join(global_prefix, module_prefix), prefix.text), path.text);
              route.file = program.files()[file].path;
              route.line = f.line_of(verb->start_byte);
              route.framework = "nestjs";
              route.handler = c.name + "." + m.name;
              route.dynamic = prefix_dynamic || prefix.dynamic || path.dynamic;
              route.app = app;
              route.site = SourceSpan{
                  route.file, verb->start_byte,
                  verb->start_byte + 1 + static_cast<std::uint32_t>(verb->name.size()), route.line};
              route.handler_site = helpers.method_span(file, m.start_byte);
              route.handler_code = route.handler_site;
              route.middleware = global_middleware;
              route.middleware.insert(route.middleware.end(), guards.begin(), guards.end());
              route.middleware.insert(route.middleware.end(), pipes.begin(), pipes.end());
              if (skip_throttle) {
                std::erase_if(route.middleware,
                              [](const RouteMiddleware& mw) { return mw.kind == "rate-limit"; });
              }
              helpers.finish(route);
              out.push_back(std::move(route));
            }
          }
        }
      }
    }
  }
}

}  // namespace nodescope::model
