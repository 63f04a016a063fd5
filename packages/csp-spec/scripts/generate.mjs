#!/usr/bin/env node
// Generates src/generated/openapi.ts from openapi.yaml with openapi-typescript,
// generated/openapi.json, the document as the server kit loads it at run time (a CSP then needs
// no YAML parser), and src/generated/{body,parameter}-validators.ts, the request validators
// compiled ahead of time (validators.mjs). `--check` fails (exit 1) when a committed file differs from a fresh generation.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';
import { validatorModules } from './validators.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = join(root, 'openapi.yaml');
const outPath = join(root, 'src', 'generated', 'openapi.ts');
const jsonPath = join(root, 'generated', 'openapi.json');

const header =
  '// Generated from openapi.yaml by scripts/generate.mjs (openapi-typescript). Do not edit.\n// Run `pnpm generate` after changing the contract; `pnpm verify` fails when this file is stale.\n\n';

const ast = await openapiTS(pathToFileURL(specPath), { alphabetize: false, exportType: false });
const doc = parse(await readFile(specPath, 'utf8'));
const outputs = [
  [outPath, header + astToString(ast)],
  [jsonPath, `${JSON.stringify(doc)}\n`],
  ...(await validatorModules(root, doc)),
];

if (process.argv.includes('--check')) {
  for (const [path, fresh] of outputs) {
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== fresh) {
      console.error(`${path} is stale: run \`pnpm generate\` and commit the result.`);
      process.exit(1);
    }
  }
  console.log('generated files are up to date');
} else {
  for (const [path, fresh] of outputs) {
    await writeFile(path, fresh);
    console.log(`wrote ${path}`);
  }
}
