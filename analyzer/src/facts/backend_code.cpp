// The report's code scan (see backend_facts.h): package imports by a text pass, then, only when
// the text names a schema, entity, pool, session, cluster or NODE_ENV, a parse and one walk that
// records data models (Mongoose schemas, TypeORM / sequelize-typescript entities, Sequelize
// define / init), pool settings, express-session stores, clustering and NODE_ENV values.
// Deliberately separate from the engine's walk: a scan never pays for it.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>

#include "facts/backend_facts.h"
#include "nodescope/syntax.h"
#include "parse/parser.h"

namespace nodescope::facts {
namespace {

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// The quoted string starting at text[i] (after optional spaces and '('), or "".
std::string_view quoted_at(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '(' || text[i] == '\t')) ++i;
  if (i >= text.size() || (text[i] != '\'' && text[i] != '"' && text[i] != '`')) return {};
  const char q = text[i];
  const std::size_t end = text.find(q, i + 1);
  if (end == std::string_view::npos || end - i > 200) return {};
  const std::string_view s = text.substr(i + 1, end - i - 1);
  if (s.find('\n') != std::string_view::npos || s.find("${") != std::string_view::npos) return {};
  return s;
}

// A package specifier's package: "@sentry/node/x" -> "@sentry/node", "lodash/get" -> "lodash",
// "node:cluster" -> "cluster"; "" for relative or absolute paths.
std::string package_of(std::string_view spec) {
  if (spec.empty() || spec[0] == '.' || spec[0] == '/') return {};
  if (spec.substr(0, 5) == "node:") spec.remove_prefix(5);
  std::size_t slash = spec.find('/');
  if (!spec.empty() && spec[0] == '@' && slash != std::string_view::npos) {
    slash = spec.find('/', slash + 1);
  }
  return std::string(spec.substr(0, slash));
}

void scan_imports(std::string_view text, BackendCodeFacts& out) {
  std::vector<std::pair<std::size_t, std::string>> found;  // offset, package
  auto take = [&](std::size_t at, std::size_t after) {
    std::string pkg = package_of(quoted_at(text, after));
    if (!pkg.empty()) found.emplace_back(at, std::move(pkg));
  };
  auto word_start = [&](std::size_t at) {
    return at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
                        text[at - 1] == '_' || text[at - 1] == '.' || text[at - 1] == '$');
  };
  for (std::size_t at = text.find("require("); at != std::string_view::npos;
       at = text.find("require(", at + 8)) {
    if (word_start(at)) take(at, at + 8);
  }
  for (std::size_t at = text.find("import"); at != std::string_view::npos;
       at = text.find("import", at + 6)) {
    if (!word_start(at)) continue;
    const std::size_t after = at + 6;
    if (after >= text.size() || (text[after] != ' ' && text[after] != '(')) continue;
    // `import 'x'`, `import('x')`, or `import ... from 'x'` within the same statement.
    if (!quoted_at(text, after).empty()) {
      take(at, after);
      continue;
    }
    const std::size_t semi = text.find(';', after);
    const std::size_t limit =
        std::min(semi == std::string_view::npos ? text.size() : semi, after + 2000);
    const std::size_t from = text.substr(0, limit).find(" from ", after);
    if (from != std::string_view::npos) take(at, from + 6);
  }
  std::sort(found.begin(), found.end());
  std::uint32_t line = 1;
  std::size_t counted = 0;
  for (auto& [at, pkg] : found) {
    for (; counted < at; ++counted) line += text[counted] == '\n';
    out.imports.push_back(BackendCodeFacts::Import{std::move(pkg), line});
  }
}

class Scanner {
 public:
  Scanner(std::string_view path, std::string_view text, BackendCodeFacts& out)
      : path_(path), text_(text), out_(out) {}

