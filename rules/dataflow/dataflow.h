// Shared intra-procedural data flow for the source-to-sink rules (security/unvalidated-input,
// sql-injection, command-injection, path-traversal, open-redirect, ssrf). Per file, every function
// with parameters gets a summary: "parameter i (at member path p) reaches sink S at range R", the
// calls it makes to project functions with tainted arguments, whether it validates, and the
// allow-list checks it makes. The summaries are computed ONCE per file however many rules consume
// them (FileContext::shared, ADR 0004): the first consumer to see a node in a file feeds the walk,
// every consumer's end_file gets the same shared_ptr. The whole-program join (Joiner) matches
// routes to handler summaries and follows calls into project functions up to two levels deep.
// Not here: rule judgement (which sinks and sources count, messages), I/O, tree-sitter in this
// header (node access is syntax.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nodescope/rule.h"
#include "nodescope/syntax.h"

namespace nodescope::dataflow {

// A value derived from a function parameter: parameter index and member path ("body.email").
struct Source {
  std::uint8_t param = 0;
  std::string path;
  // The value sits after a constant prefix that fixes the URL's origin (`/users/${id}`,
  // `https://api.x.com/${id}`): it cannot choose where a redirect or request goes. Not part of
  // equality (the first occurrence wins in a merge).
  bool in_path = false;
  bool operator==(const Source& o) const { return param == o.param && path == o.path; }
};
using Taint = std::vector<Source>;

enum class SinkKind : std::uint8_t {
  kDb,
  kSql,
  kExec,
  kFs,
  kEval,
  kRedirect,
  kHttp,
  kFileSend,  // res.sendFile / res.download / ctx.attachment-like file sends (extra sinks)
};

std::string_view describe(SinkKind k);

struct SinkHit {
  SinkKind kind = SinkKind::kDb;
  std::string label;  // "User.findOne()"
  Range range;
  Taint taint;
  std::string spec;            // non-empty: the receiver comes from this project module, which must
                               // define a database object (checked by the Joiner)
  std::string method;          // the called method or function ("query", "where", "exec")
  Taint first;                 // the first argument's taint alone
  bool first_dynamic = false;  // the first argument is a string built at run time
  bool first_object = false;   // the first argument is an object literal (axios({ url }))
  bool first_options = false;  // a later argument is an options object with `root` (sendFile)
  bool url_keyed = false;      // the taint is that of the url/host keys of an options object
  bool mongo = false;          // the receiver is bound to mongoose or the MongoDB driver
};

struct CallEdge {
  std::string spec;  // "" for a function of the same file
  std::string name;  // the function or method called
  std::string cls;   // the class that holds it, when known
  std::uint8_t arg = 0;
  Taint taint;
  Range range;  // of the call
};

struct NestParam {
  std::uint8_t index = 0;
  std::string decorator;  // Body, Query, Param, Headers, Req, Request
  std::string type;       // the declared type name, "" when none or not a plain name
  std::string type_spec;  // where the type is imported from ("" when local or unknown)
  bool piped = false;     // a pipe argument: @Param('id', ParseIntPipe)
};

// A check that constrains a value to known values (`ALLOWED.includes(x)`, `set.has(x)`,
// `x === 'a'`), at a byte offset: sinks after it do not count the source.
struct AllowCheck {
  std::uint32_t byte = 0;
  Source source;
  bool prefix = false;  // a containment check (`startsWith`, `includes('..')`), not an allow-list
};

struct Summary {
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::string name;
  std::string cls;
  std::vector<std::string> params;  // "" for destructured ones
  std::vector<NestParam> nest;
  bool validates = false;
  std::vector<SinkHit> sinks;
  std::vector<CallEdge> calls;
  std::vector<SinkHit> extra;  // sinks only the newer rules read (kFileSend)
  std::vector<AllowCheck> allow_checks;
  Range params_range;  // the parameter list (where request input enters a handler)
  bool extra_only() const { return sinks.empty() && calls.empty() && nest.empty(); }
  // Whether `s` was checked before byte `before` (prefix checks count when `with_prefix`).
  bool allow_checked(const Source& s, std::uint32_t before, bool with_prefix) const;
};

// One file's summaries, shared by every consumer rule.
struct FileSummary {
  std::vector<Summary> functions;  // sorted by start_byte
  bool defines_db = false;
  bool defines_mongo = false;          // a database object made with mongoose or the MongoDB driver
  std::vector<std::string> reexports;  // project specs this file re-exports or requires
  std::set<std::string> dtos;          // classes validated by class-validator decorators
  std::set<std::string> classes;       // every class declared here
};

// What a consumer rule keeps per file.
struct Facts : RuleFacts {
  std::shared_ptr<const FileSummary> summary;
};

// The node kinds a consumer must subscribe to (all of them, so any consumer can feed).
inline constexpr std::array<std::string_view, 14> kNodeKinds = {
    "function_declaration", "generator_function_declaration",
    "function_expression",  "function",
    "generator_function",   "arrow_function",
    "method_definition",    "variable_declarator",
    "class_declaration",    "call_expression",
    "new_expression",       "abstract_class_declaration",
    "export_statement",     "import_statement"};

// Call from the consumer's on_node: the first consumer to call it in a file feeds the walk; the
// others return at once.
void feed(const SyntaxNode& node, FileContext& ctx, const Rule* consumer);
// Call from the consumer's end_file: the file's summary (computed by the first caller), or null
// when the file has nothing a consumer could use.
std::shared_ptr<const FileSummary> finish(FileContext& ctx);
// end_file for a consumer: the Facts to keep, or null.
std::unique_ptr<RuleFacts> end_file(FileContext& ctx);

bool path_under(const std::string& path, std::string_view prefix);

// A source to sink flow found by the join.
struct Hit {
  std::string file;
  Range range;
  std::string source;  // "req.query.id"
  std::string sink;    // "db.query()"
  SinkKind kind = SinkKind::kDb;
  std::string via;              // the project function the flow goes through, "" when direct
  bool validates = false;       // some function on the way calls a schema validator
  std::vector<FlowStep> steps;  // collect_selected only: calls on the way, then the sink
};

// One finding per sink: the first route (in table order) whose join reaches a sink names it;
// later routes reaching the same sink are only counted.
class HitGroups {
 public:
  struct Group {
    Hit hit;
    std::string route;  // "POST /users"
    int others = 0;     // other routes that reach the same sink
    bool validated = false;
  };
  // `h`, reached from `route`: its new group when its sink is new (for the caller to complete),
  // else null.
  Group* add(Hit&& h, const std::string& route);
  // The groups, in the order their sinks were first reached.
  std::vector<const Group*> in_order() const;

