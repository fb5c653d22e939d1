// The rule interface. A rule is one small class (clang-tidy style) with metadata in code and up to
// three hooks, called by the engine (cppcheck's per-file then whole-program split):
//   on_node   - during the single walk of each file, for the node kinds the rule subscribes to;
//   end_file  - once the walk of a file is done: judge what was seen, optionally keep facts;
//   analyze   - once, after every file, over the facts kept by end_file.
// A rule reports through its context; the engine owns ids, severities, locations, fingerprints and
// output. Rules are const and stateless: per-file state lives in the context, so files can be
// processed on any thread in any order. No tree-sitter here: node access is in syntax.h.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nodescope/facts.h"
#include "nodescope/result.h"

namespace nodescope {

class SyntaxNode;  // syntax.h

struct RuleMeta {
  std::string_view id;       // "pack/name", equal to the rule's folder under rules/
  std::string_view summary;  // one sentence; also the first sentence of the rule's README
  Severity severity = Severity::kWarning;
  Confidence confidence = Confidence::kMedium;
  std::span<const int> cwe;                      // CWE numbers; required for security/ rules
  std::span<const std::string_view> tags;        // e.g. "security", "owasp-a03"
  std::span<const std::string_view> node_kinds;  // tree-sitter node kinds for on_node
  // Whether the rule reads the backend model (routes, value facts) in its whole-program phase.
  // The engine extracts the model's facts only when some consumer needs them.
  bool needs_model = false;
};

// Per-file scratch state of one rule; derive from it.
struct RuleState {
  virtual ~RuleState() = default;
};

// Facts a rule keeps from one file for its whole-program phase; derive from it.
struct RuleFacts {
  virtual ~RuleFacts() = default;
};

// What a rule sees of the file being walked.
class FileContext {
 public:
  virtual ~FileContext() = default;
  virtual std::string_view path() const = 0;  // relative to the scan root
  virtual Language language() const = 0;
  virtual std::string_view source() const = 0;
  // The node's source text ("" for a null node).
  virtual std::string_view text(const SyntaxNode& node) const = 0;
  virtual Range range(const SyntaxNode& node) const = 0;
  // Report at a node or a range with the rule's default severity and confidence, or the given one.
  virtual void report(const SyntaxNode& node, std::string message) = 0;
  virtual void report(const Range& range, std::string message, Confidence confidence) = 0;
  // The module binding of a local name in this file (the last one, in source order), or null.
  // Complete in end_file; during on_node it holds the bindings seen so far.
  virtual const ImportBinding* import_of(std::string_view local) const = 0;
  // Whether `name` is declared exactly once in this file, as `const name = <constant>` (a string,
  // number, template without substitutions, or a `+` of constants). Complete in end_file.
  virtual bool is_constant_name(std::string_view name) const = 0;

  // The calling rule's state for this file, created on first use.
  template <class T>
  T& state() {
    std::unique_ptr<RuleState>& slot = state_slot();
    if (!slot) slot = std::make_unique<T>();
    return static_cast<T&>(*slot);
  }

  // A per-file slot shared by every rule, keyed by type T (ADR 0004): for work several rules
  // consume, computed once per file (the data-flow summaries of rules/dataflow). Created on first
  // use, destroyed with the file's context; rules coordinate who fills it (see the ADR).
  template <class T>
  T& shared() {
    std::unique_ptr<RuleState>& slot = shared_slot(shared_key<T>());
    if (!slot) slot = std::make_unique<T>();
    return static_cast<T&>(*slot);
  }

 protected:
  virtual std::unique_ptr<RuleState>& state_slot() = 0;
  // The shared slot for a type key (the address of a per-type static).
  virtual std::unique_ptr<RuleState>& shared_slot(const void* key) = 0;

 private:
  template <class T>
  static const void* shared_key() {
    static const char kKey = 0;
    return &kKey;
  }
};

// The backend model as rules see it (only for rules whose metadata says `needs_model`).
class ModelView {
 public:
  virtual ~ModelView() = default;
  // Every route, sorted as `nodescope routes` prints them; Route::app indexes apps().
  virtual std::span<const Route> routes() const = 0;
  virtual std::span<const App> apps() const = 0;
  // The frameworks the routes use, with the versions the project pins.
  virtual std::span<const FrameworkVersion> frameworks() const = 0;
  // The scanned file a module specifier names when imported from `from_path` (relative paths,
  // tsconfig aliases, workspace packages), or "" when it is not one of the project's files.
  virtual std::string resolve_module(std::string_view from_path, std::string_view spec) const = 0;
  // Whether some package.json of the project declares `package` (any dependency section).
  virtual bool has_dependency(std::string_view package) const = 0;
  // Whether a scanned file is a test file: the one answer for every rule. By the configuration
  // file's "tests" patterns when one matches; else by name (*.test.*, *.spec.*, *.e2e-spec.*), by
  // folder (test/, tests/, __tests__/, e2e/, spec/, __mocks__/, fixtures/, __fixtures__/) or by
  // importing a test framework or supertest.
  virtual bool is_test_file(std::string_view path) const = 0;
  // How many HTTP requests the project's tests send (supertest, inject, chai-http, frisby, local
  // axios/fetch/got), matched with a route or not; Route::tested says which routes they reach.
  virtual std::size_t test_request_count() const = 0;
};

// What a rule sees in the whole-program phase.
class ProgramContext {
 public:
  virtual ~ProgramContext() = default;
  // Facts the calling rule kept, one entry per file that kept any, in path order.
  struct FileFacts {
    std::string_view path;
    const RuleFacts* facts;
  };
  virtual std::span<const FileFacts> facts() const = 0;
  // Report at a range in a file (ranges come from facts recorded during the per-file phase).
  virtual void report(std::string_view path, const Range& range, std::string message,
                      Confidence confidence) = 0;
  // Report at a span the model gave (app creation, route registration); the engine computes the
  // range from the file's text.
  virtual void report(const SourceSpan& at, std::string message, Confidence confidence) = 0;
  // The backend model; null unless the rule's metadata says `needs_model`.
  virtual const ModelView* model() const { return nullptr; }
  // Report at a range with the traced flow from source to sink (steps in order; ranges from facts
  // recorded during the per-file phase).
  virtual void report_flow(std::string_view path, const Range& range, std::string message,
                           Confidence confidence, std::vector<FlowStep> flow) {
    (void)flow;
    report(path, range, std::move(message), confidence);
  }
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleMeta& meta() const = 0;
  virtual void on_node(const SyntaxNode& /*node*/, FileContext& /*ctx*/) const {}
  virtual std::unique_ptr<RuleFacts> end_file(FileContext& /*ctx*/) const { return nullptr; }
  virtual void analyze(ProgramContext& /*ctx*/) const {}
};

// The explicit, sorted list of every rule (rules/registry.cpp).
std::span<const Rule* const> all_rules();

// The id under which the engine itself reports unused or malformed nodescope-ignore comments.
// Its rule (rules/meta/unused-suppression) carries metadata and docs only: suppressions are the
// engine's, and the engine reports them only when that rule is among the rules it runs.
inline constexpr std::string_view kUnusedSuppressionRuleId = "meta/unused-suppression";

// A rule's README.md (markdown), embedded at build time (ADR 0003); "" for an unknown id.
std::string_view rule_readme(std::string_view id);

}  // namespace nodescope