  void walk(TSNode root) {
    std::vector<TSNode> stack{root};
    while (!stack.empty()) {
      const SyntaxNode node(stack.back());
      stack.pop_back();
      visit(node);
      for (std::uint32_t i = node.named_child_count(); i-- > 0;) {
        stack.push_back(node.named_child(i).raw());
      }
    }
    // Mongoose schemas are named by `mongoose.model('User', userSchema)`.
    for (auto& [var, model_index] : schema_vars_) {
      auto it = model_names_.find(var);
      if (it != model_names_.end()) out_.models[model_index].name = it->second;
    }
  }

 private:
  std::string_view text(const SyntaxNode& n) const {
    return text_.substr(n.start_byte(), n.end_byte() - n.start_byte());
  }
  static std::uint32_t line(const SyntaxNode& n) { return ts_node_start_point(n.raw()).row + 1; }
  FactSource at(const SyntaxNode& n) const { return FactSource{std::string(path_), line(n)}; }

  // String literal or substitution-free template contents; nullopt otherwise.
  std::optional<std::string> string_value(const SyntaxNode& n) const {
    if (!n || !(n.is("string") || n.is("template_string"))) return std::nullopt;
    for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
      if (n.named_child(i).is("template_substitution")) return std::nullopt;
    }
    std::string_view t = text(n);
    if (t.size() < 2) return std::nullopt;
    return std::string(t.substr(1, t.size() - 2));
  }

  std::string short_text(const SyntaxNode& n) const {
    std::string s;
    for (char c : text(n)) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      if (c == ' ' && !s.empty() && s.back() == ' ') continue;
      s.push_back(c);
    }
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
  }

  // The key of a `pair` (identifier, string or number key).
  std::string key_of(const SyntaxNode& pair) const {
    const SyntaxNode k = pair.field("key");
    if (!k) return {};
    if (auto s = string_value(k)) return *s;
    return std::string(text(k));
  }

  // The callee's last name: `a.b.define` -> "define", `session` -> "session".
  std::string_view callee_name(const SyntaxNode& callee) const {
    if (callee.is("identifier")) return text(callee);
    if (callee.is("member_expression")) {
      const SyntaxNode p = callee.field("property");
      if (p) return text(p);
    }
    return {};
  }

  SyntaxNode arg(const SyntaxNode& call, std::uint32_t i) const {
    const SyntaxNode args = call.field("arguments");
    if (!args || i >= args.named_child_count()) return SyntaxNode{};
    return args.named_child(i).unwrapped();
  }

  void visit(const SyntaxNode& node) {
    const std::string_view kind = node.kind();
    if (kind == "new_expression") {
      on_new(node);
    } else if (kind == "call_expression") {
      on_call(node);
    } else if (kind == "class_declaration" || kind == "class") {
      on_class(node);
    } else if (kind == "pair") {
      on_pair(node);
    } else if (kind == "binary_expression") {
      on_binary(node);
    }
  }

  // --- Mongoose ------------------------------------------------------------------------------
  void on_new(const SyntaxNode& node) {
    const SyntaxNode ctor = node.field("constructor");
    if (!ctor) return;
    const std::string_view name = callee_name(ctor);
    if (name == "Schema" && mongoose_) {
      const SyntaxNode obj = arg(node, 0);
      if (!obj.is("object")) return;
      DataModel m;
      m.kind = "mongoose";
      m.source = at(node);
      mongoose_fields(obj, m);
      const SyntaxNode decl = node.parent();
      if (decl.is("variable_declarator")) {
        const SyntaxNode n = decl.field("name");
        if (n.is("identifier")) {
          m.name = std::string(text(n));
          schema_vars_.emplace_back(m.name, out_.models.size());
        }
      }
      if (m.name.empty()) m.name = "(schema)";
      out_.models.push_back(std::move(m));
      return;
    }
    if (name == "Pool" || name == "Sequelize" || name == "MongoClient" || name == "DataSource") {
      // pg's `new Pool({ max })`; the others' pool keys are caught as pairs.
      const SyntaxNode obj = arg(node, name == "Sequelize" ? 3 : 0);
      if (name == "Pool" && obj.is("object") && database_) pool_object(obj, "");
    }
  }

  void mongoose_fields(const SyntaxNode& obj, DataModel& m) {
    for (std::uint32_t i = 0; i < obj.named_child_count() && m.fields.size() < 200; ++i) {
      const SyntaxNode pair = obj.named_child(i);
      if (!pair.is("pair")) continue;
      ModelField f;
      f.name = key_of(pair);
      const SyntaxNode v = pair.field("value").unwrapped();
      if (v.is("object")) {
        bool typed = false;
        for (std::uint32_t j = 0; j < v.named_child_count(); ++j) {
          const SyntaxNode p = v.named_child(j);
          if (!p.is("pair")) continue;
          const std::string k = key_of(p);
          const SyntaxNode pv = p.field("value").unwrapped();
          const bool truthy = pv.is("true") || pv.is("array");
          if (k == "type") {
            f.type = short_text(pv);
            typed = true;
          } else if (k == "index" && truthy) {
            f.attributes.push_back("index");
          } else if (k == "unique" && truthy) {
            f.attributes.push_back("unique");
          } else if (k == "required" && truthy) {
            f.attributes.push_back("required");
          } else if (k == "ref") {
            f.attributes.push_back("relation");
          }
        }
        if (!typed) f.type = "Object";
      } else if (v) {
        f.type = short_text(v);
      }
      m.fields.push_back(std::move(f));
    }
  }

  // --- calls ---------------------------------------------------------------------------------
  void on_call(const SyntaxNode& node) {
    const SyntaxNode callee = node.field("function");
    if (!callee) return;
    const std::string_view name = callee_name(callee);
    if (name.empty()) return;
    if (name == "model" && mongoose_) {
      const auto model_name = string_value(arg(node, 0));
      const SyntaxNode schema = arg(node, 1);
      if (model_name && schema.is("identifier"))
        model_names_[std::string(text(schema))] = *model_name;
      return;
    }
    if (name == "index" && mongoose_ && callee.is("member_expression")) {
      const SyntaxNode obj = callee.field("object");
      if (!obj.is("identifier")) return;
      for (auto& [var, idx] : schema_vars_) {
        if (var != text(obj)) continue;
        const SyntaxNode fields = arg(node, 0);
        if (!fields.is("object")) return;
        ModelIndex index;
        for (std::uint32_t i = 0; i < fields.named_child_count(); ++i) {
          if (fields.named_child(i).is("pair"))
            index.fields.push_back(key_of(fields.named_child(i)));
        }
        index.unique = object_flag(arg(node, 1), "unique");
        index.source = at(node);
        if (!index.fields.empty()) out_.models[idx].indexes.push_back(std::move(index));
        return;
      }
      return;
    }
    if (name == "define" && sequelize_ && callee.is("member_expression")) {
      const auto model_name = string_value(arg(node, 0));
      const SyntaxNode fields = arg(node, 1);
      if (!model_name || !fields.is("object")) return;
      DataModel m;
      m.name = *model_name;
      m.kind = "sequelize";
      m.source = at(node);
      sequelize_fields(fields, m);
      sequelize_indexes(arg(node, 2), m);
      out_.models.push_back(std::move(m));
      return;
    }
    if (name == "init" && sequelize_ && callee.is("member_expression")) {
      const SyntaxNode cls = callee.field("object");
      const SyntaxNode fields = arg(node, 0);
      const SyntaxNode options = arg(node, 1);
      if (!cls.is("identifier") || !fields.is("object") || !options.is("object")) return;
      bool has_sequelize = false;
      for (std::uint32_t i = 0; i < options.named_child_count(); ++i) {
        const SyntaxNode p = options.named_child(i);
        if ((p.is("pair") && key_of(p) == "sequelize") ||
            (p.is("shorthand_property_identifier") && text(p) == "sequelize"))
          has_sequelize = true;
      }
      if (!has_sequelize) return;
      DataModel m;
      m.name = std::string(text(cls));
      m.kind = "sequelize";
      m.source = at(node);
      sequelize_fields(fields, m);
      sequelize_indexes(options, m);
      out_.models.push_back(std::move(m));
      return;
    }
    if (session_ && (name == "session" || name == "expressSession") && callee.is("identifier")) {
      const SyntaxNode options = arg(node, 0);
      if (!options.is("object")) return;
      std::string store;
      bool has_store = false;
      for (std::uint32_t i = 0; i < options.named_child_count(); ++i) {
        const SyntaxNode p = options.named_child(i);
        if (p.is("pair") && key_of(p) == "store") {
          has_store = true;
          store = short_text(p.field("value"));
        } else if (p.is("shorthand_property_identifier") && text(p) == "store") {
          has_store = true;
          store = "store";
        } else if (p.is("spread_element")) {
          return;  // options from elsewhere: unknown
        }
      }
      out_.sessions.push_back(Observation{has_store ? store : "", at(node)});
      return;
    }
    if (cluster_ && name == "fork" && callee.is("member_expression") &&
        text(callee.field("object")) == "cluster") {
      out_.clustering.push_back(Observation{"cluster module (cluster.fork())", at(node)});
      return;
    }
    if (throng_ && name == "throng" && callee.is("identifier")) {
      out_.clustering.push_back(Observation{"throng", at(node)});
    }
  }

  bool object_flag(const SyntaxNode& obj, std::string_view key) const {
    if (!obj.is("object")) return false;
    for (std::uint32_t i = 0; i < obj.named_child_count(); ++i) {
      const SyntaxNode p = obj.named_child(i);
      if (p.is("pair") && key_of(p) == key && p.field("value").unwrapped().is("true")) return true;
    }
    return false;
  }

  void sequelize_fields(const SyntaxNode& obj, DataModel& m) {
    for (std::uint32_t i = 0; i < obj.named_child_count() && m.fields.size() < 200; ++i) {
      const SyntaxNode pair = obj.named_child(i);
      if (!pair.is("pair")) continue;
      ModelField f;
      f.name = key_of(pair);
      const SyntaxNode v = pair.field("value").unwrapped();
      if (v.is("object")) {
        for (std::uint32_t j = 0; j < v.named_child_count(); ++j) {
          const SyntaxNode p = v.named_child(j);
          if (!p.is("pair")) continue;
          const std::string k = key_of(p);
          const SyntaxNode pv = p.field("value").unwrapped();
          if (k == "type") f.type = short_text(pv);
          if (k == "primaryKey" && pv.is("true")) f.attributes.push_back("id");
          if (k == "unique" && (pv.is("true") || pv.is("string"))) f.attributes.push_back("unique");
          if (k == "allowNull" && pv.is("false")) f.attributes.push_back("required");
          if (k == "references") f.attributes.push_back("relation");
        }
      } else if (v) {
        f.type = short_text(v);
      }
      m.fields.push_back(std::move(f));
    }
  }

  void sequelize_indexes(const SyntaxNode& options, DataModel& m) {
    if (!options.is("object")) return;
    for (std::uint32_t i = 0; i < options.named_child_count(); ++i) {
      const SyntaxNode p = options.named_child(i);
      if (!p.is("pair") || key_of(p) != "indexes") continue;
      const SyntaxNode list = p.field("value").unwrapped();
      if (!list.is("array")) return;
      for (std::uint32_t j = 0; j < list.named_child_count(); ++j) {
        const SyntaxNode idx = list.named_child(j);
        if (!idx.is("object")) continue;
        ModelIndex index;
        index.source = at(idx);
        index.unique = object_flag(idx, "unique");
        for (std::uint32_t k = 0; k < idx.named_child_count(); ++k) {
          const SyntaxNode q = idx.named_child(k);
          if (!q.is("pair") || key_of(q) != "fields") continue;
          const SyntaxNode fl = q.field("value").unwrapped();
          for (std::uint32_t n = 0; fl.is("array") && n < fl.named_child_count(); ++n) {
            if (auto s = string_value(fl.named_child(n))) index.fields.push_back(*s);
          }
        }
        if (!index.fields.empty()) m.indexes.push_back(std::move(index));
      }
    }
  }

  // --- TypeORM / sequelize-typescript entities -----------------------------------------------
  std::string decorator_name(const SyntaxNode& d, SyntaxNode* call_out) const {
    for (std::uint32_t i = 0; i < d.named_child_count(); ++i) {
      const SyntaxNode c = d.named_child(i);
      if (c.is("identifier")) return std::string(text(c));
      if (c.is("call_expression")) {
        if (call_out) *call_out = c;
        return std::string(callee_name(c.field("function")));
      }
    }
    return {};
  }

  std::vector<SyntaxNode> decorators_of(const SyntaxNode& n) const {
    std::vector<SyntaxNode> out;
    for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
      if (n.named_child(i).is("decorator")) out.push_back(n.named_child(i));
    }
    const SyntaxNode parent = n.parent();
    if (parent.is("export_statement")) {
      for (std::uint32_t i = 0; i < parent.named_child_count(); ++i) {
        if (parent.named_child(i).is("decorator")) out.push_back(parent.named_child(i));
      }
    }
    return out;
  }

  void on_class(const SyntaxNode& node) {
    if (!entities_) return;
    std::string kind;
    std::vector<ModelIndex> class_indexes;
    for (const SyntaxNode& d : decorators_of(node)) {
      SyntaxNode call;
      const std::string name = decorator_name(d, &call);
      if (name == "Entity") kind = "typeorm";
      if (name == "Table") kind = "sequelize";
      if (name == "Schema" && nest_mongoose_) kind = "mongoose";  // @nestjs/mongoose classes
      if ((name == "Index" || name == "Unique") && call) {
        ModelIndex index;
        index.source = at(d);
        index.unique = name == "Unique";
        for (std::uint32_t i = 0; i < 3; ++i) {
          const SyntaxNode a = arg(call, i);
          if (a.is("array")) {
            for (std::uint32_t n = 0; n < a.named_child_count(); ++n) {
              if (auto s = string_value(a.named_child(n))) index.fields.push_back(*s);
            }
          } else if (a.is("object") && object_flag(a, "unique")) {
            index.unique = true;
          }
        }
        if (!index.fields.empty()) class_indexes.push_back(std::move(index));
      }
    }
    if (kind.empty()) return;
    const SyntaxNode name = node.field("name");
    const SyntaxNode body = node.field("body");
    if (!name || !body) return;
    DataModel m;
    m.name = std::string(text(name));
    m.kind = kind;
    m.source = at(name);
    m.indexes = std::move(class_indexes);
    for (std::uint32_t i = 0; i < body.named_child_count() && m.fields.size() < 200; ++i) {
      const SyntaxNode member = body.named_child(i);
      if (!member.is("public_field_definition") && !member.is("field_definition")) continue;
      ModelField f;
      bool column = false;
      for (const SyntaxNode& d : decorators_of(member)) {
        SyntaxNode call;
        const std::string dn = decorator_name(d, &call);
        if (dn.ends_with("Column") || dn == "PrimaryKey") column = true;
        if (dn.starts_with("Primary") || dn == "ObjectIdColumn") f.attributes.push_back("id");
        if (dn == "Index") f.attributes.push_back("index");
        if (dn == "Unique") f.attributes.push_back("unique");
        if (dn == "ManyToOne" || dn == "OneToMany" || dn == "OneToOne" || dn == "ManyToMany" ||
            dn == "BelongsTo" || dn == "HasMany" || dn == "HasOne" || dn == "BelongsToMany" ||
            dn == "ForeignKey") {
          column = true;
          f.attributes.push_back("relation");
        }
        if (dn == "Prop" && kind == "mongoose") {
          column = true;
          const SyntaxNode o = call ? arg(call, 0) : SyntaxNode{};
          if (object_flag(o, "index")) f.attributes.push_back("index");
          if (object_flag(o, "unique")) f.attributes.push_back("unique");
          if (object_flag(o, "required")) f.attributes.push_back("required");
          if (o.is("object")) {
            for (std::uint32_t j = 0; j < o.named_child_count(); ++j) {
              if (o.named_child(j).is("pair") && key_of(o.named_child(j)) == "ref")
                f.attributes.push_back("relation");
            }
          }
        }
        if (dn == "Column" && call) {
          for (std::uint32_t a = 0; a < 2; ++a) {
            const SyntaxNode o = arg(call, a);
            if (object_flag(o, "unique")) f.attributes.push_back("unique");
            if (object_flag(o, "primaryKey")) f.attributes.push_back("id");
          }
        }
      }
      if (!column) continue;
      SyntaxNode fname = member.field("name");
      if (!fname) fname = member.field("property");
      if (!fname) continue;
      f.name = std::string(text(fname));
      const SyntaxNode type = member.field("type");
      if (type) {
        std::string t = short_text(type);
        if (!t.empty() && t[0] == ':') t = std::string(t.substr(t.find_first_not_of(": ")));
        f.type = t;
      }
      std::sort(f.attributes.begin(), f.attributes.end());
      f.attributes.erase(std::unique(f.attributes.begin(), f.attributes.end()), f.attributes.end());
      m.fields.push_back(std::move(f));
    }
    out_.models.push_back(std::move(m));
  }

  // --- pools ---------------------------------------------------------------------------------
  void pool_object(const SyntaxNode& obj, const std::string& prefix) {
    for (std::uint32_t i = 0; i < obj.named_child_count(); ++i) {
      const SyntaxNode p = obj.named_child(i);
      if (!p.is("pair")) continue;
      const std::string k = key_of(p);
      if (k == "max" || k == "min" || k == "idle" || k == "acquire" || k == "idleTimeoutMillis" ||
          k == "connectionTimeoutMillis" || k == "evict") {
        out_.pool.push_back(Observation{prefix + k + ": " + short_text(p.field("value")), at(p)});
      }
    }
  }

  void on_pair(const SyntaxNode& node) {
    if (!database_) return;
    const std::string k = key_of(node);
    if (k == "connectionLimit" || k == "poolSize" || k == "maxPoolSize" || k == "minPoolSize" ||
        k == "connectionPoolSize" || k == "poolMax" || k == "poolMin") {
      out_.pool.push_back(Observation{k + ": " + short_text(node.field("value")), at(node)});
      return;
    }
    if (k == "pool") {
      const SyntaxNode v = node.field("value").unwrapped();
      if (v.is("object")) pool_object(v, "pool.");
    }
  }

  // --- NODE_ENV ------------------------------------------------------------------------------
  void on_binary(const SyntaxNode& node) {
    if (!node_env_) return;
    const SyntaxNode op = node.field("operator");
    if (!op) return;
    const std::string_view o = text(op);
    if (o != "===" && o != "==" && o != "!==" && o != "!=") return;
    SyntaxNode l = node.field("left").unwrapped();
    SyntaxNode r = node.field("right").unwrapped();
    if (!is_node_env(l)) std::swap(l, r);
    if (!is_node_env(l)) return;
    if (auto s = string_value(r); s && !s->empty() && s->size() < 40) {
      out_.environments.push_back(Observation{*s, at(node)});
    }
  }

  bool is_node_env(const SyntaxNode& n) const {
    if (!n.is("member_expression") && !n.is("subscript_expression")) return false;
    const std::string_view t = text(n);
    return t == "process.env.NODE_ENV" || t == "process.env['NODE_ENV']" ||
           t == "process.env[\"NODE_ENV\"]";
  }

 public:
  bool mongoose_ = false;
  bool sequelize_ = false;
  bool entities_ = false;
  bool nest_mongoose_ = false;
  bool database_ = false;
  bool session_ = false;
  bool cluster_ = false;
  bool throng_ = false;
  bool node_env_ = false;

 private:
  std::string_view path_;
  std::string_view text_;
  BackendCodeFacts& out_;
  std::vector<std::pair<std::string, std::size_t>> schema_vars_;  // variable -> model index
  std::map<std::string, std::string> model_names_;                // schema variable -> model name
};

