// Parsers of the project files behind the backend facts: schema.prisma, Dockerfiles, compose
// files, Kubernetes manifests, PM2 ecosystem files, Procfiles, systemd units and --metrics
// summaries. YAML and the rest are read line-wise for the few keys the report shows (no YAML
// library: anchors, flow maps and templating are out of scope, and what is not understood is
// left out rather than guessed). JSON goes through simdjson.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include <simdjson.h>

#include "facts/backend_facts.h"
#include "facts/json_check.h"

namespace nodescope::facts {
namespace {

struct Line {
  std::string_view text;  // without the line break
  std::uint32_t number = 0;
};

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> out;
  std::uint32_t n = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view l = text.substr(i, j - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(Line{l, ++n});
    i = j + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view unquote_yaml(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::size_t indent_of(std::string_view l) {
  std::size_t i = 0;
  while (i < l.size() && l[i] == ' ') ++i;
  return i;
}

// A YAML line without its comment ("key: value # note" -> "key: value"); a '#' inside quotes or
// not preceded by white space stays.
std::string_view strip_yaml_comment(std::string_view l) {
  char quote = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const char c = l[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) {
      return l.substr(0, i);
    }
  }
  return l;
}

// "key: value" -> (key, value); false when the line is not a mapping entry.
bool yaml_entry(std::string_view t, std::string_view& key, std::string_view& value) {
  t = trim(t);
  if (t.empty() || t[0] == '-' || t[0] == '#') return false;
  const std::size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (colon + 1 < t.size() && t[colon + 1] != ' ' && t[colon + 1] != '\t') return false;
  key = unquote_yaml(t.substr(0, colon));
  value = trim(t.substr(colon + 1));
  return true;
}

std::string database_name(std::string_view provider) {
  if (provider == "postgresql" || provider == "postgres") return "PostgreSQL";
  if (provider == "mysql") return "MySQL";
  if (provider == "sqlite") return "SQLite";
  if (provider == "sqlserver") return "SQL Server";
  if (provider == "mongodb") return "MongoDB";
  if (provider == "cockroachdb") return "CockroachDB";
  return std::string(provider);
}

// "[a, b(sort: Desc)]" -> {"a", "b"}
std::vector<std::string> prisma_field_list(std::string_view args) {
  std::vector<std::string> out;
  const std::size_t open = args.find('[');
  const std::size_t close = args.find(']', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return out;
  std::string_view list = args.substr(open + 1, close - open - 1);
  int depth = 0;
  std::string cur;
  for (char c : list) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth > 0 || c == ')') continue;
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ' && c != '\t') {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

void parse_prisma_schema(std::string_view path, std::string_view text, DatabaseFacts& out) {
  enum class Block { kNone, kModel, kDatasource, kOther } block = Block::kNone;
  DataModel model;
  for (const Line& line : lines_of(text)) {
    std::string_view t = line.text;
    // Comments: `//` and `///` outside strings.
    char quote = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (quote) {
        if (t[i] == '\\')
          ++i;
        else if (t[i] == quote)
          quote = 0;
      } else if (t[i] == '"') {
        quote = '"';
      } else if (t[i] == '/' && i + 1 < t.size() && t[i + 1] == '/') {
        t = t.substr(0, i);
        break;
      }
    }
    t = trim(t);
    if (t.empty()) continue;
    if (block == Block::kNone) {
      if (t.back() != '{') continue;
      std::string_view head = trim(t.substr(0, t.size() - 1));
      const std::size_t sp = head.find(' ');
      const std::string_view word = head.substr(0, sp);
      if (word == "model" && sp != std::string_view::npos) {
        block = Block::kModel;
        model = DataModel{};
        model.name = std::string(trim(head.substr(sp + 1)));
        model.kind = "prisma";
        model.source = FactSource{std::string(path), line.number};
      } else if (word == "datasource") {
        block = Block::kDatasource;
      } else {
        block = Block::kOther;
      }
      continue;
    }
    if (t == "}") {
      if (block == Block::kModel) out.models.push_back(std::move(model));
      block = Block::kNone;
      continue;
    }
    if (block == Block::kDatasource) {
      if (t.substr(0, 8) == "provider") {
        const std::size_t q1 = t.find('"');
        const std::size_t q2 = t.find('"', q1 == std::string_view::npos ? 0 : q1 + 1);
        if (q1 != std::string_view::npos && q2 != std::string_view::npos) {
          const std::string_view provider = t.substr(q1 + 1, q2 - q1 - 1);
          out.databases.push_back(Technology{database_name(provider), "", "",
                                             FactSource{std::string(path), line.number}});
        }
      }
      continue;
    }
    if (block != Block::kModel) continue;
    if (t.substr(0, 2) == "@@") {
      const std::size_t paren = t.find('(');
      const std::string_view attr =
          t.substr(2, paren == std::string_view::npos ? t.npos : paren - 2);
      if (attr == "index" || attr == "unique" || attr == "id") {
        ModelIndex index;
        index.fields = prisma_field_list(t);
        index.unique = attr != "index";
        index.source = FactSource{std::string(path), line.number};
        if (attr == "id") {
          for (auto& f : model.fields) {
            if (std::find(index.fields.begin(), index.fields.end(), f.name) != index.fields.end())
              f.attributes.push_back("id");
          }
        } else if (!index.fields.empty()) {
          model.indexes.push_back(std::move(index));
        }
      }
      continue;
    }
    // A field: name Type attributes...
    std::size_t sp = t.find_first_of(" \t");
    if (sp == std::string_view::npos) continue;
    ModelField field;
    field.name = std::string(t.substr(0, sp));
    std::string_view rest = trim(t.substr(sp));
    sp = rest.find_first_of(" \t");
    std::string_view type = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view{} : trim(rest.substr(sp));
    if (!type.empty() && type.back() == '?') {
      type.remove_suffix(1);
      field.attributes.push_back("optional");
    }
    field.type = std::string(type);
    for (std::string_view attr : {"@id", "@unique", "@relation", "@updatedAt"}) {
      std::size_t at = rest.find(attr);
      while (at != std::string_view::npos) {
        const std::size_t end = at + attr.size();
        if (end == rest.size() ||
            !(std::isalnum(static_cast<unsigned char>(rest[end])) || rest[end] == '_')) {
          field.attributes.push_back(std::string(attr.substr(1)));
          break;
        }
        at = rest.find(attr, end);
      }
    }
    model.fields.push_back(std::move(field));
  }
}

void parse_dockerfile(std::string_view path, std::string_view text, DeploymentFacts& out) {
  Dockerfile d;
  d.source = FactSource{std::string(path), 0};
  std::string logical;
  std::uint32_t first_line = 0;
  auto handle = [&](std::string_view instr, std::uint32_t line_no) {
    instr = trim(instr);
    const std::size_t sp = instr.find_first_of(" \t");
    std::string word(instr.substr(0, sp));
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string_view args =
        sp == std::string_view::npos ? std::string_view{} : trim(instr.substr(sp));
    if (word == "FROM") {
      // FROM [--platform=...] image [AS name]
      while (args.substr(0, 2) == "--") {
        const std::size_t s2 = args.find_first_of(" \t");
        args = s2 == std::string_view::npos ? std::string_view{} : trim(args.substr(s2));
      }
      const std::string_view image = args.substr(0, args.find_first_of(" \t"));
      if (!image.empty()) d.stages.emplace_back(image);
      if (d.source.line == 0) d.source.line = line_no;
    } else if (word == "USER") {
      d.user = std::string(args);
    } else if (word == "HEALTHCHECK") {
      std::string upper(args.substr(0, 4));
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      d.healthcheck = upper != "NONE";
      d.healthcheck_line = d.healthcheck ? line_no : 0;
    } else if (word == "EXPOSE") {
      std::size_t i = 0;
      while (i < args.size()) {
        std::size_t j = args.find_first_of(" \t", i);
        if (j == std::string_view::npos) j = args.size();
        if (j > i) d.expose.emplace_back(args.substr(i, j - i));
        i = j + 1;
      }
    }
  };
  for (const Line& line : lines_of(text)) {
    std::string_view t = trim(line.text);
    if (logical.empty() && (t.empty() || t[0] == '#')) continue;
    if (logical.empty()) first_line = line.number;
    if (!t.empty() && t[0] == '#') continue;  // comments inside a continued instruction
    if (!t.empty() && t.back() == '\\') {
      logical.append(t.substr(0, t.size() - 1)).push_back(' ');
      continue;
    }
    logical.append(t);
    handle(logical, first_line);
    logical.clear();
  }
  if (!logical.empty()) handle(logical, first_line);
  if (!d.stages.empty()) out.dockerfiles.push_back(std::move(d));
}

void parse_compose(std::string_view path, std::string_view text, DeploymentFacts& out) {
  const std::vector<Line> lines = lines_of(text);
  // v2/v3 and the Compose spec nest services under `services:`; v1 files list them at the top.
  bool has_services_key = false;
  for (const Line& l : lines) {
    if (strip_yaml_comment(l.text).substr(0, 9) == "services:") has_services_key = true;
  }
  bool in_services = !has_services_key;
  std::size_t service_indent = has_services_key ? std::string_view::npos : 0;
  ComposeService cur;
  std::string sub;  // the service key we are under ("ports", "build", ...)
  std::size_t sub_indent = 0;
  auto flush = [&] {
    if (!cur.name.empty()) out.compose_services.push_back(std::move(cur));
    cur = ComposeService{};
    sub.clear();
  };
  for (const Line& line : lines) {
    const std::string_view raw = strip_yaml_comment(line.text);
    const std::string_view t = trim(raw);
    if (t.empty() || t == "---") continue;
    const std::size_t indent = indent_of(raw);
    std::string_view key;
    std::string_view value;
    if (indent == 0) {
      flush();
      if (has_services_key) {
        in_services = t.substr(0, 9) == "services:";
        service_indent = std::string_view::npos;
        continue;
      }
      // v1: every top-level key but the known sections is a service.
      if (yaml_entry(t, key, value) && value.empty() && key != "version" && key != "volumes" &&
          key != "networks" && key != "secrets" && key != "configs" && key.substr(0, 2) != "x-") {
        cur.name = std::string(key);
        cur.source = FactSource{std::string(path), line.number};
      }
      continue;
    }
    if (!in_services) continue;
    if (service_indent == std::string_view::npos) service_indent = indent;
    if (indent == service_indent) {
      flush();
      if (yaml_entry(t, key, value)) {
        cur.name = std::string(key);
        cur.source = FactSource{std::string(path), line.number};
      }
      continue;
    }
    if (cur.name.empty() || indent < service_indent) continue;
    if (!sub.empty() && indent <= sub_indent) sub.clear();
    if (sub.empty()) {
      if (!yaml_entry(t, key, value)) continue;
      if (key == "image") cur.image = std::string(unquote_yaml(value));
      if (key == "build") cur.build = value.empty() ? "." : std::string(unquote_yaml(value));
      if (key == "healthcheck") cur.healthcheck = true;
      if (key == "ports" && !value.empty() && value.front() == '[') {
        std::string_view list = value.substr(1, value.find(']') - 1);
        std::size_t i = 0;
        while (i < list.size()) {
          std::size_t j = list.find(',', i);
          if (j == std::string_view::npos) j = list.size();
          const std::string_view item = unquote_yaml(list.substr(i, j - i));
          if (!item.empty()) cur.ports.emplace_back(item);
          i = j + 1;
        }
      }
      if (value.empty()) {
        sub = std::string(key);
        sub_indent = indent;
      }
      continue;
    }
    if (sub == "ports" && t[0] == '-') {
      const std::string_view item = trim(t.substr(1));
      std::string_view k;
      std::string_view v;
      if (yaml_entry(item, k, v)) {  // long syntax: - target: 3000
        if (k == "target" || k == "published")
          cur.ports.push_back(std::string(k) + ": " + std::string(unquote_yaml(v)));
      } else {
        cur.ports.emplace_back(unquote_yaml(item));
      }
    } else if (sub == "build" && yaml_entry(t, key, value) && key == "context") {
      cur.build = std::string(unquote_yaml(value));
    }
  }
  flush();
}

bool parse_kubernetes(std::string_view path, std::string_view text, DeploymentFacts& out) {
  bool any = false;
  KubernetesWorkload cur;
  bool has_api = false;
  std::string section;  // the top-level key we are under
  std::uint32_t doc_line = 0;
  auto flush = [&] {
    if (has_api && (cur.kind == "Deployment" || cur.kind == "StatefulSet" ||
                    cur.kind == "DaemonSet" || cur.kind == "ReplicaSet")) {
      cur.source = FactSource{std::string(path), doc_line};
      out.kubernetes.push_back(std::move(cur));
    }
    if (has_api && !cur.kind.empty()) any = true;
    cur = KubernetesWorkload{};
    has_api = false;
    section.clear();
    doc_line = 0;
  };
  for (const Line& line : lines_of(text)) {
    const std::string_view raw = strip_yaml_comment(line.text);
    const std::string_view t = trim(raw);
    if (t.substr(0, 3) == "---") {
      flush();
      continue;
    }
    if (t.empty()) continue;
    if (doc_line == 0) doc_line = line.number;
    const std::size_t indent = indent_of(raw);
    std::string_view key;
    std::string_view value;
    if (t[0] == '-' || !yaml_entry(t, key, value)) continue;
    if (indent == 0) {
      section = std::string(key);
      if (key == "apiVersion") has_api = true;
      if (key == "kind") cur.kind = std::string(unquote_yaml(value));
      continue;
    }
    if (section == "metadata" && indent == 2 && key == "name" && cur.name.empty()) {
      cur.name = std::string(unquote_yaml(value));
    } else if (section == "spec" && indent == 2 && key == "replicas") {
      cur.replicas = std::string(unquote_yaml(value));
    } else if (key == "livenessProbe") {
      cur.liveness = true;
    } else if (key == "readinessProbe") {
      cur.readiness = true;
    } else if (key == "startupProbe") {
      cur.startup = true;
    }
  }
  flush();
  return any;
}

void parse_pm2(std::string_view path, std::string_view text, DeploymentFacts& out) {
  // Works for JSON and for the usual `module.exports = { apps: [{ ... }] }`: keys are read
  // line-wise, quoted or not; values that are expressions are shown as written.
  std::vector<std::string> names;
  std::string instances;
  std::string exec_mode;
  std::uint32_t line_no = 0;
  for (const Line& line : lines_of(text)) {
    std::string_view t = trim(line.text);
    auto value_of = [&](std::string_view key) -> std::optional<std::string> {
      std::size_t at = t.find(key);
      while (at != std::string_view::npos) {
        const bool start_ok = at == 0 || t[at - 1] == ' ' || t[at - 1] == '"' ||
                              t[at - 1] == '\'' || t[at - 1] == '{' || t[at - 1] == ',';
        std::size_t k = at + key.size();
        if (k < t.size() && (t[k] == '"' || t[k] == '\'')) ++k;
        while (k < t.size() && t[k] == ' ') ++k;
        if (start_ok && k < t.size() && t[k] == ':') {
          std::string_view v = trim(t.substr(k + 1));
          const std::size_t end = v.find_first_of(",}");
          v = unquote_yaml(trim(v.substr(0, end)));
          if (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.remove_suffix(1);
          if (!v.empty() && (v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
          return std::string(v);
        }
        at = t.find(key, at + 1);
      }
      return std::nullopt;
    };
    if (auto v = value_of("name")) {
      if (!v->empty()) names.push_back(*v);
      if (line_no == 0) line_no = line.number;
    }
    if (auto v = value_of("instances"); v && instances.empty()) instances = *v;
    if (auto v = value_of("exec_mode"); v && exec_mode.empty()) exec_mode = *v;
  }
  std::string what = "PM2 (" + std::string(path.substr(path.rfind('/') + 1));
  if (!names.empty()) {
    what += "; apps: ";
    for (std::size_t i = 0; i < names.size(); ++i) what += (i ? ", " : "") + names[i];
  }
  if (!instances.empty()) what += "; instances: " + instances;
  if (!exec_mode.empty()) what += "; exec_mode: " + exec_mode;
  what += ")";
  out.process_managers.push_back(Observation{what, FactSource{std::string(path), line_no}});
  const bool cluster_mode = exec_mode == "cluster" || exec_mode == "cluster_mode";
  const bool many = instances == "max" || instances == "0" || instances == "-1" ||
                    (!instances.empty() && std::isdigit(static_cast<unsigned char>(instances[0])) &&
                     std::atoi(instances.c_str()) > 1);
  if (cluster_mode || many) {
    std::string c = "PM2 cluster mode";
    if (!instances.empty()) c += " (instances: " + instances + ")";
    out.clustering.push_back(Observation{c, FactSource{std::string(path), line_no}});
  }
}

void parse_procfile(std::string_view path, std::string_view text, DeploymentFacts& out) {
  for (const Line& line : lines_of(text)) {
    const std::string_view t = trim(line.text);
    const std::size_t colon = t.find(':');
    if (t.empty() || t[0] == '#' || colon == std::string_view::npos) continue;
    out.process_managers.push_back(Observation{"Procfile (" + std::string(t.substr(0, colon)) +
                                                   ": " + std::string(trim(t.substr(colon + 1))) +
                                                   ")",
                                               FactSource{std::string(path), line.number}});
  }
}

void parse_systemd_unit(std::string_view path, std::string_view text, DeploymentFacts& out) {
  for (const Line& line : lines_of(text)) {
    const std::string_view t = trim(line.text);
    if (t.substr(0, 10) != "ExecStart=") continue;
    out.process_managers.push_back(Observation{"systemd unit " +
                                                   std::string(path.substr(path.rfind('/') + 1)) +
                                                   " (" + std::string(trim(t.substr(10))) + ")",
                                               FactSource{std::string(path), line.number}});
    return;
  }
}

Expected<PerformanceFacts> parse_metrics(std::string_view path, std::string_view text) {
  const std::string where(path);
  if (auto err = check_json(text)) {
    return Error{where + ":" + std::to_string(err->line) + ":" + std::to_string(err->column) +
                 ": malformed JSON (" + err->message +
                 "); --metrics wants an autocannon JSON result or a k6 summary export"};
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root)) {
    return Error{where + ":1:1: unreadable JSON"};
  }
  PerformanceFacts facts;
  facts.metrics_file = where;
  auto num = [](simdjson::dom::element e, std::string_view key, double& v) {
    simdjson::dom::element x;
    if (e[key].get(x)) return false;
    if (!x.get_double().get(v)) return true;
    std::int64_t i = 0;
    if (!x.get_int64().get(i)) {
      v = static_cast<double>(i);
      return true;
    }
    std::uint64_t u = 0;
    if (!x.get_uint64().get(u)) {
      v = static_cast<double>(u);
      return true;
    }
    return false;
  };
  auto add = [&](std::string name, double v, std::string unit, std::string field) {
    facts.measured.push_back(MetricValue{std::move(name), v, std::move(unit), std::move(field)});
  };
  simdjson::dom::element latency;
  simdjson::dom::element metrics;
  double v = 0;
  if (!root["latency"].get(latency) && latency.is_object()) {
    facts.metrics_tool = "autocannon";
    if (num(latency, "p50", v)) add("p50", v, "ms", "latency.p50");
    if (num(latency, "p95", v)) {
      add("p95", v, "ms", "latency.p95");
    } else if (num(latency, "p97_5", v)) {
      add("p97.5", v, "ms", "latency.p97_5");
    }
    if (num(latency, "p99", v)) add("p99", v, "ms", "latency.p99");
    simdjson::dom::element requests;
    if (!root["requests"].get(requests) && num(requests, "average", v)) {
      add("req/s", v, "req/s", "requests.average");
    }
  } else if (!root["metrics"].get(metrics) && metrics.is_object()) {
    facts.metrics_tool = "k6";
    // --summary-export puts figures on the metric; handleSummary's JSON under `values`.
    auto metric = [&](std::string_view name, simdjson::dom::element& m, std::string& prefix) {
      if (metrics[name].get(m)) return false;
      prefix = "metrics." + std::string(name);
      simdjson::dom::element values;
      if (!m["values"].get(values) && values.is_object()) {
        m = values;
        prefix += ".values";
      }
      return true;
    };
    simdjson::dom::element m;
    std::string prefix;
    if (metric("http_req_duration", m, prefix)) {
      if (num(m, "med", v))
        add("p50", v, "ms", prefix + ".med");
      else if (num(m, "p(50)", v))
        add("p50", v, "ms", prefix + ".p(50)");
      if (num(m, "p(95)", v)) add("p95", v, "ms", prefix + ".p(95)");
      if (num(m, "p(99)", v)) add("p99", v, "ms", prefix + ".p(99)");
    }
    if (metric("http_reqs", m, prefix) && num(m, "rate", v)) {
      add("req/s", v, "req/s", prefix + ".rate");
    }
  } else {
    return Error{where +
                 ":1:1: not an autocannon result (no `latency` object) nor a k6 summary (no "
                 "`metrics` object)"};
  }
  if (facts.measured.empty()) {
    return Error{where + ":1:1: a " + facts.metrics_tool +
                 " summary without latency or request-rate figures"};
  }
  return facts;
}

}  // namespace nodescope::facts
