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
  nvmetHosts: Array<{ id: number; hostnqn: string }>;
  nvmetSubsystems: Array<{ id: number; name: string; subnqn: string }>;
  nvmetNamespaces: Array<{ id: number; subsys: number; nsid: number; path: string }>;
  nvmetHostLinks: Array<{ id: number; host: number; subsys: number }>;
  nvmetPortLinks: Array<{ id: number; port: number; subsys: number }>;
  nvmeSessions: Array<{ hostnqn: string; subsys: number; port: number }>;
}

/** Objects present at baseline time are identified by identity, so reused ids do not hide leaks. */
export class AuditBaseline {
  readonly #known = new WeakSet<object>();

  constructor(sim: SimCore) {
    this.capture(sim);
  }

  /** Adds everything that exists now to the baseline (after setup or seeding). */
  capture(sim: SimCore): void {
    const { iscsi, zfs, nvmet } = sim;
    for (const row of [
      ...nvmet.hosts.rows(),
      ...nvmet.subsys.rows(),
      ...nvmet.namespaces.rows(),
      ...nvmet.hostSubsys.rows(),
      ...nvmet.portSubsys.rows(),
      ...nvmet.sessions,
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
    const { iscsi, zfs, nvmet } = sim;
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
      nvmetHosts: this.#fresh(nvmet.hosts.rows()).map((h) => ({ id: h.id, hostnqn: h.hostnqn })),
      nvmetSubsystems: this.#fresh(nvmet.subsys.rows()).map((s) => ({ id: s.id, name: s.name, subnqn: s.subnqn })),
      nvmetNamespaces: this.#fresh(nvmet.namespaces.rows()).map((n) => ({
        id: n.id,
        subsys: n.subsys_id,
        nsid: n.nsid,
        path: n.device_path,
      })),
      nvmetHostLinks: this.#fresh(nvmet.hostSubsys.rows()).map((l) => ({
        id: l.id,
        host: l.host_id,
        subsys: l.subsys_id,
      })),
      nvmetPortLinks: this.#fresh(nvmet.portSubsys.rows()).map((l) => ({
        id: l.id,
        port: l.port_id,
        subsys: l.subsys_id,
      })),
      nvmeSessions: this.#fresh(nvmet.sessions).map((s) => ({
        hostnqn: s.hostnqn,
        subsys: s.subsys_id,
        port: s.port_id,
      })),
    };
  }
}

/** True when the audit lists nothing. */
export function auditIsEmpty(audit: LeakAudit): boolean {
  return Object.values(audit).every((list) => (list as unknown[]).length === 0);
}
