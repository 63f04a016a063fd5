// Masking with DSM 7 host objects (SYNOLOGY_MASKING=hosts). Each node gets a host object named like
// its target, holding exactly the node's IQNs. Before a LUN is mapped to the node's target, the
// host is given `rw` on it (`ro` for a read-only publish); after the LUN is unmapped, `none`. Every change is read back, and a
// LUN is never mapped unless DSM reports the grant. When the node's target goes, so does its host.
//
// Known from scripts run against DSM 7: `list`/`get` (with `additional: ["acls"]`) answer
// `{host_id, name, initiator_ids, acls: [{lun_uuid, permission}]}`, `map_initiator` takes
// `{host_id, initiator_ids}`, `get` answers 18990004 for a missing host. DSM 7's method list names
// `create`, `delete`, `unmap_initiator` and `lun_acl_masks_set`; their parameters are this
// client's reading (dsm/api.ts). A NAS without them answers 102/103, which this module turns into
// a 501 naming SYNOLOGY_MASKING and its fallback.
import { CspProblem } from '@opencsp/csp-spec/server';
import type { SessionContext } from './context.js';
import { HOST } from './dsm/api.js';
import { DsmApiError } from './dsm/errors.js';
import type { DsmHost, DsmPermission } from './dsm/types.js';
import type { RegisteredHost } from './hosts.js';
import type { Masking } from './masking.js';

const missingApiCodes = new Set([102, 103]);

/** Cached in place of an id: this process deleted the host object of that name. */
const deletedHere = -1;

/**
 * At most this many "deleted here" marks are kept (oldest dropped first). A node's host object is
 * deleted with its last LUN's unpublish, so without a bound every node name the process ever saw
 * stayed in `hostIds`, growing with node churn. A dropped mark costs one host listing, on the next
 * publish to that node only.
 */
export const maxDeletedMarks = 1024;

/** Marks `key` as deleted here (as the newest mark), dropping the oldest marks past `maxDeletedMarks`. */
function markDeleted(ids: Map<string, number>, key: string): void {
  ids.delete(key);
  ids.set(key, deletedHere);
  let marks = 0;
  for (const id of ids.values()) {
    marks += id === deletedHere ? 1 : 0;
  }
  for (const [k, id] of ids) {
    if (marks <= maxDeletedMarks) {
      break;
    }
    if (id === deletedHere) {
      ids.delete(k);
      marks--;
    }
  }
}

function unavailable(what: string, code?: number): CspProblem {
  const answer = code === undefined ? 'does not offer' : `answers DSM error ${code} for`;
  return new CspProblem(
    'NOT_IMPLEMENTED',
    `this NAS ${answer} ${what}: SYNOLOGY_MASKING=hosts keeps nodes apart with DSM 7 host objects. ` +
      "Run the CSP with SYNOLOGY_MASKING=chap (each node's target admits only the node's CHAP from the StorageClass secret), " +
      'or, on a storage network only cluster nodes can reach, SYNOLOGY_MASKING=none',
  );
}

function permissionOf(host: DsmHost, lunUuid: string): string | undefined {
  return host.acls?.find((a) => a.lun_uuid === lunUuid)?.permission;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((x) => left.has(x));
}

export class HostMasking implements Masking {
  readonly mode = 'hosts';
  readonly enforcesReadOnly = true;
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  admit(): void {}
  checkTarget(): void {}

