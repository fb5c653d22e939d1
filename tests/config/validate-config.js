// Validates the example configuration files against the shipped JSON Schema
// (analyzer/config/nodescope.schema.json, draft-07) with ajv, from the pinned install the SARIF
// check uses (tests/sarif/setup.sh): every examples/valid/*.json must pass, every
// examples/invalid/*.json must fail, and every examples/invalid-loader-only/*.json must pass (the
// schema cannot know rule ids or see duplicate keys; the C++ loader rejects them, which
// tests/config_test.cpp checks over the same folders). With a nodescope binary, also runs
// `nodescope scan --config FILE` on each example: exit 2 exactly for the invalid ones.
// Usage: node tests/config/validate-config.js [nodescope-binary]
// Ends with "config: N passed, M failed"; exit 1 on any failure.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Ajv = require(path.join(__dirname, '..', 'sarif', 'node_modules', 'ajv'));
const schema = require(path.join(__dirname, '..', '..', 'analyzer', 'config', 'nodescope.schema.json'));

const binary = process.argv[2];
const ajv = new Ajv({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

let passed = 0;
let failed = 0;
function outcome(ok, text) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
  if (ok) passed += 1;
  else failed += 1;
}

// An empty project to scan with each example (nothing in it to find).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodescope-config-'));
fs.writeFileSync(path.join(tmp, 'index.js'), 'module.exports = 1;\n');

const examples = path.join(__dirname, 'examples');
for (const [folder, schemaValid, loaderValid] of [
  ['valid', true, true],
  ['invalid', false, false],
  ['invalid-loader-only', true, false],
]) {
  for (const name of fs.readdirSync(path.join(examples, folder)).sort()) {
    const file = path.join(examples, folder, name);
    let valid = false;
    let why = '';
    try {
      valid = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
      why = (validate.errors || []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
    } catch (e) {
      why = `not JSON: ${e.message}`;
    }
    outcome(valid === schemaValid,
      `${folder}/${name}: schema ${valid ? 'accepts' : `rejects (${why})`}`);
    if (binary) {
      const r = spawnSync(binary, ['scan', tmp, '--config', file, '--format', 'json'], { encoding: 'utf8' });
      const want = loaderValid ? 0 : 2;
      outcome(r.status === want,
        `${folder}/${name}: nodescope exits ${r.status}${r.status === 2 ? ` (${r.stderr.trim().split('\n')[0]})` : ''}`);
    }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`config: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
