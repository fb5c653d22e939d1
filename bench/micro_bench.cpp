// Micro-benchmarks of the engine on a generated, realistic Express-style backend held in memory:
// the same ~200 KB of source analysed parse-only and with every rule, on one thread, as one file
// and as many small files (per-file overhead). Bytes processed per second are reported so the
// numbers compare with bench/RESULTS.md. No disk, no discovery, no reporters: bench/run.sh
// measures the whole CLI on real packages; this isolates parse + walk + rules.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "nodescope/rule.h"

namespace {

constexpr std::size_t kTargetBytes = 200 * 1024;
constexpr int kManyFilesCount = 100;

// What every route module starts with.
std::string module_prelude() {
  return "'use strict';\n"
         "const express = require('express');\n"
         "const path = require('path');\n"
         "const { exec } = require('child_process');\n"
         "const db = require('../db/pool');\n"
         "const { validate } = require('../lib/validate');\n\n";
}

// One route module's body, numbered `i` so no two are identical and bodies can share a file. It
// mixes what real backends are made of: a router, async handlers reading params, query and body,
// template literals, validation, database calls, middleware, a service class, and a few patterns
// security rules are meant to look at (shell commands, raw HTML, dynamic SQL), so rules have work.
std::string route_module(int i) {
  const std::string n = std::to_string(i);
  std::string s;
  s += "const router" + n + " = express.Router();\n\n";
  s += "function requireRole" + n + "(role) {\n";
  s += "  return (req, res, next) => {\n";
  s += "    if (!req.user || !req.user.roles.includes(role)) {\n";
  s += "      return res.status(403).json({ error: `forbidden: needs ${role}` });\n";
  s += "    }\n";
  s += "    next();\n";
  s += "  };\n";
  s += "}\n\n";
  s += "router" + n + ".get('/items" + n + "/:id', async (req, res, next) => {\n";
  s += "  try {\n";
  s += "    const id = Number.parseInt(req.params.id, 10);\n";
  s += "    const rows = await db.query('SELECT * FROM items" + n + " WHERE id = $1', [id]);\n";
  s += "    if (rows.length === 0) return res.status(404).json({ error: 'not found' });\n";
  s += "    res.json({ item: rows[0], links: { self: `/items" + n + "/${id}` } });\n";
  s += "  } catch (err) {\n";
  s += "    next(err);\n";
  s += "  }\n";
  s += "});\n\n";
  s += "router" + n + ".get('/search" + n + "', async (req, res) => {\n";
  s += "  const term = String(req.query.q || '').trim();\n";
  s += "  const sql = `SELECT name FROM items" + n + " WHERE name LIKE '%${term}%'`;\n";
  s += "  const rows = await db.query(sql);\n";
  s += "  res.send(`<ul>${rows.map((r) => `<li>${r.name}</li>`).join('')}</ul><p>${term}</p>`);\n";
  s += "});\n\n";
  s += "router" + n + ".post('/items" + n + "', requireRole" + n +
       "('editor'), async (req, res) => {\n";
  s += "  const { name, price, tags = [] } = req.body;\n";
  s += "  const errors = validate({ name, price, tags });\n";
  s += "  if (errors.length > 0) {\n";
  s += "    return res.status(400).json({ errors });\n";
  s += "  }\n";
  s += "  const created = await db.query(\n";
  s += "    'INSERT INTO items" + n + " (name, price, tags) VALUES ($1, $2, $3) RETURNING *',\n";
  s += "    [name, Number(price), tags.map((t) => t.toLowerCase())],\n";
  s += "  );\n";
  s += "  res.status(201).location(`/items" + n + "/${created[0].id}`).json(created[0]);\n";
  s += "});\n\n";
  s += "router" + n + ".get('/export" + n + "/:file', (req, res) => {\n";
  s += "  const target = path.join(__dirname, 'exports', req.params.file);\n";
  s += "  exec(`gzip -c ${target}`, (error, stdout) => {\n";
  s += "    if (error) return res.status(500).end();\n";
  s += "    res.type('application/gzip').send(stdout);\n";
  s += "  });\n";
  s += "});\n\n";
  s += "class ItemService" + n + " {\n";
  s += "  constructor(pool, cache) {\n";
  s += "    this.pool = pool;\n";
  s += "    this.cache = cache;\n";
  s += "  }\n\n";
  s += "  async byId(id) {\n";
  s += "    const key = `item:" + n + ":${id}`;\n";
  s += "    const hit = await this.cache.get(key);\n";
  s += "    if (hit) return JSON.parse(hit);\n";
  s += "    const [row] = await this.pool.query('SELECT * FROM items" + n +
       " WHERE id = $1', [id]);\n";
  s += "    await this.cache.set(key, JSON.stringify(row), { ttl: 60 });\n";
  s += "    return row;\n";
  s += "  }\n";
  s += "}\n\n";
  s += "module.exports = { router: router" + n + ", ItemService" + n + " };\n\n";
  return s;
}

// The app's entry point: what ties the route modules together.
std::string app_header() {
  return module_prelude() +
         "const helmet = require('helmet');\n"
         "const app = express();\n"
         "app.use(helmet());\n"
         "app.use(express.json({ limit: '1mb' }));\n"
         "app.use(express.urlencoded({ extended: false }));\n\n";
}

std::string app_footer() {
  return "app.use((err, req, res, next) => {\n"
         "  console.error(err);\n"
         "  res.status(500).json({ error: 'internal error' });\n"
         "});\n\n"
         "const port = Number(process.env.PORT || 3000);\n"
         "app.listen(port, () => console.log(`listening on ${port}`));\n";
}

// ~200 KB as one file.
const std::string& one_big_source() {
  static const std::string source = [] {
    std::string s = app_header();
    for (int i = 0; s.size() < kTargetBytes; ++i) s += route_module(i);
    s += app_footer();
    return s;
  }();
  return source;
}

// About the same bytes split into kManyFilesCount route modules of a few KB each.
const std::vector<std::string>& many_small_sources() {
  static const std::vector<std::string> sources = [] {
    std::vector<std::string> files(kManyFilesCount);
    for (int i = 0, f = 0; f < kManyFilesCount; ++f) {
      files[f] = f == 0 ? app_header() : module_prelude();
      while (files[f].size() < kTargetBytes / kManyFilesCount) files[f] += route_module(i++);
    }
    files.back() += app_footer();
    return files;
  }();
  return sources;
}

std::vector<nodescope::engine::InputFile> as_inputs(const std::vector<std::string>& sources) {
  std::vector<nodescope::engine::InputFile> inputs;
  inputs.reserve(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    nodescope::engine::InputFile file;
    file.rel_path = "src/routes/r" + std::to_string(i) + ".js";
    file.abs_path = file.rel_path;
    file.language = nodescope::Language::kJavaScript;
    file.size = sources[i].size();
    file.content = sources[i];
    inputs.push_back(std::move(file));
  }
  return inputs;
}

void run_engine(benchmark::State& state, const std::vector<std::string>& sources, bool parse_only) {
  nodescope::engine::EngineOptions options;
  options.jobs = 1;
  options.parse_only = parse_only;
  // --parse-only keeps the rule list and skips running it, as the CLI does.
  const auto rules = nodescope::all_rules();

  std::int64_t bytes = 0;
  for (const std::string& s : sources) bytes += static_cast<std::int64_t>(s.size());
  const std::vector<nodescope::engine::InputFile> inputs = as_inputs(sources);

  std::size_t findings = 0;
  for (auto _ : state) {
    // The copy of the inputs is a few microseconds against milliseconds of parsing.
    nodescope::ScanResult result = nodescope::engine::analyze_files(inputs, rules, options);
    if (result.stats.parsed != sources.size()) {
      state.SkipWithError("not every generated file was parsed; check the result's diagnostics");
      return;
    }
    findings = result.findings.size();
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["files"] = static_cast<double>(sources.size());
  state.counters["findings"] = static_cast<double>(findings);
}

void bm_one_file(benchmark::State& state, bool parse_only) {
  run_engine(state, {one_big_source()}, parse_only);
}

void bm_many_files(benchmark::State& state, bool parse_only) {
  run_engine(state, many_small_sources(), parse_only);
}

BENCHMARK_CAPTURE(bm_one_file, parse_only, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_one_file, full, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_many_files, parse_only, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_many_files, full, false)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
