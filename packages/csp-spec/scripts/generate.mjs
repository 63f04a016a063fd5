#!/usr/bin/env node
// Generates src/generated/openapi.ts from openapi.yaml with openapi-typescript.
// `--check` fails (exit 1) when the committed file differs from a fresh generation.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = join(root, 'openapi.yaml');
const outPath = join(root, 'src', 'generated', 'openapi.ts');

const header =
  '// Generated from openapi.yaml by scripts/generate.mjs (openapi-typescript). Do not edit.\n// Run `pnpm generate` after changing the contract; `pnpm verify` fails when this file is stale.\n\n';

const ast = await openapiTS(pathToFileURL(specPath), { alphabetize: false, exportType: false });
const fresh = header + astToString(ast);

if (process.argv.includes('--check')) {
  const current = await readFile(outPath, 'utf8').catch(() => '');
  if (current !== fresh) {
    console.error(`${outPath} is stale: run \`pnpm generate\` and commit the result.`);
    process.exit(1);
  }
  console.log('generated types are up to date');
} else {
  await writeFile(outPath, fresh);
  console.log(`wrote ${outPath}`);
}
