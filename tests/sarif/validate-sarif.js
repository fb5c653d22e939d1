// Validates SARIF logs against the official SARIF 2.1.0 schema (sarif-2.1.0.json beside this
// script, as published by OASIS: a draft-04 schema) with ajv's draft-04 mode and ajv-formats, so
// `uri` and `uri-reference` values are checked too. Validates:
//   - every *.sarif file given (the reporter goldens, tests/golden/*.sarif);
//   - `nodescope scan DIR --format sarif` of every folder given (the fixture apps);
//   - a scan of a small tree made here with a non-ASCII line, a path with a space, comma, colon
//     and non-ASCII characters, and a file nodescope cannot parse, written with --sarif FILE.
// Usage: node tests/sarif/validate-sarif.js <nodescope-binary> <file.sarif | dir>...
// Ends with "sarif: N passed, M failed"; exit 1 on any invalid log.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const schema = require('./sarif-2.1.0.json');

const [binary, ...targets] = process.argv.slice(2);
if (!binary || targets.length === 0) {
  console.error('usage: validate-sarif.js <nodescope-binary> <file.sarif | dir>...');
  process.exit(2);
}
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

let passed = 0;
let failed = 0;
function check(name, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    console.log(`FAIL ${name}: not JSON (${e.message})`);
    failed += 1;
    return;
  }
  // What the schema cannot say but code hosts need: a location on every result.
  const results = doc.runs.flatMap((r) => r.results || []);
  const unlocated = results.filter((r) => !(r.locations && r.locations.length > 0)).length;
  if (validate(doc) && unlocated === 0) {
    const rules = doc.runs[0].tool.driver.rules || [];
    console.log(`ok   ${name}: valid SARIF 2.1.0 (${rules.length} rules, ${results.length} results)`);
    passed += 1;
  } else {
    console.log(`FAIL ${name}:`);
    if (unlocated > 0) console.log(`  ${unlocated} results without a location`);
    for (const e of (validate.errors || []).slice(0, 10)) {
      console.log(`  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    }
    failed += 1;
  }
}

function scan(args) {
  const r = spawnSync(binary, ['scan', ...args, '--fail-on', 'none'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nodescope ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

for (const t of targets) {
  if (fs.statSync(t).isDirectory()) {
    check(`scan ${path.basename(t)}`, scan([t, '--format', 'sarif']));
  } else {
    check(path.basename(t), fs.readFileSync(t, 'utf8'));
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodescope-sarif-'));
try {
  const weird = path.join(tmp, 'src', 'we,ird:name é');
  fs.mkdirSync(weird, { recursive: true });
  fs.writeFileSync(path.join(weird, 'app.js'), 'const é = "😀"; eval(process.argv[2]);\n');
  fs.writeFileSync(path.join(tmp, 'src', 'broken.js'), 'function (\n');
  const out = path.join(tmp, 'out.sarif');
  scan([path.join(tmp, 'src'), '--format', 'json', '--output', path.join(tmp, 'out.json'), '--sarif', out]);
  check('scan of a tree with non-ASCII and reserved characters (--sarif FILE)', fs.readFileSync(out, 'utf8'));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`sarif: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
