// Whether the demo's node part (loop device standing in for the iSCSI login, mkfs, mount, bind
// mounts, grow, statfs) can run on this machine, and if not, why: said once, plainly.
import { access } from 'node:fs/promises';
import { requireLoopEnvironment } from '../loop/index.js';
import type { NodePart } from './options.js';

export type NodeDecision = { run: true } | { run: false; reason: string };

export const howToGetNodePart =
  'run the demo as root on Linux with the loop driver (/dev/loop-control) and the filesystem tools that `npm run setup` installs';

/** The first reason this machine cannot run the node part, or undefined when it can. */
export async function nodePartBlocker(): Promise<string | undefined> {
  if (process.platform !== 'linux') {
    return `this is ${process.platform}, not Linux: the node part needs Linux loop devices and mounts`;
  }
  const uid = process.getuid?.();
  if (uid !== 0) {
    return `not running as root (uid ${uid}): attaching loop devices and mounting filesystems need root`;
  }
  const loopControl = await access('/dev/loop-control').then(
    () => true,
    () => false,
  );
  if (!loopControl) {
    return '/dev/loop-control is missing: the loop driver is not available in this kernel or container';
  }
  return requireLoopEnvironment().then(
    () => undefined,
    (err: unknown) => (err as Error).message,
  );
}

/** `auto` runs the node part when possible; `require` fails with the reason; `skip` never runs it. */
export async function decideNodePart(mode: NodePart): Promise<NodeDecision> {
  if (mode === 'skip') {
    return { run: false, reason: 'the node part was turned off (--node skip)' };
  }
  const blocker = await nodePartBlocker();
  if (blocker === undefined) {
    return { run: true };
  }
  if (mode === 'require') {
    throw new Error(`the node part cannot run (--node require): ${blocker}; ${howToGetNodePart}`);
  }
  return { run: false, reason: blocker };
}