  #key(name: string): string {
    return `${this.#ctx.nas.serial}|${name}`;
  }

  /** Runs a host call, turning "no such API/method" into the 501 that names the setting. */
  async #call<T>(method: string, work: () => Promise<T>): Promise<T> {
    if (!this.#ctx.api.client.catalog.has(HOST)) {
      throw unavailable(`${HOST} (DSM 6 has no host objects)`);
    }
    try {
      return await work();
    } catch (err) {
      if (err instanceof DsmApiError && missingApiCodes.has(err.code)) {
        throw unavailable(`${HOST}.${method}`, err.code);
      }
      throw err;
    }
  }

  /**
   * The id of the host object named `name`: cached, else found in one listing (or undefined).
   * A host this process deleted itself is known to be absent: no listing (another replica that
   * creates it meanwhile makes our create fail, and #create then lists).
   */
  async #find(name: string): Promise<number | undefined> {
    const cached = this.#ctx.shared.hostIds.get(this.#key(name));
    if (cached === deletedHere) {
      return undefined;
    }
    if (cached !== undefined) {
      return cached;
    }
    const hosts = await this.#call('list', () => this.#ctx.api.hosts());
    const found = hosts.find((h) => h.name === name);
    if (found) {
      this.#ctx.shared.hostIds.set(this.#key(name), Number(found.host_id));
      return Number(found.host_id);
    }
    return undefined;
  }

  /** The node's host object with its permissions, created (with the node's IQNs) when missing. */
  async #ensure(name: string, iqns: string[]): Promise<{ id: number; host: DsmHost }> {
    const { api, shared } = this.#ctx;
    for (let attempt = 0; attempt < 2; attempt++) {
      let id = await this.#find(name);
      if (id === undefined) {
        id = await this.#create(name, iqns);
      }
      const host = await this.#call('get', () => api.host(id));
      if (host) {
        return { id, host };
      }
      // Removed behind this CSP's back: forget the id and look again.
      shared.hostIds.delete(this.#key(name));
    }
    throw new CspProblem('INTERNAL', `DSM host ${name} disappears as soon as it is created`);
  }

  async #create(name: string, iqns: string[]): Promise<number> {
    try {
      const id = await this.#call('create', () => this.#ctx.api.createHost(name, iqns));
      this.#ctx.shared.hostIds.set(this.#key(name), id);
      return id;
    } catch (err) {
      // Another CSP replica may have created it meanwhile: use theirs.
      this.#ctx.shared.hostIds.delete(this.#key(name));
      const theirs = err instanceof DsmApiError ? await this.#find(name) : undefined;
      if (theirs !== undefined) {
        return theirs;
      }
      throw err;
    }
  }

  async grant(name: string, registered: RegisteredHost, lunUuid: string, readOnly: boolean): Promise<void> {
    const { api } = this.#ctx;
    const wanted: DsmPermission = readOnly ? 'ro' : 'rw';
    const iqns = registered.host.iqns ?? [];
    const { id, host } = await this.#ensure(name, iqns);
    const current = host.initiator_ids ?? [];
    const missing = iqns.filter((iqn) => !current.includes(iqn));
    const extra = current.filter((iqn) => !iqns.includes(iqn));
    let changed = false;
    if (missing.length > 0) {
      await this.#call('map_initiator', () => api.mapInitiators(id, missing));
      changed = true;
    }
    if (extra.length > 0) {
      await this.#call('unmap_initiator', () => api.unmapInitiators(id, extra));
      changed = true;
    }
    if (permissionOf(host, lunUuid) !== wanted) {
      await this.#setPermission(id, lunUuid, wanted);
      changed = true;
    }
    const after = changed ? await this.#call('get', () => api.host(id)) : host;
    if (!after || !sameSet(after.initiator_ids ?? [], iqns) || permissionOf(after, lunUuid) !== wanted) {
      throw new CspProblem(
        'INTERNAL',
        `DSM does not report host ${name} with exactly the node's initiators and ${wanted} access to LUN ${lunUuid}; refusing to map the LUN`,
      );
    }
  }

  /** Like #find, but a NAS without host objects simply has none to undo. */
  async #existing(name: string): Promise<number | undefined> {
    try {
      return await this.#find(name);
    } catch (err) {
      if (err instanceof CspProblem && err.reason === 'NOT_IMPLEMENTED') {
        return undefined;
      }
      throw err;
    }
  }

  async revoke(name: string, lunUuid: string): Promise<void> {
    const { api, shared } = this.#ctx;
    const id = await this.#existing(name);
    if (id === undefined) {
      return;
    }
    const host = await this.#call('get', () => api.host(id));
    if (!host) {
      shared.hostIds.delete(this.#key(name));
      return;
    }
    const permission = permissionOf(host, lunUuid);
    if (permission === undefined || permission === 'none') {
      return;
    }
    await this.#setPermission(id, lunUuid, 'none');
    const after = await this.#call('get', () => api.host(id));
    const left = after ? permissionOf(after, lunUuid) : undefined;
    if (left !== undefined && left !== 'none') {
      throw new CspProblem('INTERNAL', `DSM still reports ${left} access of host ${name} to LUN ${lunUuid}`);
    }
  }

  async forget(name: string): Promise<void> {
    const id = await this.#existing(name);
    if (id === undefined) {
      return;
    }
    try {
      await this.#call('delete', () => this.#ctx.api.deleteHost(id));
    } catch (err) {
      if (!(err instanceof DsmApiError && err.code === 18990004)) {
        throw err;
      }
    }
    markDeleted(this.#ctx.shared.hostIds, this.#key(name));
  }

  async readOnlyAccess(name: string, lunUuid: string): Promise<boolean | undefined> {
    const id = await this.#existing(name);
    const host = id === undefined ? undefined : await this.#call('get', () => this.#ctx.api.host(id));
    const permission = host ? permissionOf(host, lunUuid) : undefined;
    return permission === 'ro' ? true : permission === 'rw' ? false : undefined;
  }

  async #setPermission(id: number, lunUuid: string, permission: DsmPermission): Promise<void> {
    await this.#call('lun_acl_masks_set', () =>
      this.#ctx.api.setLunPermissions(id, [{ lun_uuid: lunUuid, permission }]),
    );
  }
}
