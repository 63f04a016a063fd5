#!/usr/bin/env node
// Generates the TypeScript types of proto/csi.proto into src/generated/csi/ with
// proto-loader-gen-types (no protoc needed), using the same loader options as the server and the
// harness. `--check` fails (exit 1) when the committed files differ from a fresh generation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src', 'generated', 'csi');
const require = createRequire(import.meta.url);
const generator = join(dirname(require.resolve('@grpc/proto-loader')), '..', 'bin', 'proto-loader-gen-types.js');

function generate(into) {
  execFileSync(
    process.execPath,
    [
      generator,
      'csi.proto',
      '--longs=Number',
      '--enums=String',
      '--defaults',
      '--oneofs',
      '--grpcLib=@grpc/grpc-js',
      '--importFileExtension=.js',
      `--outDir=${into}`,
      `--includeDirs=${join(root, 'proto')}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // The generator writes the absolute path of the .proto into every file; keep the output
  // independent of where the repository is checked out.
  for (const file of listFiles(into)) {
    const path = join(into, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(`${root}/`, ''));
  }
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else {
        out.push(relative(dir, full));
      }
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return out.sort();
}

const fresh = mkdtempSync(join(tmpdir(), 'csi-gen-'));
try {
  generate(fresh);
  if (process.argv.includes('--check')) {
    const want = listFiles(fresh);
    const have = listFiles(outDir);
    const stale =
      want.length !== have.length ||
      want.some(
        (file, i) =>
          file !== have[i] || readFileSync(join(fresh, file), 'utf8') !== readFileSync(join(outDir, file), 'utf8'),
      );
    if (stale) {
      console.error(`${outDir} is stale: run \`pnpm --filter @opencsp/csi-driver generate\` and commit the result.`);
      process.exit(1);
    }
    console.log('generated CSI types are up to date');
  } else {
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    await cp(fresh, outDir, { recursive: true });
    console.log(`wrote ${outDir}`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
