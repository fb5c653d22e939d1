// Per-file fact extraction that runs during the engine's single walk of each tree: module
// bindings (for rules' import_of) and the value facts the backend model is built from (see
// values.h). The extractor subscribes to node kinds like rules do and records plain data
// (strings, indices, Ranges), never nodes, so facts outlive the tree. It is stateful per file:
// the walk is pre-order, and it keeps the stack of enclosing functions and conditionals.
#pragma once

#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/values.h"
#include "fs/path_globs.h"
#include "nodescope/facts.h"
#include "nodescope/syntax.h"
#include "parse/line_index.h"

namespace nodescope::facts {

// A request a test sends to the app under test (supertest, light-my-request `inject`, chai-http,
// frisby, axios/fetch/got to a local URL). Recorded in model mode, only in test files.
struct TestRequest {
  std::string method;  // GET, POST, ...; "" when the test chooses it at run time (any method)
  // The path without origin, query or fragment; kTestWildcard stands for a part only known at run
  // time (`/users/${id}` -> "/users/\x01"). Empty when nothing of the path is known: the request
  // still shows the project has HTTP tests, but matches no route.
  std::string path;
  std::uint32_t line = 0;  // of the method name (`.get`) or the call
};
inline constexpr char kTestWildcard = '\x01';

struct FileFacts {
  std::vector<ImportBinding> imports;  // in source order
  ValueFacts values;
  bool test_file = false;                  // by name, folder or imports (model mode only)
  std::vector<TestRequest> test_requests;  // in source order (model mode, test files only)

  const ImportBinding* import_of(std::string_view local) const;
  bool is_constant_name(std::string_view name) const;  // see FileContext::is_constant_name
};

// Whether a path (relative to the scan root) names a test file: *.test.*, *.spec.*, *.e2e-spec.*,
// or a file under test/, tests/, __tests__/, e2e/, spec/, __mocks__/, fixtures/ or __fixtures__/.
// `globs` (the configuration file's "tests"), when one of them matches, decide instead: a
// positive match makes it a test file, a negated one (`!pattern`) makes it not one.
bool is_test_path(std::string_view path, const fs::PathGlobs* globs = nullptr);

// The node kinds the extractor wants to see during the walk: all of them for the model, or the
// few that module bindings and constant names need (the light mode, when nothing reads the model).
std::span<const std::string_view> extractor_node_kinds(bool model);

class Extractor {
 public:
  // `path` (relative to the scan root) tells test files by name and folder, and by
  // `test_globs` (the configuration file's test patterns) when given.
  Extractor(std::string_view source, const parse::LineIndex& lines, FileFacts& out, bool model,
            std::string_view path = {}, const fs::PathGlobs* test_globs = nullptr);
  // Called by the engine for each node of a subscribed kind, in pre-order.
  void on_node(const SyntaxNode& node);

 private:
  struct Open {
    std::uint32_t end_byte;
    FunctionId id;
  };
  void leave_until(std::uint32_t byte);
  FunctionId current_function() const { return functions_.empty() ? 0 : functions_.back().id; }
  bool in_conditional() const { return !conditionals_.empty(); }

  struct Items;
  void store(Value& v, const Items& items);
  FunctionId function_of(const SyntaxNode& node);
  ValueId value_of(const SyntaxNode& node, int depth);
  ValueId add(Value v, const SyntaxNode& node);
  ValueId member_value(ValueId object, std::string key, const SyntaxNode& where);
  std::string_view text(const SyntaxNode& node) const;
  std::string string_contents(const SyntaxNode& node) const;
  Range range(const SyntaxNode& node) const;

  void on_import(const SyntaxNode& node);
  void on_export(const SyntaxNode& node);
  void on_declaration(const SyntaxNode& node);
  bool light_wanted(const SyntaxNode& declarator) const;
  void on_declarator(const SyntaxNode& declarator, bool is_const, FunctionId scope);
  void on_assignment(const SyntaxNode& node);
  void on_function(const SyntaxNode& node);
  void on_return(const SyntaxNode& node);
  void on_statement(const SyntaxNode& node);
  void bind(std::string_view name, ValueId value, std::uint32_t at, bool is_const,
            FunctionId scope);
  void bind_pattern(const SyntaxNode& pattern, ValueId value, std::uint32_t at, bool is_const,
                    FunctionId scope, int depth);
  void add_effect(const SyntaxNode& call, bool conditional);
  void on_class(const SyntaxNode& node);
  void on_class_shape(const SyntaxNode& node);
  Decorator decorator_of(const SyntaxNode& node);
  bool may_register(const SyntaxNode& call) const;
  bool may_return_object(const SyntaxNode& expr) const;

  // Test requests (test_requests.cpp).
  bool in_test_file();
  void on_test_call(const SyntaxNode& call);
  enum class Client : std::uint8_t { kNone, kApp, kLocalHttp };
  Client client_of(const SyntaxNode& receiver, std::string* base, int depth);
  bool is_app_client_call(const SyntaxNode& call) const;
  void remember_client(const SyntaxNode& call, Client kind, std::string base);
  bool path_of(const SyntaxNode& node, std::string& out, int depth) const;
  std::string const_string(std::string_view name) const;
  void add_test_request(std::string method, const SyntaxNode& url, Client kind,
                        const std::string& base, std::uint32_t at);

  std::string_view source_;
  bool model_ = true;
  const parse::LineIndex& lines_;
  FileFacts& out_;
  std::vector<Open> functions_;
  std::vector<std::uint32_t> conditionals_;  // end bytes of enclosing if/ternary nodes
  std::unordered_map<std::uint32_t, FunctionId> function_at_;  // start byte -> id
  int budget_ = 0;                 // values left for the expression being converted
  std::int32_t field_class_ = -1;  // the class whose field initialisers are being converted
  std::int32_t this_class() const;
  bool test_path_ = false;           // a test file by name or folder
  std::size_t imports_checked_ = 0;  // imports already looked at for test frameworks
  // Names bound in this test file to HTTP clients: supertest-like (base "") or local HTTP
  // clients with their base path (axios.create({ baseURL: 'http://localhost:3000/api' })).
  struct ClientName {
    std::string name;
    Client kind;
    std::string base;
  };
  std::vector<ClientName> clients_;
};

}  // namespace nodescope::facts
