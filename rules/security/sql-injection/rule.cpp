// security/sql-injection: Request input is concatenated or interpolated into a raw SQL query.
// Source to sink within each route's handler and the project functions it calls (up to two
// calls deep, across files), on the shared data-flow summaries (rules/dataflow, computed once per
// file for every consumer). Request input is what the framework hands the handler (req.body,
// query, params, headers, cookies; Koa ctx.request.*; Hapi request.payload; Nest @Body/@Query/
// @Param/@Headers without a pipe or a validating DTO). Casts (Number, parseInt, String, ...),
// checker functions (validate*, sanitize*, isValid*), allow-list checks (`LIST.includes(x)`,
// `set.has(x)`, `x === 'a'`) before the sink sanitise; a schema validation elsewhere on the route
// only lowers the confidence (it does not prove this value is constrained).
#include <array>

#include "dataflow/dataflow.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {89};
constexpr std::array<std::string_view, 4> kTags = {"security", "injection", "sql", "owasp-a03"};
constexpr RuleMeta kMeta{
    .id = "security/sql-injection",
    .summary = "Request input is concatenated or interpolated into a raw SQL query.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

// Raw SQL: the query text (first argument) of query/raw/whereRaw/$queryRawUnsafe/... on a database
// object, and TypeORM-style `where`/`andWhere`/`orWhere`/`having` given a string built at run
// time. Prisma's $queryRaw/$executeRaw count only when called (not tagged) with a built string;
// an options object as the first argument ({ sql, values }) is left out (parameterised).
constexpr std::array<std::string_view, 4> kWhere = {"where", "andWhere", "orWhere", "having"};

bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.first.empty() || s.first_object) return false;
  if (s.kind == dataflow::SinkKind::kSql) {
    if ((s.method == "$queryRaw" || s.method == "$executeRaw") && !s.first_dynamic) return false;
    out = s.first;
    return true;
  }
  if (s.kind == dataflow::SinkKind::kDb && one_of(std::string_view(s.method), kWhere) &&
      s.first_dynamic) {
    out = s.first;
    return true;
  }
  return false;
}

}  // namespace

const Rule& security_sql_injection() {
  static const dataflow::RouteSinkRule kRule(kMeta, {.select = select, .noun = "raw SQL query"});
  return kRule;
}

}  // namespace nodescope::rules
