// Which device to use for a LUN seen through one or more paths: the dm-multipath map that holds
// every path (found through sysfs holders and its `mpath-<wwid>` dm uuid), or the single path when
// the policy allows it. A path held by anything else (LVM, another map) is never used.
import { failedPrecondition } from '../../errors.js';
import { type Clock, pollUntil } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import type { MultipathPolicy } from '../../host/readiness.js';
import { blockSize, dmName, dmUuid, holders } from '../../host/sysfs.js';
import type { NodeLogger } from '../logger.js';
import type { PathDevice } from './paths.js';

export interface MapTiming {
  /** How long to wait for multipathd to build the map (policy required). */
  readonly mapTimeoutMs: number;
  /** How long to wait before falling back to a single path (policy preferred). */
  readonly preferredMapTimeoutMs: number;
  readonly pollIntervalMs: number;
}

export interface ResolvedDevice {
  readonly device: string;
  readonly dm?: string;
  readonly mapName?: string;
  readonly mpathWwid?: string;
}

type MapProbe =
  | { kind: 'map'; dm: string; name: string; wwid: string }
  | { kind: 'none' }
  | { kind: 'partial' }
  | { kind: 'nameless'; name: string };

/**
 * The map holding all paths, 'partial' while only some are held, 'none' when none is, 'nameless'
 * while udev has not made its /dev/mapper node yet (the kernel has the map before udev names it).
 */
async function probeMap(files: HostFiles, paths: readonly PathDevice[]): Promise<MapProbe> {
  const maps = new Set<string>();
  let unheld = 0;
  for (const path of paths) {
    const held = await holders(files, path.name);
    if (held.length === 0) {
      unheld++;
      continue;
    }
    for (const dm of held) {
      const uuid = (await dmUuid(files, dm)) ?? '';
      if (!uuid.startsWith('mpath-')) {
        throw failedPrecondition(`${path.name} is held by ${dm} (dm uuid ${uuid || 'none'}), not by a multipath map`);
      }
      maps.add(dm);
    }
  }
  if (maps.size > 1) {
    throw failedPrecondition(`the paths of one LUN are held by different maps: ${[...maps].join(', ')}`);
  }
  const [dm] = maps;
  if (dm === undefined) {
    return { kind: 'none' };
  }
  if (unheld > 0) {
    return { kind: 'partial' };
  }
  const name = (await dmName(files, dm)) ?? dm;
  if (!(await files.deviceNumber(`/dev/mapper/${name}`))) {
    return { kind: 'nameless', name };
  }
  const wwid = ((await dmUuid(files, dm)) ?? '').replace(/^mpath-/, '');
  return { kind: 'map', dm, name, wwid };
}

/** Checks that the paths are one LUN: same identity, same size. */
async function checkConsistent(files: HostFiles, paths: readonly PathDevice[]): Promise<void> {
  const ids = new Set(paths.map((p) => p.wwid ?? p.serial ?? ''));
  if (ids.size > 1) {
    throw failedPrecondition(
      `paths ${paths.map((p) => p.name).join(', ')} report different WWIDs: ${[...ids].join(', ')}`,
    );
  }
  const sizes = new Set<number | undefined>();
  for (const p of paths) {
    sizes.add(await blockSize(files, p.name));
  }
  if (sizes.size > 1) {
    throw failedPrecondition(
      `paths ${paths.map((p) => p.name).join(', ')} report different sizes: ${[...sizes].join(', ')}`,
    );
  }
}

export async function resolveDevice(
  files: HostFiles,
  clock: Clock,
  timing: MapTiming,
  policy: MultipathPolicy,
  paths: readonly PathDevice[],
  logger: NodeLogger,
): Promise<ResolvedDevice> {
  const [first] = paths;
  if (!first) {
    throw failedPrecondition('no path device to resolve');
  }
  await checkConsistent(files, paths);
  const wait = policy === 'required' ? timing.mapTimeoutMs : policy === 'preferred' ? timing.preferredMapTimeoutMs : 0;
  let last: MapProbe = { kind: 'none' };
  const found = await pollUntil(clock, wait, timing.pollIntervalMs, async () => {
    last = await probeMap(files, paths);
    return last.kind === 'map' ? last : undefined;
  });
  if (found) {
    return { device: `/dev/mapper/${found.name}`, dm: found.dm, mapName: found.name, mpathWwid: found.wwid };
  }
  const lastProbe = last as MapProbe;
  const lastKind = lastProbe.kind;
  if (lastKind === 'nameless') {
    throw failedPrecondition(
      `the multipath map ${lastProbe.name} of ${paths.map((p) => p.name).join(', ')} got no /dev/mapper/${lastProbe.name} within ${wait} ms: is udev running on the host?`,
    );
  }
  if (policy === 'required') {
    const state = lastKind === 'partial' ? 'holds only some of the paths' : 'was not created';
    throw failedPrecondition(
      `multipath map for ${paths.map((p) => p.name).join(', ')} ${state} within ${timing.mapTimeoutMs} ms: is multipathd running with find_multipaths "no" (or "greedy")?`,
    );
  }
  if (lastKind === 'partial') {
    throw failedPrecondition(`a multipath map holds only some paths of ${first.name}; refusing to mount a single path`);
  }
  if (paths.length > 1) {
    logger.warn({ paths: paths.map((p) => p.name) }, 'no multipath map; using the first path only');
  }
  return { device: `/dev/${first.name}` };
}
