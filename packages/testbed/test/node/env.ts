// Layer-2 environment: real loop devices, filesystems and mounts. These tests need root, the loop
// driver and the filesystem tools; without them they fail with the reason (never pass silently).
// Cleanup removes every mount under the test's directory and every loop device of its files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detachLoopsUnder, unmountUnder } from '../../src/loop/index.js';

export { hasSysResource, requireLoopEnvironment } from '../../src/loop/index.js';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'opencsp-l2-'));
}

/** Unmounts everything under `dir` (deepest first), detaches loop devices of its files, removes it. */
export async function cleanupDir(dir: string): Promise<void> {
  await unmountUnder(dir);
  await detachLoopsUnder(dir);
  await rm(dir, { recursive: true, force: true });
}
