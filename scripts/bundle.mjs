#!/usr/bin/env node
// Bundles each service (the CSI driver and the CSPs) with its dependencies into
// packages/<name>/bundle/: one ES module entry (main.js) plus the chunks of what the service loads
// only on demand (the node half, metrics, the Swagger UI...). Run by `pnpm build` after tsc, from
// tsc's dist/.
//
// The services load their CommonJS dependencies with `createRequire(import.meta.url)(...)` (see
// @opencsp/csp-spec/runtime for why); a bundler follows only a plain `require(...)`, so the
// transform below rewrites that form in our own modules before bundling.
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The services that run as processes, by package directory. */
export const services = ['csi-driver', 'csp-truenas', 'csp-synology'];

/** Optional native add-ons that ws tries to require inside a try/catch; left out of the bundle. */
const optionalNative = ['bufferutil', 'utf-8-validate'];

/**
 * CommonJS modules that are required only on demand: fastify's default validator and serializer
 * compilers (the CSPs bring their own, so fastify never loads them), its inject() and Ajv for
 * opt-in response validation. Inside a chunk their source would be held by every service from
 * start, loaded or not (V8 keeps a script's whole source); each becomes a file of its own
 * (`<name>.cjs`), required when first used, as from node_modules.
 */
const onDemand = new Map([
  ['@fastify/ajv-compiler', 'fastify-ajv-compiler'],
  ['@fastify/fast-json-stringify-compiler', 'fastify-fast-json-stringify-compiler'],
  ['light-my-request', 'light-my-request'],
  ['ajv/dist/2020.js', 'ajv-2020'],
]);

const ownModule = /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/;

/** The package directory of one of our modules (packages/<name>). */
const packageOf = (id) => id.slice(0, id.lastIndexOf(`${sep}dist${sep}`));

/** `createRequire(import.meta.url)` in our own modules becomes `require`, which rolldown follows. */
const plainRequire = {
  name: 'opencsp-plain-require',
  transform(code, id) {
    if (!ownModule.test(id) || !code.includes('createRequire(import.meta.url)')) {
      return null;
    }
    let out = code.replace(/createRequire\(import\.meta\.url\)/g, 'require');
    // `const load = require;` then `load('x')`: call `require` directly.
    const alias = /const (\w+) = require;/.exec(out);
    if (alias) {
      out = out.replace(alias[0], '').replace(new RegExp(`\\b${alias[1]}\\(`, 'g'), 'require(');
    }
    return { code: out, map: null };
  },
};

/**
 * Files our modules read beside themselves (`new URL('../proto/csi.proto', import.meta.url)`:
 * the proto files, the contract, the driver's package.json) are read relative to the bundle's
 * chunks instead, and copied there (`resources`: path in the bundle -> source file).
 */
