import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RootedHostFiles } from '../../src/host/files.js';

/** Text of a fixture under test/fixtures/host (real or faithfully modelled tool output). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/host/${name}`, import.meta.url), 'utf8');
}

/** Builds a fixture tree (`d`/`f`/`l` lines) under `root`. */
export async function materialise(root: string, text: string): Promise<void> {
  for (const line of text.split('\n')) {
    const [kind, path, ...rest] = line.trim().split(' ');
    if (!kind || kind.startsWith('#') || !path) {
      continue;
    }
    const at = join(root, path);
    if (kind === 'd') {
      await mkdir(at, { recursive: true });
    } else if (kind === 'f') {
      await mkdir(dirname(at), { recursive: true });
      await writeFile(at, `${rest.join(' ')}\n`);
    } else if (kind === 'l') {
      await mkdir(dirname(at), { recursive: true });
      await symlink(rest.join(' '), at);
    } else {
      throw new Error(`bad fixture line: ${line}`);
    }
  }
}

export interface FixtureRoot {
  readonly root: string;
  /** The tree as the node reads a host's files. */
  readonly files: RootedHostFiles;
  remove(): Promise<void>;
}

/** A fixture tree (`materialise`) in a fresh temp directory. */
export async function fixtureRoot(name: string): Promise<FixtureRoot> {
  const root = await mkdtemp(join(tmpdir(), 'opencsp-fixture-'));
  await materialise(root, fixture(name));
  return { root, files: new RootedHostFiles(root), remove: () => rm(root, { recursive: true, force: true }) };
}
