// The leak audit: every LUN, snapshot, target, host object and backing file that exists now but
// did not at the baseline (simulator start, or the last `markBaseline()`), plus LUNs stuck in a
// lock or a delete. A test suite that cleans up after itself leaves an empty audit.
import { readdir } from 'node:fs/promises';
import type { DsmState } from './state.js';

export interface Baseline {
  luns: Set<string>;
  snapshots: Set<string>;
  targets: Set<number>;
  hosts: Set<number>;
}

export interface AuditReport {
  luns: { uuid: string; name: string; location: string }[];
  snapshots: { uuid: string; name: string; lun: string }[];
  targets: { id: number; name: string; mappedLuns: number }[];
  hosts: { id: number; name: string; initiators: string[]; luns: number }[];
  /** Backing files no LUN or snapshot owns. */
  orphanFiles: string[];
  /** Human-readable lines; empty when nothing leaked. */
  leaks: string[];
}

export function takeBaseline(state: DsmState): Baseline {
  const snapshots = new Set<string>();
  for (const lun of state.luns.values()) {
    for (const uuid of lun.snapshots.keys()) {
      snapshots.add(uuid);
    }
  }
  return {
    luns: new Set(state.luns.keys()),
    snapshots,
    targets: new Set(state.targets.keys()),
    hosts: new Set(state.hosts.keys()),
  };
}

export async function audit(state: DsmState, baseline: Baseline): Promise<AuditReport> {
  const report: AuditReport = { luns: [], snapshots: [], targets: [], hosts: [], orphanFiles: [], leaks: [] };
  const owned = new Set<string>();
  for (const lun of state.luns.values()) {
    owned.add(`${lun.backingKey}.img`);
    if (!baseline.luns.has(lun.uuid)) {
      report.luns.push({ uuid: lun.uuid, name: lun.name, location: lun.location });
      report.leaks.push(`LUN ${lun.name} (${lun.uuid})${lun.deletingUntil ? ' still deleting' : ''}`);
    }
    for (const snapshot of lun.snapshots.values()) {
      owned.add(`${snapshot.backingKey}.img`);
      if (!baseline.snapshots.has(snapshot.uuid)) {
        report.snapshots.push({ uuid: snapshot.uuid, name: snapshot.name, lun: lun.name });
        report.leaks.push(`snapshot ${snapshot.name} of LUN ${lun.name}`);
      }
    }
  }
  for (const target of state.targets.values()) {
    if (!baseline.targets.has(target.targetId)) {
      report.targets.push({ id: target.targetId, name: target.name, mappedLuns: target.mapped.size });
      report.leaks.push(`target ${target.name} (id ${target.targetId}, ${target.mapped.size} LUN(s) mapped)`);
    }
  }
  for (const host of state.hosts.values()) {
    if (!baseline.hosts.has(host.hostId)) {
      report.hosts.push({ id: host.hostId, name: host.name, initiators: [...host.initiators], luns: host.acls.size });
      report.leaks.push(`host ${host.name} (id ${host.hostId}, ${host.acls.size} LUN permission(s))`);
    }
  }
  let files: string[] = [];
  try {
    files = await readdir(state.backing.dir);
  } catch {
    files = [];
  }
  for (const file of files) {
    if (file.endsWith('.img') && !owned.has(file)) {
      report.orphanFiles.push(file);
      report.leaks.push(`backing file ${file} without a LUN or snapshot`);
    }
  }
  return report;
}
