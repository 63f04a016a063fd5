// The leak audit: every dataset, snapshot, target, extent, LUN mapping, initiator group, CHAP
// entry and session that was not part of the system when the test started. A CSP that cleans up
// after itself leaves every list empty. Secrets are never listed.

import type { SimCore } from './state/core.js';
import type { Dataset, Snapshot } from './zfs/model.js';

export interface LeakAudit {
  datasets: Array<{ name: string; type: string }>;
  snapshots: string[];
  targets: Array<{ id: number; name: string }>;
  extents: Array<{ id: number; name: string; disk: string | null }>;
  targetextents: Array<{ id: number; target: number; extent: number; lunid: number }>;
  initiators: Array<{ id: number; comment: string; initiators: string[] }>;
  auth: Array<{ id: number; tag: number; user: string }>;
  sessions: Array<{ target: string; initiator: string }>;
}

/** Objects present at baseline time are identified by identity, so reused ids do not hide leaks. */
export class AuditBaseline {
  readonly #known = new WeakSet<object>();

  constructor(sim: SimCore) {
    this.capture(sim);
  }

  /** Adds everything that exists now to the baseline (after setup or seeding). */
  capture(sim: SimCore): void {
    const { iscsi, zfs } = sim;
    for (const row of [
      ...zfs.datasets.values(),
      ...zfs.snapshots.values(),
      ...iscsi.targets.rows(),
      ...iscsi.extents.rows(),
      ...iscsi.targetextents.rows(),
      ...iscsi.initiators.rows(),
      ...iscsi.auth.rows(),
      ...iscsi.sessions,
    ]) {
      this.#known.add(row);
    }
  }

  #fresh<T extends object>(rows: Iterable<T>): T[] {
    return [...rows].filter((row) => !this.#known.has(row));
  }

  audit(sim: SimCore): LeakAudit {
    const { iscsi, zfs } = sim;
    return {
      datasets: this.#fresh<Dataset>(zfs.datasets.values()).map((d) => ({ name: d.name, type: d.type })),
      snapshots: this.#fresh<Snapshot>(zfs.snapshots.values()).map((s) => s.name),
      targets: this.#fresh(iscsi.targets.rows()).map((t) => ({ id: t.id, name: t.name })),
      extents: this.#fresh(iscsi.extents.rows()).map((e) => ({ id: e.id, name: e.name, disk: e.path })),
      targetextents: this.#fresh(iscsi.targetextents.rows()).map((te) => ({ ...te })),
      initiators: this.#fresh(iscsi.initiators.rows()).map((i) => ({
        id: i.id,
        comment: i.comment,
        initiators: [...i.initiators],
      })),
      auth: this.#fresh(iscsi.auth.rows()).map((a) => ({ id: a.id, tag: a.tag, user: a.user })),
      sessions: this.#fresh(iscsi.sessions).map((s) => ({ target: s.target, initiator: s.initiator })),
    };
  }
}

/** True when the audit lists nothing. */
export function auditIsEmpty(audit: LeakAudit): boolean {
  return Object.values(audit).every((list) => (list as unknown[]).length === 0);
}
