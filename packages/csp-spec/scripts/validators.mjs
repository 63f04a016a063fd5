// Request validators compiled at build time: Ajv's standalone code generation turns the schema of
// every (operation, request part) of the contract into plain JavaScript, so a CSP validates requests
// without loading Ajv or compiling a schema at run time (Ajv and its compiled code were the largest
// share of a CSP's resident memory after a load; docs/benchmarks.md, goal 4).
//
// Two modules, because coercion is an option of the Ajv instance, not of a schema: bodies are
// checked strictly, while query strings, path params and headers (strings on the wire) are coerced
// to their declared types and get their defaults filled in. The options come from
// src/server/validation-options.ts, which validation.ts also compiles response schemas with.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const { Ajv2020, _ } = require('ajv/dist/2020.js');
const standaloneCode = require('ajv/dist/standalone').default;

/**
 * The route table of src/server/contract.ts and the Ajv options of validation-options.ts (both
 * TypeScript, and this script runs before any build): they and the spec.ts contract.ts imports are
 * transpiled into a scratch directory and imported.
 */
async function contractModules(root) {
  const scratch = await mkdtemp(join(tmpdir(), 'csp-spec-generate-'));
  try {
    await mkdir(join(scratch, 'server'));
    for (const file of ['spec.ts', 'server/contract.ts', 'server/validation-options.ts']) {
      const source = await readFile(join(root, 'src', file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      await writeFile(
        join(scratch, file.replace(/\.ts$/, '.mjs')),
        outputText.replaceAll("'../spec.js'", "'../spec.mjs'"),
      );
    }
    const load = (file) => import(pathToFileURL(join(scratch, 'server', file)).href);
    return { ...(await load('contract.mjs')), ...(await load('validation-options.mjs')) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function newAjv(options, coerce) {
  const ajv = new Ajv2020({
    ...options.ajvOptions(coerce),
    // The formats are referenced by name: the generated module imports them (see `header`).
    code: { source: true, esm: true, lines: true, formats: _`contractFormats` },
  });
  for (const [name, format] of Object.entries(options.contractFormats)) {
    ajv.addFormat(name, format);
  }
  for (const keyword of options.annotationKeywords) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
}

const header = (what) =>
  [
    '// @ts-nocheck',
    `// Generated from openapi.yaml by scripts/generate.mjs (Ajv standalone code): ${what}. Do not edit.`,
    '// Run `pnpm generate` after changing the contract; `pnpm verify` fails when this file is stale.',
    "// Imports only the small runtime helpers Ajv's code calls (ajv/dist/runtime/*), never Ajv itself.",
    "import { createRequire } from 'node:module';",
    "import { contractFormats } from '../server/validation-options.js';",
    '',
    'const require = createRequire(import.meta.url);',
    '',
  ].join('\n');

function moduleFor(ajv, schemas, what) {
  // Parts with the same schema (the `x-auth-token` header of every secured operation) share one
  // function: the later names are aliases of the first.
  const firstBySchema = new Map();
  const aliases = [];
  for (const [name, schema] of schemas) {
    const key = JSON.stringify(schema);
    const first = firstBySchema.get(key);
    if (first) {
      aliases.push(`export const ${name} = ${first};`);
    } else {
      firstBySchema.set(key, name);
      ajv.addSchema(schema, name);
    }
  }
  const names = [...firstBySchema.values()];
  const code = standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name])));
  for (const required of code.matchAll(/require\("([^"]+)"\)/g)) {
    if (!required[1].startsWith('ajv/dist/runtime/')) {
      throw new Error(`generated validators would load ${required[1]}`);
    }
  }
  if (!code.includes('contractFormats') && code.includes('formats')) {
    throw new Error('generated validators reference formats not emitted as code');
  }
  return `${header(what)}${code.replace(/^"use strict";\n?/, '')}\n${aliases.join('\n')}\n`;
}

/** [path, text] of the two generated validator modules. */
export async function validatorModules(root, doc) {
  const modules = await contractModules(root);
  const routes = modules.contractRoutes(doc);
  const bodies = [];
  const others = [];
  for (const route of routes) {
    for (const [part, schema] of Object.entries(route.request)) {
      if (part === 'body') {
        bodies.push([route.operationId, schema]);
      } else {
        others.push([`${route.operationId}_${part}`, schema]);
      }
    }
  }
  return [
    [
      join(root, 'src', 'generated', 'body-validators.ts'),
      moduleFor(newAjv(modules, false), bodies, 'request bodies, one export per operation, no coercion'),
    ],
    [
      join(root, 'src', 'generated', 'parameter-validators.ts'),
      moduleFor(
        newAjv(modules, true),
        others,
        'query strings, path params and headers, one export per <operation>_<part>, coerced, with defaults',
      ),
    ],
  ];
}