function fileResources(resources) {
  return {
    name: 'opencsp-file-resources',
    transform(code, id) {
      if (!ownModule.test(id) || !code.includes('import.meta.url')) {
        return null;
      }
      const out = code.replace(/new URL\((['"])(\.\.?\/[^'"]+)\1, import\.meta\.url\)/g, (_, _q, rel) => {
        const file = resolve(dirname(id), rel);
        const inBundle = relative(packageOf(id), file).split(sep).join('/');
        if (inBundle.startsWith('..')) {
          throw new Error(`${id}: ${rel} is outside its package`);
        }
        const seen = resources.get(inBundle);
        if (seen !== undefined && seen !== file) {
          throw new Error(`${inBundle} is read by two packages (${seen}, ${file})`);
        }
        resources.set(inBundle, file);
        return `new URL(${JSON.stringify(`./${inBundle}`)}, import.meta.url)`;
      });
      return { code: out, map: null };
    },
  };
}

/**
 * npm packages that read files of their own at run time through `__dirname`: the Swagger UI
 * plugin serves its `static/` directory (on `/docs`). Their `__dirname` becomes the same
 * directory inside the bundle (`<as>/...`), where those files are copied.
 */
const packageFiles = new Map([['@fastify/swagger-ui', { as: 'swagger-ui', copy: ['static'] }]]);

/** The name of the variable that holds the bundle's directory in chunks that need it. */
const bundleDirVar = '__opencspBundleDir';

function packageDirnames(copies) {
  return {
    name: 'opencsp-package-files',
    transform(code, id) {
      const dir = npmPackageDir(id);
      const files = dir === undefined ? undefined : packageFiles.get(npmPackageName(dir));
      if (files === undefined || !code.includes('__dirname')) {
        return null;
      }
      for (const path of files.copy) {
        copies.set(`${files.as}/${path}`, join(dir, path));
      }
      const inBundle = [
        files.as,
        ...relative(dir, dirname(id))
          .split(sep)
          .filter((p) => p !== ''),
      ].join('/');
      const replacement = `require('node:path').join(${bundleDirVar}, ${JSON.stringify(inBundle)})`;
      return { code: code.replace(/\b__dirname\b/g, replacement), map: null };
    },
  };
}

/** `const __opencspBundleDir = import.meta.dirname;` atop the chunks with a module of `packageFiles`. */
function bundleDirBanner(chunk) {
  const needs = chunk.moduleIds.some((id) => {
    const dir = npmPackageDir(id);
    return dir !== undefined && packageFiles.has(npmPackageName(dir));
  });
  return needs ? `const ${bundleDirVar} = import.meta.dirname;` : '';
}

/** Requires of the `onDemand` modules become requires of their own files (`found`: name -> path). */
function onDemandFiles(found) {
  return {
    name: 'opencsp-on-demand',
    async resolveId(source, importer, extra) {
      const name = onDemand.get(source);
      if (name === undefined || extra.kind !== 'require-call') {
        return null;
      }
      const resolved = await this.resolve(source, importer, { skipSelf: true, kind: extra.kind });
      if (!resolved) {
        throw new Error(`${importer}: cannot resolve ${source}`);
      }
      found.set(name, resolved.id);
      return { id: `./${name}.cjs`, external: true };
    },
  };
}

/** The directory of the npm package a bundled module belongs to, or undefined for our own. */
function npmPackageDir(id) {
  const at = id.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) {
    return undefined;
  }
  const rest = id.slice(at + 14).split(sep);
  return id.slice(0, at + 14) + rest.slice(0, rest[0].startsWith('@') ? 2 : 1).join(sep);
}

/** The name of the npm package in `dir` (its directory below node_modules). */
function npmPackageName(dir) {
  return dir
    .slice(dir.lastIndexOf(`${sep}node_modules${sep}`) + 14)
    .split(sep)
    .join('/');
}

/**
 * THIRD-PARTY-LICENSES: name, version, licence and licence text of every npm package with code
 * in the bundle (the minifier drops their comments, and the image ships no node_modules).
 */
async function thirdPartyLicenses(chunks) {
  const dirs = new Set();
  for (const chunk of chunks) {
    for (const id of Object.keys(chunk.modules)) {
      const dir = npmPackageDir(id);
      if (dir !== undefined) {
        dirs.add(dir);
      }
    }
  }
  const entries = [];
  for (const dir of dirs) {
    const { name, version, license } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text =
      file === undefined
        ? `(the package ships no licence file; its package.json names ${license})`
        : (await readFile(join(dir, file), 'utf8')).trim();
    entries.push({ id: `${name}@${version}`, license, text });
  }
  entries.sort((a, b) => (a.id < b.id ? -1 : 1));
  return entries.map((e) => `${e.id} (${e.license})\n\n${e.text}\n`).join(`\n${'-'.repeat(72)}\n\n`);
}

async function write(options, outputOptions) {
  const build = await rolldown({ platform: 'node', logLevel: 'warn', ...options });
  try {
    return (await build.write(outputOptions)).output.filter((o) => o.type === 'chunk');
  } finally {
    await build.close();
  }
}

export async function bundleService(name, { minify = true } = {}) {
  const pkg = join(repoRoot, 'packages', name);
  const outDir = join(pkg, 'bundle');
  await rm(outDir, { recursive: true, force: true });
  const resources = new Map();
  const found = new Map();
  const chunks = await write(
    {
      input: join(pkg, 'dist', 'main.js'),
      external: optionalNative,
      plugins: [plainRequire, fileResources(resources), onDemandFiles(found), packageDirnames(resources)],
    },
    {
      dir: outDir,
      format: 'esm',
      minify,
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      banner: bundleDirBanner,
    },
  );
  if (found.size > 0) {
    chunks.push(
      ...(await write(
        { input: Object.fromEntries(found), external: optionalNative },
        { dir: outDir, format: 'cjs', minify, entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
      )),
    );
  }
  // The bundle's package.json: ES modules, and the version the driver reports.
  const { name: pkgName, version } = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8'));
  resources.delete('package.json');
  await writeFile(
    join(outDir, 'package.json'),
    `${JSON.stringify({ name: pkgName, version, type: 'module' }, null, 2)}\n`,
  );
  for (const [inBundle, file] of resources) {
    await cp(file, join(outDir, inBundle), { recursive: true });
  }
  await writeFile(join(outDir, 'THIRD-PARTY-LICENSES'), await thirdPartyLicenses(chunks));
  return { outDir, chunks };
}

/** What each chunk holds, by package, in KiB of minified source (`--report`). */
function report(chunks) {
  const lines = [];
  for (const chunk of chunks.sort((a, b) => b.code.length - a.code.length)) {
    const byPackage = new Map();
    for (const [id, info] of Object.entries(chunk.modules)) {
      const m = /node_modules[\\/](@[^\\/]+[\\/][^\\/]+|[^\\/@][^\\/]*)[\\/](?!.*node_modules)/.exec(id);
      const key = m ? m[1] : (/packages[\\/]([^\\/]+)/.exec(id)?.[1] ?? id);
      byPackage.set(key, (byPackage.get(key) ?? 0) + info.renderedLength);
    }
    const parts = [...byPackage].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}`);
    lines.push(
      `  ${chunk.fileName} ${(chunk.code.length / 1024).toFixed(0)} KiB${chunk.isDynamicEntry || chunk.fileName.endsWith('.cjs') ? ' (loaded on demand)' : ''}: ${parts.join(', ')}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const only = args.filter((a) => a !== '--report');
  for (const name of only.length > 0 ? only : services) {
    const { outDir, chunks } = await bundleService(name);
    console.log(`bundled ${name}: ${outDir}`);
    if (args.includes('--report')) {
      console.log(report(chunks));
    }
  }
}