 private:
  std::map<std::pair<std::string, std::uint32_t>, Group> groups_;
  std::vector<std::pair<std::string, std::uint32_t>> order_;
};

// How a message counts the other routes of a group: " (and 2 other routes)", or "" for none.
std::string other_routes(int others);

class Joiner {
 public:
  Joiner(ProgramContext& ctx, const ModelView& model);

  const FileSummary* facts(const std::string& path) const;
  const Summary* at(const std::string& path, std::uint32_t start) const;
  std::string resolve(const std::string& from, const std::string& spec) const;
  bool db_module(const std::string& from, const std::string& spec) const;
  // `all`: also functions summarised only for their extra sinks (the newer rules); without it the
  // lookup sees exactly the functions unvalidated-input always saw, so its joins do not change.
  const Summary* named(const std::string& path, const std::string& name, const std::string& cls,
                       bool all = false) const;
  std::pair<std::string, const Summary*> target(const std::string& from, const CallEdge& e,
                                                bool all = false) const;
  bool sink_holds(const std::string& file, const SinkHit& s) const;

  using Accept = std::function<bool(const Source&, std::string&)>;
  // Whether a consumer counts a sink, and which of its taint (`out`).
  using Select = std::function<bool(const SinkHit&, Taint& out)>;

  // unvalidated-input's join: stops at functions that validate; every sink of `sinks`.
  void collect(const std::string& file, const Summary& fn, const Accept& accept, int depth,
               const std::string& via, std::vector<Hit>& out) const;
  // The newer rules' join: does not stop at validation (records it in the hit), reads sinks and
  // extra sinks through `select`, drops sources allow-checked before the sink.
  void collect_selected(const std::string& file, const Summary& fn, const Accept& accept,
                        const Select& select, bool with_prefix, bool mongo_only, int depth,
                        const std::string& via, bool validates, std::vector<Hit>& out,
                        std::vector<FlowStep> trail = {}) const;
  // Like db_module, for a database object made with mongoose or the MongoDB driver.
  bool mongo_module(const std::string& from, const std::string& spec) const;

  // Which parameter paths of a route's handler are request input; false when none can be.
  // `dto_prefixes`: when given, Nest parameters typed with a validating DTO are sources too, and
  // their names as messages start them ("@Body() dto") are added (the caller lowers confidence).
  bool route_accept(const Route& route, const Summary& fn, Accept& out,
                    std::vector<std::string>* dto_prefixes = nullptr) const;

 private:
  static bool accept_prefix(const Accept& accept, const Source& src);
  const ModelView& model_;
  std::map<std::string, const FileSummary*> by_path_;
};

// The shared analyze of the source-to-sink rules: every route's handler is joined, sinks chosen
// by `select`; one finding per sink (the first route in table order names it, others counted).
// `noun` names the sink family in messages ("SQL query"). Findings where a schema validation runs
// on the route or in the handler get low confidence, others high (medium through a helper).
struct RouteRule {
  Joiner::Select select;
  std::string_view noun;
  // Containment checks (`startsWith`, `includes('..')`) sanitise too (paths, URLs).
  bool with_prefix = false;
  // Sinks must be mongoose / MongoDB driver objects (directly, or a project module making one).
  bool mongo_only = false;
  // Whether a source (as named in messages: "req.query.email") counts on this route; null: all.
  std::function<bool(const Route&, const std::string&)> source_ok = nullptr;
  // Whether the route as a whole is sanitised for this rule; null: none is.
  std::function<bool(const Route&)> route_safe = nullptr;
  // Nest parameters typed with a class-validator DTO count as sources at low confidence (a DTO
  // checks types and formats, not what a SQL string or a path may contain).
  bool dto_sources = true;
};
void analyze_routes(ProgramContext& ctx, const RouteRule& rule);

// What every consumer rule shares: it subscribes to kNodeKinds (its meta says so), feeds the
// shared walk and keeps the file's summary. A subclass gives only `analyze`.
class Consumer : public Rule {
 public:
  explicit Consumer(const RuleMeta& meta) : meta_(meta) {}
  const RuleMeta& meta() const final { return meta_; }
  void on_node(const SyntaxNode& node, FileContext& ctx) const final {
    dataflow::feed(node, ctx, this);
  }
  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const final {
    return dataflow::end_file(ctx);
  }

 private:
  const RuleMeta& meta_;
};

// A source-to-sink rule whose analyze is analyze_routes with a fixed RouteRule: such a rule is
// its metadata, its sink filter (`select`) and its message noun.
class RouteSinkRule final : public Consumer {
 public:
  RouteSinkRule(const RuleMeta& meta, RouteRule rule) : Consumer(meta), rule_(std::move(rule)) {}
  void analyze(ProgramContext& ctx) const override { analyze_routes(ctx, rule_); }

 private:
  RouteRule rule_;
};

}  // namespace nodescope::dataflow
