// dm-multipath through multipath-tools: listing maps and paths, flushing a map (`multipath -f`, never
// `dmsetup remove`, so multipathd stays in sync), resizing and disabling queueing. Parsers cover
// `multipathd show maps|paths format ...` and `multipath -ll` (multipath-tools 0.8–0.10).
import { DriverError } from '../errors.js';
import { commandError, describeFailure, type Runner, runChecked } from './runner.js';

export const mapsFormat = '%n %w %d %N %t';
export const pathsFormat = '%w %d %i %t %T %o';

export interface MultipathMap {
  readonly name: string;
  readonly wwid: string;
  /** Kernel name (dm-3). */
  readonly sysfs: string;
  readonly pathCount: number;
  readonly dmState: string;
}

export interface MultipathPath {
  readonly wwid: string;
  readonly dev: string;
  readonly hctl: string;
  /** active | failed | undef (dm's view). */
  readonly dmState: string;
  /** ready | faulty | ghost | shaky | undef (the path checker). */
  readonly checkerState: string;
  /** running | offline (the SCSI device state). */
  readonly devState: string;
}

function rows(text: string, firstHeader: string): string[][] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.map((l) => l.split(/\s+/)).filter((cols) => cols[0] !== firstHeader);
}

export function parseShowMaps(text: string): MultipathMap[] {
  return rows(text, 'name')
    .filter((c) => c.length >= 5)
    .map(([name, wwid, sysfs, paths, dmState]) => ({
      name: name ?? '',
      wwid: wwid ?? '',
      sysfs: sysfs ?? '',
      pathCount: Number(paths),
      dmState: dmState ?? '',
    }));
}

export function parseShowPaths(text: string): MultipathPath[] {
  return rows(text, 'uuid')
    .filter((c) => c.length >= 6)
    .map(([wwid, dev, hctl, dmState, checkerState, devState]) => ({
      wwid: wwid ?? '',
      dev: dev ?? '',
      hctl: hctl ?? '',
      dmState: dmState ?? '',
      checkerState: checkerState ?? '',
      devState: devState ?? '',
    }));
}

export interface TopologyPath {
  readonly hctl: string;
  readonly dev: string;
  readonly devNumber: string;
  readonly dmState: string;
  readonly checkerState: string;
  readonly devState: string;
}

export interface MapTopology {
  readonly name: string;
  readonly wwid: string;
  readonly sysfs: string;
  readonly vendorProduct: string;
  readonly paths: readonly TopologyPath[];
}

/** Parses `multipath -ll` (works without multipathd: it reads dm tables and sysfs). */
export function parseMultipathLl(text: string): MapTopology[] {
  const maps: { -readonly [K in keyof MapTopology]: K extends 'paths' ? TopologyPath[] : MapTopology[K] }[] = [];
  for (const raw of text.split('\n')) {
    const header = /^(\S+)(?: \((\S+)\))? (dm-\d+) (.*)$/.exec(raw);
    if (header && !raw.startsWith(' ') && !/^[|`]/.test(raw)) {
      const name = header[1] ?? '';
      maps.push({ name, wwid: header[2] ?? name, sysfs: header[3] ?? '', vendorProduct: header[4] ?? '', paths: [] });
      continue;
    }
    const path = /(\d+:\d+:\d+:\d+|#:#:#:#) (\S+)\s+(\d+:\d+|#:#)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(raw);
    const current = maps[maps.length - 1];
    if (path && current) {
      current.paths.push({
        hctl: path[1] ?? '',
        dev: path[2] ?? '',
        devNumber: path[3] ?? '',
        dmState: path[4] ?? '',
        checkerState: path[5] ?? '',
        devState: path[6] ?? '',
      });
    }
  }
  return maps;
}

const multipathdHint = 'is multipathd running on the host?';

export class Multipath {
  private readonly runner: Runner;

  constructor(runner: Runner) {
    this.runner = runner;
  }

  async maps(): Promise<MultipathMap[]> {
    const result = await runChecked(this.runner, 'multipathd', ['show', 'maps', 'format', mapsFormat], {
      kind: 'FailedPrecondition',
      context: multipathdHint,
    });
    return parseShowMaps(result.stdout);
  }

  async paths(): Promise<MultipathPath[]> {
    const result = await runChecked(this.runner, 'multipathd', ['show', 'paths', 'format', pathsFormat], {
      kind: 'FailedPrecondition',
      context: multipathdHint,
    });
    return parseShowPaths(result.stdout);
  }

  /** `multipath -ll <map>`; [] when the map does not exist. */
  async topology(map: string): Promise<MapTopology[]> {
    const result = await this.runner.run('multipath', ['-ll', map]);
    if (result.code !== 0) {
      return [];
    }
    return parseMultipathLl(result.stdout);
  }

  /**
   * Flushes (removes) an unused map. "map in use" means something still holds it (a mount, LVM,
   * an open file) and is reported as FailedPrecondition; the caller retries later.
   */
  async flush(map: string): Promise<void> {
    const result = await this.runner.run('multipath', ['-f', map]);
    if (result.code === 0 && !result.timedOut) {
      return;
    }
    if (/in use/.test(result.stderr + result.stdout)) {
      throw new DriverError('FailedPrecondition', `${describeFailure(result)} (something still holds the map)`);
    }
    throw commandError(result, 'Internal', `flushing multipath map ${map}`);
  }

  async resize(map: string): Promise<void> {
    const result = await runChecked(this.runner, 'multipathd', ['resize', 'map', map], {
      context: `resizing multipath map ${map}`,
    });
    if (result.stdout.trim() !== 'ok') {
      throw new DriverError(
        'Internal',
        `multipathd resize map ${map} answered ${JSON.stringify(result.stdout.trim())}`,
      );
    }
  }

  /** Makes I/O fail instead of queueing forever when no path is left (before flushing a dead map). */
  async disableQueueing(map: string): Promise<void> {
    await runChecked(this.runner, 'multipathd', ['disablequeueing', 'map', map], {
      context: `disabling queueing on ${map}`,
    });
  }
}
