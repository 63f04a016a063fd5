// The iSCSI target of each node: created on the node's first publish, carrying the node's CHAP and
// a session limit of its initiators times portals, deleted with its last LUN. Who besides the node
// could use it is the masking mode's business (masking.ts).
import { CspProblem } from '@opencsp/csp-spec/server';
import type { SessionContext } from './context.js';
import type { TargetAuth } from './dsm/api.js';
import { DsmApiError } from './dsm/errors.js';
import type { DsmTarget } from './dsm/types.js';
import { chapFingerprint, type HostChap, type RegisteredHost } from './hosts.js';
import { targetIqn } from './ids.js';

function authOf(chap: HostChap | undefined): TargetAuth {
  if (!chap) {
    return { auth_type: 0, user: '', password: '', mutual_user: '', mutual_password: '' };
  }
  return {
    auth_type: chap.mutualUser ? 2 : 1,
    user: chap.user,
    password: chap.password,
    mutual_user: chap.mutualUser,
    mutual_password: chap.mutualPassword,
  };
}

export class NodeTargets {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Key of per-target state shared by sessions (locks, applied CHAP). */
  key(targetName: string): string {
    return `${this.#ctx.nas.serial}|${targetName}`;
  }

  #sessions(host: RegisteredHost): number {
    return (host.host.iqns?.length ?? 1) * Math.max(1, this.#ctx.nas.portals.length);
  }

  /** The node's target with its mappings, created or brought in line with the node's settings. */
  async ensure(name: string, host: RegisteredHost): Promise<DsmTarget> {
    const existing = await this.#ctx.api.target(name);
    return existing ? this.#reconcile(existing, host) : this.#create(name, host);
  }

  async #create(name: string, host: RegisteredHost): Promise<DsmTarget> {
    const { api, nas, shared } = this.#ctx;
    let id: number;
    try {
      id = await api.createTarget({
        name,
        iqn: targetIqn(nas.hostname, name),
        max_sessions: this.#sessions(host),
        ...authOf(host.chap),
      });
    } catch (err) {
      // Another CSP replica created it meanwhile: use theirs.
      const theirs = err instanceof DsmApiError && err.code === 18990744 ? await api.target(name) : undefined;
      if (theirs) {
        return this.#reconcile(theirs, host);
      }
      throw err;
    }
    shared.appliedChap.set(this.key(name), chapFingerprint(host.chap));
    const target = await api.target(String(id));
    if (!target) {
      throw new CspProblem('INTERNAL', `target ${name} vanished right after it was created`);
    }
    return target;
  }

  /** Brings the session limit and CHAP of an existing node target in line with the node. */
  async #reconcile(target: DsmTarget, host: RegisteredHost): Promise<DsmTarget> {
    const { api, shared } = this.#ctx;
    const key = this.key(target.name);
    const changes: Record<string, string | number> = {};
    if (target.max_sessions !== this.#sessions(host)) {
      changes.max_sessions = this.#sessions(host);
    }
    const auth = authOf(host.chap);
    const fingerprint = chapFingerprint(host.chap);
    // DSM never returns CHAP secrets: re-apply once per process and whenever the node's secret changes.
    if (shared.appliedChap.get(key) !== fingerprint || target.auth_type !== auth.auth_type) {
      Object.assign(changes, auth);
    }
    if (Object.keys(changes).length === 0) {
      return target;
    }
    await api.setTarget(target.target_id, changes);
    shared.appliedChap.set(key, fingerprint);
    const updated = await api.target(String(target.target_id));
    if (!updated) {
      throw new CspProblem('INTERNAL', `target ${target.name} vanished while it was being updated`);
    }
    return updated;
  }

  /** Deletes a node target (this CSP's only) and forgets its applied CHAP. */
  async remove(target: DsmTarget): Promise<void> {
    await this.#ctx.api.deleteTarget(target.target_id);
    this.#ctx.shared.appliedChap.delete(this.key(target.name));
  }

  /** Whether a target is one of this CSP's node targets (the only ones it ever deletes). */
  ours(target: DsmTarget): boolean {
    return target.name.startsWith(`${this.#ctx.naming.prefix}host-`);
  }
}
