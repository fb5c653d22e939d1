// The per-file value facts the backend model is built from: a small symbolic form of what a file
// binds (names to expressions), exports, calls for their effect (registrations such as
// `router.get(...)`), and which functions it defines with their parameters and returns. Values
// live in one arena per file and refer to each other by index; nothing here refers to a tree
// node, so facts outlive the tree. Cross-file meaning (which module, which app) is the model's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nodescope/result.h"

namespace nodescope::facts {

using ValueId = std::int32_t;
inline constexpr ValueId kNoValue = -1;
using FunctionId = std::int32_t;  // 0 is the module scope; functions are numbered from 1

enum class ValueKind : std::uint8_t {
  kUnknown,      // not modelled; text holds a short source snippet
  kString,       // text: the literal's value
  kNumber,       // text: as written
  kTemplate,     // items: parts (kString chunks and substitutions)
  kConcat,       // a + b
  kName,         // text: identifier; scope: innermost function at the use
  kMember,       // a.text
  kCall,         // a(items...); text: the callee's source text (white space folded)
  kNew,          // new a(items...)
  kRequire,      // require('text') / a module an import names
  kFunction,     // function: index
  kArray,        // [items...]
  kObject,       // { keys[i]: items[i] } (spreads have key "...")
  kConditional,  // cond ? a : b, or a || b / a ?? b (either may be the value)
  kSpread,       // ...a
  kThis,         // this
  kAssign,       // a.text = b, for a function b (an effect: `app.lazyUse = function ...`)
  kClass,        // a class declaration: index into ValueFacts::shapes, text: its name
};

// Items (call arguments, array elements, object values, template parts) live in the file's
// item pool at [first, first + count); an object's keys are at the same positions in the key pool.
// Positions are byte offsets; lines and columns are computed on demand (ValueFacts::line_of), so
// extraction stays cheap on the hot path.
struct Value {
  ValueKind kind = ValueKind::kUnknown;
  FunctionId scope = 0;
  std::int32_t index = -1;
  ValueId a = kNoValue;
  ValueId b = kNoValue;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::string text;
};

struct Function {
  std::string name;  // declared or assigned name, "" when anonymous
  FunctionId parent = 0;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::vector<std::string> params;  // "" for destructured or otherwise complex parameters
  std::vector<ValueId> returns;     // return statements and an arrow's expression body
  bool is_async = false;
  bool arrow = false;             // an arrow function (keeps the `this` of where it is written)
  std::int32_t owner_class = -1;  // a method: index into ValueFacts::shapes
};

// `const name = value` (also let/var, function and class declarations, `name = value`).
struct Binding {
  std::string name;
  FunctionId scope = 0;
  ValueId value = kNoValue;
  std::uint32_t start_byte = 0;  // where the binding is made
  bool is_const = false;
};

// What a module exports. name "" is CommonJS `module.exports = value`; "default" is ESM's
// default; re-exports carry `from` (and `imported`, or star for `export * from`).
struct Export {
  std::string name;
  ValueId value = kNoValue;
  std::string from;
  std::string imported;
  bool star = false;
};

// A call made for its effect: an expression statement (through await/void/&&), or an arrow's
// expression body. Registrations, mounts and registration-function calls are among these.
struct Effect {
  ValueId call = kNoValue;
  FunctionId scope = 0;
  bool conditional = false;  // inside an if / ternary / && within the file
};

// A decorator: `@Get(':id')` -> name "Get", args [':id'].
struct Decorator {
  std::string name;  // the callee as written: "Get", "UseGuards", "nest.Get"
  std::vector<ValueId> args;
  std::uint32_t start_byte = 0;
};

struct ParamFacts {
  std::vector<Decorator> decorators;  // @Body(), @Param('id', ParseIntPipe)
  std::string type;                   // the annotation's type name, e.g. "CreateUserDto"
};

struct MethodFacts {
  std::string name;
  std::uint32_t start_byte = 0;
  std::vector<Decorator> decorators;
  std::vector<ParamFacts> params;
};

// What the model needs of any class (class-based apps: `this.app = express()` in a constructor,
// `public router = Router()` as a field, `this.initializeRoutes()`): its methods and the values
// assigned to its properties. Properties are per class, not per instance (a static
// approximation: one instance per class is the common case for apps and routers).
// `this` inside a method (or an arrow function within one) is a kThis value whose index is the
// class.
struct ClassShape {
  std::string name;
  FunctionId constructor = 0;  // 0: none
  std::vector<std::pair<std::string, FunctionId>> methods;
  std::vector<std::pair<std::string, ValueId>> props;  // fields and `this.x = v`, source order
};

// A class with decorators (NestJS controllers, modules, DTOs).
struct ClassFacts {
  std::string name;
  std::uint32_t start_byte = 0;
  std::vector<Decorator> decorators;
  std::vector<MethodFacts> methods;
  std::vector<std::pair<std::string, std::vector<Decorator>>> properties;  // DTO fields
};

struct ValueFacts {
  std::vector<Value> values;
  std::vector<ValueId> item_pool;
  std::vector<std::string> key_pool;       // parallel to item_pool; "" where a position has no key
  std::vector<std::uint32_t> line_starts;  // byte offset of each line's first byte
  std::vector<Function> functions;         // index 0 is the module scope
  std::vector<Binding> bindings;
  std::vector<Export> exports;
  std::vector<Effect> effects;      // in source order
  std::vector<ClassFacts> classes;  // classes that carry decorators, in source order
  std::vector<ClassShape> shapes;   // every class declaration, in source order

  const Value& at(ValueId id) const { return values[static_cast<std::size_t>(id)]; }
  ValueId item(const Value& v, std::uint32_t i) const { return item_pool[v.first + i]; }
  const std::string& key(const Value& v, std::uint32_t i) const { return key_pool[v.first + i]; }
  // 1-based line of a byte offset.
  std::uint32_t line_of(std::uint32_t byte) const;
};

}  // namespace nodescope::facts