const std::string_view kDatabasePackages[] = {"pg",
                                              "mysql",
                                              "mysql2",
                                              "mongodb",
                                              "mongoose",
                                              "sequelize",
                                              "typeorm",
                                              "knex",
                                              "objection",
                                              "@mikro-orm/core",
                                              "drizzle-orm",
                                              "mssql",
                                              "tedious",
                                              "oracledb",
                                              "sqlite3",
                                              "better-sqlite3",
                                              "pg-promise",
                                              "postgres",
                                              "@prisma/client",
                                              "redis",
                                              "ioredis",
                                              "sequelize-typescript",
                                              "@nestjs/typeorm",
                                              "@nestjs/sequelize",
                                              "@nestjs/mongoose",
                                              "slonik",
                                              "kysely",
                                              "mariadb",
                                              "cassandra-driver",
                                              "neo4j-driver"};

}  // namespace

BackendCodeFacts scan_backend_code(std::string_view path, std::string_view text,
                                   Language language) {
  BackendCodeFacts out;
  out.path = std::string(path);
  scan_imports(text, out);
  Scanner scanner(path, text, out);
  auto imported = [&](std::string_view pkg) {
    for (const auto& imp : out.imports) {
      if (imp.spec == pkg) return true;
    }
    return false;
  };
  scanner.mongoose_ =
      (imported("mongoose") || imported("@nestjs/mongoose")) && contains(text, "Schema");
  scanner.sequelize_ = (imported("sequelize") || imported("sequelize-typescript")) &&
                       (contains(text, ".define(") || contains(text, ".init("));
  scanner.nest_mongoose_ = imported("@nestjs/mongoose") && contains(text, "@Schema");
  scanner.entities_ = ((imported("typeorm") || imported("sequelize-typescript")) &&
                       (contains(text, "@Entity") || contains(text, "@Table"))) ||
                      scanner.nest_mongoose_;
  for (std::string_view pkg : kDatabasePackages) {
    if (imported(pkg)) scanner.database_ = true;
  }
  scanner.database_ = scanner.database_ && (contains(text, "pool") || contains(text, "Pool") ||
                                            contains(text, "connectionLimit"));
  scanner.session_ = imported("express-session") && contains(text, "session(");
  if (!scanner.session_ && imported("express-session")) {
    scanner.session_ = contains(text, "Session(");
  }
  scanner.cluster_ = imported("cluster") && contains(text, "cluster.fork");
  scanner.throng_ = imported("throng");
  scanner.node_env_ = contains(text, "NODE_ENV");
  if (!(scanner.mongoose_ || scanner.sequelize_ || scanner.entities_ || scanner.database_ ||
        scanner.session_ || scanner.cluster_ || scanner.throng_ || scanner.node_env_)) {
    return out;
  }
  thread_local parse::Parser parser;
  auto outcome = parser.parse(language, text, std::chrono::milliseconds(5000));
  if (!outcome.tree) return out;
  scanner.walk(ts_tree_root_node(outcome.tree.get()));
  return out;
}

}  // namespace nodescope::facts
