#!/usr/bin/env node
// Validates Vega-Lite specs the way a user's browser would meet them: against
// the official JSON schema shipped in the vega-lite package (ajv), then by
// compiling to Vega and rendering to SVG headlessly, which catches specs that
// are schema-valid but break at run time (bad field references, bad formats).
// Usage: validate-vegalite.js SPEC.json...   Exit 0 when all pass; 1 otherwise
// (one "file: problem" line per failure on stderr); 2 on bad usage.
'use strict';
const fs = require('fs');
const path = require('path');

const root = process.env.SCOUT_ASSETS || path.join(__dirname, '..', '..', 'node_modules');
const need = (name) => require(path.join(root, name));

async function check(file, validate, vl, vega) {
  const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!validate(spec)) {
    const errs = validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
    return `schema: ${errs.join('; ')}`;
  }
  if (spec.$schema !== 'https://vega.github.io/schema/vega-lite/v5.json') return 'schema: $schema is not Vega-Lite v5';
  const warnings = [];
  const logger = {
    level() { return this; },
    warn(...a) { warnings.push(a.join(' ')); return this; },
    info() { return this; },
    debug() { return this; },
    error(...a) { warnings.push(a.join(' ')); return this; },
  };
  const compiled = vl.compile(spec, { logger });
  if (warnings.length) return `vega-lite warnings: ${warnings.join('; ')}`;
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  if (!svg.startsWith('<svg')) return 'render: no svg produced';
  return null;
}

async function main() {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: validate-vegalite.js SPEC.json...');
    process.exit(2);
  }
  const Ajv = need('ajv');
  const addFormats = need('ajv-formats');
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8'));
  const ajv = new (Ajv.default || Ajv)({ strict: false, allErrors: false, allowUnionTypes: true });
  (addFormats.default || addFormats)(ajv);
  // The schema names a format ajv-formats does not define; check it as written in the schema.
  ajv.addFormat('color-hex', /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i);
  const validate = ajv.compile(schema);
  const vl = need('vega-lite');
  const vega = need('vega');
  let failed = 0;
  for (const f of files) {
    let problem;
    try {
      problem = await check(f, validate, vl, vega);
    } catch (e) {
      problem = `error: ${e.message}`;
    }
    if (problem) {
      failed++;
      console.error(`${f}: ${problem}`);
    }
  }
  console.log(`${files.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
